// pythia-eval table: over the whole published folder one row per (file, task, metric), recounted and
// spot-checked from the JSONs with simdjson; normalised model, step and shots of every layout; the
// sort order; CSV quoting; the tsv, md and json forms.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/curves/curves_env.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> header = {"source", "model", "step", "shots", "task", "metric", "value", "stderr"};

// Parameters from a Pythia name; other names (the intervention models) sort after them.
double size_of(const std::string& model) {
    const size_t found = model.find("pythia-");
    if (found == std::string::npos || !std::isdigit(uint8_t(model[found + 7]))) return 1e30;
    const size_t at = found + 7;
    size_t end = at;
    while (std::isdigit(uint8_t(model[end])) || model[end] == '.') end++;
    return std::stod(model.substr(at, end - at)) * (model[end] == 'b' ? 1e9 : 1e6);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(table)

BOOST_AUTO_TEST_CASE(whole_published_folder_one_row_per_number, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("curves_table_all");
    const auto root = test::published_root();
    const auto numbers = test::numbers_in(test::json_files_under(root));
    BOOST_TEST_MESSAGE("published numbers counted with simdjson: " << numbers.size());
    BOOST_TEST(numbers.size() > 100000u);

    const auto csv = scratch / "all.csv";
    const auto run = test::run_cli({"table", root.string(), "--output", csv.string()});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    BOOST_TEST(run.out.empty());
    const auto rows = test::parse_csv(test::slurp(csv));
    BOOST_TEST_REQUIRE(rows.size() == numbers.size() + 1);
    BOOST_TEST(rows[0] == header, boost::test_tools::per_element());

    std::map<std::tuple<std::string, std::string, std::string>, const std::vector<std::string>*> by_key;
    std::set<std::string> tasks;
    for (size_t i = 1; i < rows.size(); i++) {
        BOOST_TEST_REQUIRE(rows[i].size() == 8u, "row " << i);
        BOOST_TEST(by_key.emplace(std::tuple{rows[i][0], rows[i][4], rows[i][5]}, &rows[i]).second, "twice: row " << i);
        tasks.insert(rows[i][4]);
    }
    // Every number of every file is there, with its exact value and stderr.
    size_t checked = 0;
    for (const auto& n : numbers) {
        const auto it = by_key.find({n.file, n.task, n.metric});
        BOOST_TEST_REQUIRE((it != by_key.end()), n.file << " " << n.task << " " << n.metric);
        const auto& r = *it->second;
        BOOST_TEST(std::stod(r[6]) == n.value, n.file << " " << n.task << " " << n.metric);
        BOOST_TEST((r[7].empty() ? -1.0 : std::stod(r[7])) == (n.has_stderr ? n.stderr_value : -1.0), n.file << " " << n.task);
        checked++;
    }
    BOOST_TEST(checked == numbers.size());
    BOOST_TEST(tasks.count("hendrycksTest-virology") == 1u);
    BOOST_TEST(tasks.count("crows_pairs_french_autre") == 1u);

    // Sorted by model size, model, step, task, metric.
    for (size_t i = 2; i < rows.size(); i++) {
        const auto& a = rows[i - 1];
        const auto& b = rows[i];
        const auto key = [](const std::vector<std::string>& r) {
            return std::make_tuple(size_of(r[1]), r[1], std::stol(r[2]), r[4], r[5]);
        };
        BOOST_TEST_REQUIRE((key(a) <= key(b)), "rows " << i - 1 << " and " << i << " out of order");
    }

    // Model, step and shots from each layout.
    const auto find = [&](const std::string& rel, const std::string& task, const std::string& metric) {
        const auto it = by_key.find({(root / rel).string(), task, metric});
        BOOST_TEST_REQUIRE((it != by_key.end()), rel);
        return *it->second;
    };
    auto r = find("v1.1-evals/pythia-70m-deduped/zero-shot/70m-deduped_step143000.json", "lambada_openai", "acc");
    BOOST_TEST(r[1] == "EleutherAI/pythia-70m-deduped");
    BOOST_TEST(r[2] == "143000");
    BOOST_TEST(r[3] == "0");
    BOOST_TEST(r[6] == "0.19153890937318066");
    BOOST_TEST(r[7] == "0.005482392687029074");
    r = find("v1.1-evals/pythia-410m/five-shot/410m-5shot_step13000.json", "piqa", "acc_norm");
    BOOST_TEST(r[1] == "EleutherAI/pythia-410m");
    BOOST_TEST(r[2] == "13000");
    BOOST_TEST(r[3] == "5");
    // v0: model and step from the file name, shots from config.num_fewshot, which wins over the name:
    // the 160m "5shot" files hold zero-shot runs (pythia-results.md §7.10).
    size_t v0_files = 0;
    for (const auto& [dir, step, shots] : {std::tuple{"v1/pythia-70m", "13000", "5"},
                                           std::tuple{"v1/pythia-160m", "71500", "0"}})
        for (const auto& f : test::json_files_under(root / dir)) {
            if (f.filename().string().find(std::string("-5shot-global_step") + step + "_") == std::string::npos) continue;
            r = find(fs::relative(f, root).string(), "arc_easy", "acc");
            BOOST_TEST(r[1] == std::string("EleutherAI/") + fs::path(dir).filename().string() + "-v0");
            BOOST_TEST(r[2] == step);
            BOOST_TEST(r[3] == shots, f);
            v0_files++;
        }
    BOOST_TEST(v0_files == 2u);
}

BOOST_AUTO_TEST_CASE(quoting_and_formats, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("curves_table_formats");
    // One of our files whose task name needs quoting, written by hand as lm-eval would.
    const auto ours = scratch / "runs" / "odd.json";
    fs::create_directories(ours.parent_path());
    std::ofstream(ours) << R"({"results": {"my, \"quoted\" task": {"acc": 0.25, "acc_stderr": 0.125}, "lambada_openai": {"ppl": 12.5}},
 "versions": {}, "config": {"model": "pythia-eval", "model_args": "pretrained=EleutherAI/pythia-160m,revision=step3000", "num_fewshot": 0}})";
    const auto published = (test::published_root() / "v1.1-evals/pythia-70m/zero-shot/70m_step3000.json").string();

    // Provenance (CONTRACT.md) names the model, step and shots before config and the file name do.
    std::ofstream(scratch / "runs" / "70m_step1.json") << R"({"results": {"piqa": {"acc": 0.5, "acc_stderr": 0.01}},
 "config": {"model": "pythia-eval", "model_args": "pretrained=EleutherAI/pythia-160m,revision=step2", "num_fewshot": 0},
 "provenance": {"model": {"name": "EleutherAI/pythia-410m-deduped", "step": 64}, "settings": {"num_fewshot": 5}}})";
    auto run = test::run_cli({"table", (scratch / "runs" / "70m_step1.json").string()});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    BOOST_TEST(test::parse_csv(run.out)[1][1] == "EleutherAI/pythia-410m-deduped");
    BOOST_TEST(test::parse_csv(run.out)[1][2] == "64");
    BOOST_TEST(test::parse_csv(run.out)[1][3] == "5");
    fs::remove(scratch / "runs" / "70m_step1.json");

    run = test::run_cli({"table", ours.string(), published, "--metrics", "ppl,acc"});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    const auto rows = test::parse_csv(run.out);
    // 70m first (size order), then 160m; the published file holds acc for 86 tasks and ppl for one.
    BOOST_TEST(rows[1][1] == "EleutherAI/pythia-70m");
    const auto& last = rows.back();
    BOOST_TEST(last[1] == "EleutherAI/pythia-160m");
    bool quoted_row = false;
    for (const auto& r : rows)
        if (r[4] == "my, \"quoted\" task") {
            quoted_row = true;
            BOOST_TEST(r[6] == "0.25");
            BOOST_TEST(r[7] == "0.125");
            BOOST_TEST(r[2] == "3000");
        }
    BOOST_TEST(quoted_row);
    BOOST_TEST(run.out.find("\"my, \"\"quoted\"\" task\"") != std::string::npos);
    const size_t n = rows.size() - 1;
    // A file reached through two arguments (itself and its folder) is read once.
    const auto twice = test::run_cli({"table", ours.string(), published, fs::path(published).parent_path().string(),
                                      "--metrics", "ppl,acc", "--tasks", "lambada_openai"});
    BOOST_TEST_REQUIRE(twice.exit_code == 0, twice.output);
    BOOST_TEST(test::parse_csv(twice.out).size() == 1 + 27 * 2 + 1u);  // 27 steps x acc, ppl; our ppl

    const auto tsv = test::run_cli({"table", ours.string(), published, "--metrics", "ppl,acc", "--format", "tsv"});
    BOOST_TEST_REQUIRE(tsv.exit_code == 0, tsv.output);
    BOOST_TEST(size_t(std::count(tsv.out.begin(), tsv.out.end(), '\n')) == n + 1);
    BOOST_TEST(tsv.out.starts_with("source\tmodel\tstep\tshots\ttask\tmetric\tvalue\tstderr\n"));

    const auto md = test::run_cli({"table", ours.string(), published, "--metrics", "ppl,acc", "--format", "md"});
    BOOST_TEST_REQUIRE(md.exit_code == 0, md.output);
    BOOST_TEST(size_t(std::count(md.out.begin(), md.out.end(), '\n')) == n + 2);
    BOOST_TEST(md.out.starts_with("| source"));

    const auto json = test::run_cli({"table", ours.string(), published, "--metrics", "ppl,acc", "--format", "json"});
    BOOST_TEST_REQUIRE(json.exit_code == 0, json.output);
    simdjson::dom::parser parser;
    simdjson::dom::array array = parser.parse(json.out).get_array();
    BOOST_TEST(array.size() == n);
    const auto first = array.at(0);
    BOOST_TEST(std::string(first["model"].get_string().value()) == "EleutherAI/pythia-70m");
    BOOST_TEST(first["step"].get_int64().value() == 3000);
    bool null_stderr = false;
    for (auto row : array) null_stderr |= row["stderr"].is_null() && std::string(row["metric"].get_string().value()) == "ppl";
    BOOST_TEST(null_stderr);
}

BOOST_AUTO_TEST_SUITE_END()
