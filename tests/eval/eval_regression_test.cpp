// CI regression check (issue #6): eval on ../shared/fixtures/tiny-neox with --limit 100 through
// the CLI, then `pythia-eval compare` against results/baselines/, whose numbers are themselves
// checked against lm-eval's own output for the same run (tiny-neox-expected/lmeval-fp16-limit100.json).
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "results/json.hpp"
#include "tests/common/shared.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/eval/eval_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

const fs::path baseline = fs::path(PE_SOURCE_DIR) / "results/baselines/tiny-neox-limit100-fp16-cpu.json";

}  // namespace

BOOST_AUTO_TEST_SUITE(eval_regression)

BOOST_AUTO_TEST_CASE(baseline_equals_lm_eval_output, *boost::unit_test::precondition(test::needs_shared)) {
    auto want = results::read_json_file(test::shared_path("fixtures/tiny-neox-expected/lmeval-fp16-limit100.json"));
    auto got = results::read_json_file(baseline);
    test::expect_same_metrics(want, got, test::MetricTolerance{});
}

BOOST_AUTO_TEST_CASE(eval_matches_the_baseline, *boost::unit_test::precondition(test::needs_shared)) {
    auto scratch = test::scratch_dir("eval_regression");
    fs::path out = scratch / "tiny-neox.json";
    auto run = test::run_cli({"eval", "--model", test::shared_path("fixtures/tiny-neox").string(), "--backend", "cpu",
                              "--limit", "100", "--data-dir", test::shared_path("data").string(), "--output",
                              out.string(), "--quiet"},
                             test::eval_env());
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    // Removed once the results are written.
    BOOST_TEST(!fs::exists(out.string() + ".lambada_openai+piqa+winogrande+arc_easy+sciq.checkpoint"));
    // The regression verdict is compare's: any change in an accuracy, or of ppl beyond 1/1000 of its
    // stderr, fails with the table in the message.
    auto cmp = test::run_cli({"compare", baseline.string(), out.string(), "--max-sigma", "0.001"});
    BOOST_TEST(cmp.exit_code == 0, "numbers changed against " << baseline.string() << ":\n" << cmp.output);
}

BOOST_AUTO_TEST_CASE(compare_fails_on_a_changed_number, *boost::unit_test::precondition(test::needs_shared)) {
    // The check above can fail: the same compare on lm-eval's fp32 run (other ppl) must.
    auto cmp = test::run_cli({"compare", baseline.string(),
                              test::shared_path("fixtures/tiny-neox-expected/lmeval-fp32-limit100.json").string(),
                              "--max-sigma", "0.0000001"});
    BOOST_TEST(cmp.exit_code == 1, cmp.output);
    BOOST_TEST(cmp.output.find("lambada_openai/ppl") != std::string::npos, cmp.output);
}

BOOST_AUTO_TEST_SUITE_END()
