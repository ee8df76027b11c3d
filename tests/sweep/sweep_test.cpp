// `pythia-eval sweep` on one machine (issue #14), against the loopback hub serving two synthetic
// models at three steps: the sweep writes what six separate evals write, a second sweep touches
// neither the network nor the files, an interrupted sweep (SIGKILL, or SIGUSR1 mid-cell) resumes
// to the same files, weights do not stay on disk, shards partition the grid, a missing step is
// reported and skipped.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/sweep/sweep_world.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

void expect_same_files(const fs::path& want_dir, const fs::path& got_dir, const std::vector<fs::path>& files) {
    for (const auto& f : files) {
        BOOST_TEST_REQUIRE(fs::exists(got_dir / f), (got_dir / f));
        BOOST_TEST(test::comparable(got_dir / f) == test::comparable(want_dir / f), f);
    }
}

std::vector<fs::path> files_named(const fs::path& dir, const std::string& suffix) {
    std::vector<fs::path> out;
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().string().ends_with(suffix)) out.push_back(e.path());
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

// Waits until `ready` holds (polling), or 180 s.
bool wait_for(const std::function<bool()>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep)

BOOST_AUTO_TEST_CASE(equals_separate_evals_then_does_nothing_twice, *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    const fs::path out = w.root / "out-first";
    auto first = test::run_cli(w.sweep_args(out), w.env("first"));
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.output);
    expect_same_files(w.evals, out, w.grid_files());
    BOOST_TEST(first.err.find("0 already done") != std::string::npos, first.err);
    BOOST_TEST(test::leftover_weights(w.cache("first")).empty(), "weights stayed after the sweep");
    BOOST_TEST(files_named(out, ".checkpoint").empty());

    // A second sweep: every cell complete with the same settings, so no request reaches the hub and
    // no file changes.
    std::vector<fs::file_time_type> mtimes;
    for (const auto& f : w.grid_files()) mtimes.push_back(fs::last_write_time(out / f));
    w.hub->clear_log();
    const auto start = std::chrono::steady_clock::now();
    auto second = test::run_cli(w.sweep_args(out), w.env("first"));
    const double second_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_REQUIRE(second.exit_code == 0, second.output);
    BOOST_TEST(second.err.find("6 already done") != std::string::npos, second.err);
    BOOST_TEST(w.hub->log_lines().empty(), "the second sweep made " << w.hub->log_lines().size() << " hub requests");
    for (size_t i = 0; i < mtimes.size(); ++i) BOOST_TEST((fs::last_write_time(out / w.grid_files()[i]) == mtimes[i]));
    BOOST_TEST(second_s < 5.0, "a fully-done sweep took " << second_s << " s");

    // --status reads the same from disk, and --keep-weights keeps them (a fresh cache).
    auto status = test::run_cli({"sweep", "--status", "--models", "14m,14m-deduped", "--steps", "0,1000,2000",
                                 "--output", out.string(), "--tasks", "lambada_openai,piqa", "--limit", "4"},
                                w.env("first"));
    BOOST_TEST_REQUIRE(status.exit_code == 0, status.output);
    BOOST_TEST(status.out.find("6 of 6 cells done") != std::string::npos, status.out);
    BOOST_TEST(w.hub->log_lines().empty());
}

