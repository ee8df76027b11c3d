// compare: the sigma arithmetic and tolerance rules on hand-made documents, and the CLI's exit
// codes and failure listing against published Pythia files and lm-eval's tiny-neox output.
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "results/compare.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

using namespace pe::results;

namespace {

Json doc(double acc, double acc_se, double ppl, double ppl_se) {
    return JsonObject{{"results", JsonObject{{"lambada_openai", JsonObject{{"ppl", ppl}, {"ppl_stderr", ppl_se},
                                                                            {"acc", acc}, {"acc_stderr", acc_se}}},
                                             {"only_here", JsonObject{{"acc", 0.5}}}}}};
}

pe::test::CliResult run_cli(const std::string& args) { return pe::test::run_cli(pe::test::words("compare " + args)); }

const std::string published_dir = "reference/pythia-results/v1.1-evals/pythia-70m/zero-shot/";

}  // namespace

BOOST_AUTO_TEST_SUITE(compare)

BOOST_AUTO_TEST_CASE(sigma_is_difference_over_combined_stderr) {
    const auto rows = compare_results(doc(0.5, 0.03, 10.0, 1.0), doc(0.6, 0.04, 10.0, 0.0), {});
    BOOST_TEST_REQUIRE(rows.size() == 3u);  // ppl, acc of lambada; only_here/acc is in both docs too
    BOOST_TEST(rows[0].metric == "ppl");
    BOOST_TEST(*rows[0].sigma == 0.0);
    BOOST_TEST(rows[1].metric == "acc");
    BOOST_TEST(rows[1].diff == 0.6 - 0.5);
    BOOST_TEST(*rows[1].sigma == (0.6 - 0.5) / 0.05, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(!rows[2].sigma.has_value());  // no stderr: sigma not defined
    for (const auto& r : rows) BOOST_TEST(!r.failed);  // no tolerance given
}

BOOST_AUTO_TEST_CASE(tolerances_mark_failing_rows) {
    const auto a = doc(0.5, 0.03, 10.0, 1.0), b = doc(0.6, 0.04, 10.5, 1.0);
    // acc: 2 sigma, |diff| 0.1; ppl: 0.354 sigma, |diff| 0.5
    auto rows = compare_results(a, b, {.max_sigma = 2.5, .max_abs = std::nullopt});
    BOOST_TEST(!rows[0].failed);
    BOOST_TEST(!rows[1].failed);
    rows = compare_results(a, b, {.max_sigma = 1.5, .max_abs = std::nullopt});
    BOOST_TEST(!rows[0].failed);
    BOOST_TEST(rows[1].failed);
    rows = compare_results(a, b, {.max_sigma = std::nullopt, .max_abs = 0.2});
    BOOST_TEST(rows[0].failed);  // ppl moved by 0.5
    BOOST_TEST(!rows[1].failed);
    // Zero stderr on both sides: any difference is infinitely many sigma.
    rows = compare_results(doc(0.0, 0.0, 1.0, 1.0), doc(0.01, 0.0, 1.0, 1.0), {.max_sigma = 1000.0, .max_abs = std::nullopt});
    BOOST_TEST(std::isinf(*rows[1].sigma));
    BOOST_TEST(rows[1].failed);
}

BOOST_AUTO_TEST_CASE(document_without_results_is_an_error) {
    BOOST_CHECK_EXCEPTION(compare_results(JsonObject{{"x", 1}}, doc(0, 0, 0, 0), {}, "a.json", "b.json"), pe::Error,
                          [](const pe::Error& e) { return e.file() == "a.json" && e.field() == "results"; });
}

BOOST_AUTO_TEST_CASE(cli_published_file_against_itself_passes, *boost::unit_test::precondition(pe::test::needs_shared)) {
    const auto f = pe::test::shared_path(published_dir + "70m_step143000.json").string();
    const auto r = run_cli(f + " " + f + " --max-sigma 0 --max-abs 0");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("hendrycksTest-astronomy") != std::string::npos);  // all 87 tasks are compared
    BOOST_TEST(r.out.find("FAIL") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(cli_neighbouring_checkpoints_within_statistical_tolerance,
                     *boost::unit_test::precondition(pe::test::needs_shared)) {
    const auto a = pe::test::shared_path(published_dir + "70m_step143000.json").string();
    const auto b = pe::test::shared_path(published_dir + "70m_step133000.json").string();
    BOOST_TEST(run_cli(a + " " + b + " --max-sigma 3").exit_code == 0);   // largest shift: 1.92 sigma
    const auto strict = run_cli(a + " " + b + " --max-sigma 1.9");
    BOOST_TEST(strict.exit_code == 1);
    BOOST_TEST(strict.err.find("crows_pairs_english_sexual_orientation/pct_stereotype") != std::string::npos, strict.err);
    BOOST_TEST(strict.err.find("winogrande") == std::string::npos, strict.err);  // 0.24 sigma: passes
    // lambada acc moved by 0.0089: fails --max-abs 0.005, passes 0.01 (crows_pairs moves more).
    const auto abs_fail = run_cli(a + " " + b + " --max-abs 0.005");
    BOOST_TEST(abs_fail.exit_code == 1);
    BOOST_TEST(abs_fail.err.find("lambada_openai/acc ") != std::string::npos, abs_fail.err);
}

BOOST_AUTO_TEST_CASE(cli_tiny_model_against_published_fails_listing_rows,
                     *boost::unit_test::precondition(pe::test::needs_shared)) {
    const auto ours = pe::test::shared_path("fixtures/tiny-neox-expected/lmeval-fp32-limit100.json").string();
    const auto pub = pe::test::shared_path(published_dir + "70m_step143000.json").string();
    const auto r = run_cli(ours + " " + pub + " --max-sigma 3");
    BOOST_TEST(r.exit_code == 1);
    // Only the five tasks both files have are compared.
    BOOST_TEST(r.out.find("\nhendrycksTest") == std::string::npos);  // no row; listed under "only in B"
    for (const char* row : {"lambada_openai/acc ", "piqa/acc ", "arc_easy/acc ", "sciq/acc ", "sciq/acc_norm"})
        BOOST_TEST(r.err.find(row) != std::string::npos, "missing " << row << " in: " << r.err);
    BOOST_TEST(r.err.find("winogrande") == std::string::npos, r.err);  // 0.04 sigma
}

BOOST_AUTO_TEST_CASE(cli_usage_errors, *boost::unit_test::precondition(pe::test::needs_shared)) {
    const auto f = pe::test::shared_path(published_dir + "70m_step143000.json").string();
    BOOST_TEST(run_cli(f).exit_code == 2);                           // needs two files
    BOOST_TEST(run_cli(f + " /nonexistent.json").exit_code == 2);   // missing file
}

BOOST_AUTO_TEST_SUITE_END()
