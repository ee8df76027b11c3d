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

}  // namespace

BOOST_AUTO_TEST_SUITE(compare_sets)

BOOST_AUTO_TEST_CASE(folders_pair_by_model_and_step, *boost::unit_test::precondition(test::needs_shared)) {
    // B: three of A's files under other names, in a flat folder: they pair by what they hold.
    const auto b_dir = test::scratch_dir("compare_sets_b");
    const auto a = results::read_compare_side(test::shared_path(v11));
    BOOST_TEST_REQUIRE(a.size() == 27u);
    for (size_t i : {3u, 10u, 20u})
        fs::copy_file(a[i].source, b_dir / ("copy" + std::to_string(i) + ".json"));
    const auto b = results::read_compare_side(b_dir);
    const auto report = results::compare_sets(a, b, {});
    BOOST_TEST_REQUIRE(report.pairs.size() == 3u);
    BOOST_TEST(report.unmatched_a.size() == 24u);
    BOOST_TEST(report.unmatched_b.empty());
    for (const auto& p : report.pairs) {
        BOOST_TEST(test::slurp(p.a) == test::slurp(p.b), p.a << " paired with " << p.b);
        BOOST_TEST(!p.rows.empty());
        BOOST_TEST(p.only_in_a.empty());
        BOOST_TEST(p.warnings.empty());
    }
    // A's order is by step: the pairs come in it, whatever B's file names.
    for (size_t i = 1; i < a.size(); i++) BOOST_TEST(*a[i - 1].step < *a[i].step);

    const std::vector<std::string> args = {"compare", test::shared_path(v11).string(), b_dir.string()};
    const auto run = test::run_cli(args);
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.err);
    BOOST_TEST(run.out == test::run_cli(args).out);  // the same table every time
    BOOST_TEST(run.out.find("no match in B for ") != std::string::npos, run.out);

    // --json: strict JSON with the same pairs.
    const auto json = test::run_cli({"compare", "--json", test::shared_path(v11).string(), b_dir.string()});
    BOOST_TEST_REQUIRE(json.exit_code == 0, json.err);
    const auto doc = results::parse_json(json.out, "compare --json");
    BOOST_TEST(std::get<results::JsonArray>(doc.find("pairs")->value).size() == 3u);
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
