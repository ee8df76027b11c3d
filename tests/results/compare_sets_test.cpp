// compare at scale (issue #13): folders on both sides matched by model and step, a stable order,
// the tasks only one side has, warnings for differing settings, --json, exit codes as before.
#include <boost/test/unit_test.hpp>

#include "results/compare_sets.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

const std::string v11 = "reference/pythia-results/v1.1-evals/pythia-70m-deduped/zero-shot";
const std::string v10 = "reference/pythia-results/v1.0-evals/pythia-70m-deduped/zero-shot";

}  // namespace

BOOST_AUTO_TEST_SUITE(compare_sets)

BOOST_AUTO_TEST_CASE(result_keys_come_from_config_or_the_published_names,
                     *boost::unit_test::precondition(test::needs_shared)) {
    const auto v11_files = results::read_result_files(test::shared_path(v11));
    BOOST_TEST_REQUIRE(v11_files.size() == 27u);
    for (const auto& f : v11_files) {
        BOOST_TEST(f.key.model == "pythia-70m-deduped", f.path);
        BOOST_TEST(f.key.from == "config", f.path);
        BOOST_TEST(f.key.step.has_value(), f.path);
    }
    const auto v10_files = results::read_result_files(test::shared_path(v10));
    for (const auto& f : v10_files) {
        BOOST_TEST(f.key.model == "pythia-70m-deduped", f.path);
        BOOST_TEST(f.key.from == "file name", f.path);
    }
    // Ordered by step.
    for (size_t i = 1; i < v11_files.size(); i++) BOOST_TEST(*v11_files[i - 1].key.step < *v11_files[i].key.step);
}

BOOST_AUTO_TEST_CASE(folders_pair_by_model_and_step, *boost::unit_test::precondition(test::needs_shared)) {
    const auto run = test::run_cli({"compare", test::shared_path(v10).string(), test::shared_path(v11).string()});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.err);
    const auto a = results::read_result_files(test::shared_path(v10));
    const auto b = results::read_result_files(test::shared_path(v11));
    const auto report = results::compare_sets(a, b, {});
    BOOST_TEST(report.pairs.size() == a.size());  // every v1.0 step is also in v1.1
    BOOST_TEST(report.unmatched_b.size() == b.size() - a.size());
    for (const auto& p : report.pairs) {
        BOOST_TEST((results::result_key(results::read_json_file(p.a), p.a).step ==
                    results::result_key(results::read_json_file(p.b), p.b).step));
        BOOST_TEST(!p.rows.empty());
    }
    // The same table every time; A's task order within a pair.
    BOOST_TEST(run.out == test::run_cli({"compare", test::shared_path(v10).string(), test::shared_path(v11).string()}).out);
    BOOST_TEST(run.out.find("no match in A for ") != std::string::npos, run.out);

    // --json: strict JSON with the same pairs.
    const auto json = test::run_cli({"compare", "--json", test::shared_path(v10).string(), test::shared_path(v11).string()});
    BOOST_TEST_REQUIRE(json.exit_code == 0, json.err);
    const auto doc = results::parse_json(json.out, "compare --json");
    BOOST_TEST(std::get<results::JsonArray>(doc.find("pairs")->value).size() == report.pairs.size());
    BOOST_TEST(json.out.find("NaN") == std::string::npos);
    BOOST_TEST(json.out.find("Infinity") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(differing_settings_warn_and_one_sided_tasks_are_listed,
                     *boost::unit_test::precondition(test::needs_shared)) {
    const auto ours = test::shared_path("fixtures/tiny-neox-expected/lmeval-fp16-limit100.json").string();
    const auto pub = test::shared_path("reference/pythia-results/v1.1-evals/pythia-70m/zero-shot/70m_step143000.json").string();
    const auto run = test::run_cli({"compare", ours, pub});
    BOOST_TEST(run.exit_code == 0, run.err);
    BOOST_TEST(run.out.find("warning: the sides differ in limit (A: 100, B: none)") != std::string::npos, run.out);
    BOOST_TEST(run.out.find("only in B: ") != std::string::npos, run.out);
    BOOST_TEST(run.out.find("hendrycksTest") != std::string::npos, run.out);  // listed as one-sided ...
    BOOST_TEST(run.out.find("\nhendrycksTest") == std::string::npos, run.out);  // ... never as a row

    const auto bad = test::run_cli({"compare", ours, pub, "--max-sigma", "0"});
    BOOST_TEST(bad.exit_code == 1);  // exit codes as before
    BOOST_TEST(test::run_cli({"compare", ours}).exit_code == 2);
    BOOST_TEST(test::run_cli({"compare", ours, "/nonexistent"}).exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