BOOST_AUTO_TEST_CASE(keep_weights_keeps_them, *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    const fs::path out = w.root / "out-keep";
    auto args = w.sweep_args(out);
    args[4] = "1000";  // one step: two cells
    args.push_back("--keep-weights");
    auto r = test::run_cli(args, w.env("keep"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
    BOOST_TEST(test::leftover_weights(w.cache("keep")).size() == 4u);  // two blobs, two GGUFs
}

BOOST_AUTO_TEST_CASE(killed_mid_sweep_then_rerun_gives_the_same_files,
                     *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    const fs::path out = w.root / "out-killed";
    const pid_t pid = test::start_cli(w.sweep_args(out), w.env("killed"));
    const bool mid = wait_for([&] { return !files_named(out, ".json").empty(); });
    kill(pid, SIGKILL);
    test::wait_cli(pid);
    BOOST_TEST_REQUIRE(mid, "no cell finished in time");
    BOOST_TEST_REQUIRE(files_named(out, ".json").size() < 6u, "the sweep finished before it was killed");

    auto again = test::run_cli(w.sweep_args(out), w.env("killed"));
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
    expect_same_files(w.evals, out, w.grid_files());
    BOOST_TEST(files_named(out, ".checkpoint").empty());
    BOOST_TEST(test::leftover_weights(w.cache("killed")).empty(), "weights of the killed cell stayed");
}

// SIGUSR1 (Slurm's warning) mid-cell: the finished requests stay in the checkpoint, the process
// exits 75, and the rerun resumes from them to the same file as an uninterrupted eval.
BOOST_AUTO_TEST_CASE(usr1_mid_cell_exits_75_and_resumes, *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    const fs::path out = w.root / "out-usr1", whole = w.root / "whole-usr1";
    const std::string tasks = "lambada_openai,piqa,arc_easy";
    std::vector<std::string> eval = {"eval", "--model", w.repos[0], "--step", "2000", "--output", whole.string(), "--quiet"};
    for (auto& m : w.measure_args("40", tasks)) eval.push_back(m);
    auto ref = test::run_cli(eval, w.env("usr1"));
    BOOST_TEST_REQUIRE(ref.exit_code == 0, ref.output);

    std::vector<std::string> sweep = {"sweep", "--models", "14m", "--steps", "2000", "--output", out.string()};
    for (auto& m : w.measure_args("40", tasks)) sweep.push_back(m);
    const fs::path file = w.grid_files("40")[2], checkpoint = test::checkpoint_of(out / file, tasks);
    const pid_t pid = test::start_cli(sweep, w.env("usr1"));
    // lambada's 40 requests are in: the signal lands while piqa is scored.
    const bool mid = wait_for([&] { return test::count_file_lines(checkpoint) > 40; });
    kill(pid, SIGUSR1);
    const int code = test::wait_cli(pid);
    BOOST_TEST_REQUIRE(mid, "the checkpoint never filled");
    BOOST_TEST_REQUIRE(code == 75, "exit " << code);
    BOOST_TEST_REQUIRE(!fs::exists(out / file));
    BOOST_TEST(test::count_file_lines(checkpoint) > 41u);

    auto again = test::run_cli(sweep, w.env("usr1"));
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
    BOOST_TEST(again.err.find("resuming: ") != std::string::npos, again.err);
    BOOST_TEST(test::comparable(out / file) == test::comparable(whole / file));
    BOOST_TEST(!fs::exists(checkpoint));
}

BOOST_AUTO_TEST_CASE(shards_partition_the_grid) {
    const std::vector<std::string> grid = {"sweep", "--models", "70m,1.4b-deduped,12b", "--steps", "published", "--list"};
    auto all = test::run_cli(grid);
    BOOST_TEST_REQUIRE(all.exit_code == 0, all.output);
    const auto cells = lines_of(all.out);
    BOOST_TEST(cells.size() == 81u);
    std::multiset<std::string> seen;
    for (const char* shard : {"0/2", "1/2"}) {
        auto args = grid;
        args.insert(args.end(), {"--shard", shard});
        auto part = test::run_cli(args);
        BOOST_TEST_REQUIRE(part.exit_code == 0, part.output);
        for (const auto& c : lines_of(part.out)) seen.insert(c);
        // Inside a Slurm array task the shard comes from the environment.
        auto env_part = test::run_cli(grid, {{"SLURM_ARRAY_TASK_ID", std::string(1, shard[0])},
                                             {"SLURM_ARRAY_TASK_COUNT", "2"}, {"SLURM_ARRAY_TASK_MIN", "0"}});
        BOOST_TEST(env_part.out == part.out);
    }
    BOOST_TEST(seen.size() == cells.size());
    for (const auto& c : cells) BOOST_TEST(seen.count(c) == 1u, c);
}

BOOST_AUTO_TEST_CASE(missing_step_is_reported_and_skipped, *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    std::vector<std::string> args = {"sweep", "--models", "14m", "--steps", "3000,4000", "--output",
                                     (w.root / "out-missing").string(), "--quiet"};
    for (auto& m : w.measure_args()) args.push_back(m);
    auto r = test::run_cli(args, w.env("missing"));
    BOOST_TEST(r.exit_code == 0, r.output);
    BOOST_TEST(r.err.find("[missing] pythia-14m step 3000") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("[missing] pythia-14m step 4000") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_one_line) {
    for (const auto& [args, phrase] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"sweep", "--models", "70m", "--steps", "x"}, "--steps"},
             {{"sweep", "--models", "70m", "--shard", "2/2"}, "--shard"},
             {{"sweep", "--models", "not a model"}, "--models"},
             {{"sweep", "--models", "70m", "--tasks", "nope"}, "nope"},
             {{"sweep", "--models", "70m", "--limit", "-1"}, "--limit"},
             {{"sweep", "--models", "70m", "--limit", ""}, "--limit"},
             {{"sweep", "--models", "70m", "--limit", "18446744073709551616"}, "--limit"}}) {
        auto r = test::run_cli(args);
        BOOST_TEST(r.exit_code == 1, r.output);
        BOOST_TEST(r.err.find(phrase) != std::string::npos, r.err);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    }
}

BOOST_AUTO_TEST_SUITE_END()
