// The sweep grid (issue #14): the step sets (the published one checked against the published files
// themselves), --steps and --models parsing, and shards that are disjoint, covering and balanced.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "results/sweep_grid.hpp"
#include "tests/common/shared.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

std::vector<results::SweepModel> models(const std::vector<std::string>& items) {
    return results::parse_sweep_models(items);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_grid)

BOOST_AUTO_TEST_CASE(step_sets) {
    const auto all = results::pythia_steps_all();
    BOOST_TEST(all.size() == 154u);
    BOOST_TEST(all.front() == 0);
    BOOST_TEST(all[10] == 512);
    BOOST_TEST(all[11] == 1000);
    BOOST_TEST(all.back() == 143000);
    BOOST_TEST(results::pythia_steps_log() == (std::vector<long>{0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512}));
    const auto published = results::pythia_steps_published();
    BOOST_TEST(published.size() == 27u);
    for (long s : published) BOOST_TEST(std::binary_search(all.begin(), all.end(), s), s);
}

// Each published zero-shot folder holds exactly the `published` steps.
BOOST_AUTO_TEST_CASE(published_steps_are_the_published_files, *boost::unit_test::precondition(test::needs_shared)) {
    const auto root = test::shared_path("reference/pythia-results/v1.1-evals");
    const std::regex name_re("[0-9.]+[mb](?:-deduped)?_step([0-9]+)\\.json");
    const auto want = results::pythia_steps_published();
    size_t folders = 0;
    for (const auto& model : fs::directory_iterator(root)) {
        const fs::path zero_shot = model.path() / "zero-shot";
        if (!fs::is_directory(zero_shot)) continue;
        std::set<long> steps;
        for (const auto& f : fs::directory_iterator(zero_shot)) {
            std::smatch m;
            const std::string name = f.path().filename().string();
            BOOST_TEST_REQUIRE(std::regex_match(name, m, name_re), name);
            steps.insert(std::stol(m[1]));
        }
        BOOST_TEST((std::vector<long>(steps.begin(), steps.end()) == want), zero_shot);
        ++folders;
    }
    BOOST_TEST(folders == 6u);
}

BOOST_AUTO_TEST_CASE(steps_spec) {
    BOOST_TEST(results::parse_steps("1000") == std::vector<long>{1000});
    BOOST_TEST(results::parse_steps("3000,0,3000,512") == (std::vector<long>{0, 512, 3000}));
    BOOST_TEST(results::parse_steps("1000:5000:2000") == (std::vector<long>{1000, 3000, 5000}));
    BOOST_TEST(results::parse_steps("1000:6000:2000") == (std::vector<long>{1000, 3000, 5000}));
    BOOST_TEST(results::parse_steps("log,143000").size() == 12u);
    BOOST_TEST(results::parse_steps("all,published,log").size() == 154u);
    for (const char* bad : {"", "x", "-1", "1,,2", "5:1:1", "1:5:0", "1:5", "1:2:3:4", "12abc", "1:99999999999:1"}) {
        auto e = test::error_from([&] { results::parse_steps(bad); });
        BOOST_TEST((e.kind == ErrorKind::bad_input), bad);
        BOOST_TEST(e.message.find("--steps") != std::string::npos, e.message);
    }
}

BOOST_AUTO_TEST_CASE(models_spec) {
    auto m = models({"70m", "160m-deduped", "pythia-1.4b", "EleutherAI/pythia-12b-deduped", "someone/other-model", "70m"});
    BOOST_TEST_REQUIRE(m.size() == 5u);  // the repeated 70m counts once
    BOOST_TEST(m[0].repo_id == "EleutherAI/pythia-70m");
    BOOST_TEST(m[1].repo_id == "EleutherAI/pythia-160m-deduped");
    BOOST_TEST(m[2].repo_id == "EleutherAI/pythia-1.4b");
    BOOST_TEST(m[3].repo_id == "EleutherAI/pythia-12b-deduped");
    BOOST_TEST(m[4].repo_id == "someone/other-model");
    BOOST_TEST(results::model_parameters(m[2]) == 1.4e9);
    BOOST_TEST(results::model_parameters(m[3]) == 12e9);
    BOOST_TEST(results::model_parameters(m[0]) == 70e6);

    auto scratch = test::scratch_dir("sweep_grid_models");
    auto local = models({scratch.string()});
    BOOST_TEST(local[0].is_local());
    auto grid = results::sweep_grid(models({"70m", scratch.string()}), {0, 1000, 2000});
    BOOST_TEST(grid.size() == 4u);  // a local model is one cell, without a step
    BOOST_TEST(!grid.back().step.has_value());

    for (const char* bad : {"no such thing", "../x/y/z", ""}) {
        auto e = test::error_from([&] { results::parse_sweep_model(bad); });
        BOOST_TEST((e.kind == ErrorKind::bad_input), bad);
    }
}

BOOST_AUTO_TEST_CASE(shards_are_disjoint_covering_and_balanced) {
    // 12b costs ~170x a 70m cell: balancing by count would give one shard all the big cells.
    const auto grid = results::sweep_grid(models({"70m", "12b", "410m-deduped"}), results::pythia_steps_published());
    for (size_t n : {1u, 2u, 3u, 7u, 100u}) {
        std::multiset<std::pair<size_t, long>> seen;
        double max_cell = 0, lo = 1e300, hi = 0;
        for (const auto& c : grid) max_cell = std::max(max_cell, c.cost);
        for (size_t i = 0; i < n; ++i) {
            const auto part = results::shard_cells(grid, {i, n});
            BOOST_TEST((part == results::shard_cells(grid, {i, n})), "not deterministic");
            double load = 0;
            for (const auto& c : part) {
                seen.insert({c.model, *c.step});
                load += c.cost;
            }
            lo = std::min(lo, load);
            hi = std::max(hi, load);
        }
        BOOST_TEST(seen.size() == grid.size(), n);
        for (const auto& c : grid) BOOST_TEST(seen.count({c.model, *c.step}) == 1u, n);
        BOOST_TEST(hi - lo <= max_cell, n << " shards: loads from " << lo << " to " << hi);
    }
}

BOOST_AUTO_TEST_CASE(shard_spec_and_slurm_env) {
    BOOST_TEST(results::parse_shard("1/4").index == 1u);
    BOOST_TEST(results::parse_shard("1/4").count == 4u);
    for (const char* bad : {"4/4", "1", "a/b", "0/0", "-1/2", "1/2/3", "/2"}) {
        auto e = test::error_from([&] { results::parse_shard(bad); });
        BOOST_TEST((e.kind == ErrorKind::bad_input), bad);
    }
    ::unsetenv("SLURM_ARRAY_TASK_ID");
    BOOST_TEST(!results::shard_from_slurm_env().has_value());
    ::setenv("SLURM_ARRAY_TASK_ID", "3", 1);
    ::setenv("SLURM_ARRAY_TASK_COUNT", "5", 1);
    ::setenv("SLURM_ARRAY_TASK_MIN", "0", 1);
    auto s = results::shard_from_slurm_env();
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->index == 3u);
    BOOST_TEST(s->count == 5u);
    ::setenv("SLURM_ARRAY_TASK_ID", "9", 1);
    BOOST_TEST((test::error_from([] { results::shard_from_slurm_env(); }).kind == ErrorKind::bad_input));
    for (const char* v : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"}) ::unsetenv(v);
}

BOOST_AUTO_TEST_SUITE_END()
