// Issue #12 item 9 (the eval flags) and #13 "Strict JSON": meaningless settings are refused up
// front with one line naming the flag, the value and the rule, exit non-zero, and nothing written.
#include <boost/test/unit_test.hpp>

#include "tests/common/shared.hpp"
#include "tests/trust/trust_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

BOOST_AUTO_TEST_SUITE(flags)

BOOST_AUTO_TEST_CASE(each_bad_flag_is_one_line_and_writes_nothing, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_flags");
    const std::string model = test::shared_path("fixtures/tiny-neox").string();
    struct Case {
        std::vector<std::string> args;
        std::string expect;  // in the one line
    };
    const std::vector<Case> cases = {
        {{"--tasks", "piqa,piqa"}, "--tasks: 'piqa' is listed twice"},
        {{"--step", "9223372036854775808"}, "--step: '9223372036854775808': expected a whole number from 0 to 9223372036854775807"},
        {{"--step", "-3"}, "--step: '-3'"},
        {{"--limit", "-1"}, "--limit: '-1': expected a whole number"},
        {{"--limit", ""}, "--limit: '': expected a whole number"},
        {{"--limit", "18446744073709551616"}, "--limit: '18446744073709551616': expected a whole number"},
        {{"--limit", "1e3"}, "--limit: '1e3'"},
        {{"--limit", "0"}, "--limit: '0': would score no document"},
        {{"--limit", "1"}, "--limit: '1': a standard error needs at least 2 documents"},
        {{"--tasks", "sciq", "--limit", "1001"}, "--limit: 1001: larger than sciq's 1000 documents"},
        {{"--precision", "fp8"}, "--precision: 'fp8'"},
    };
    for (const auto& c : cases) {
        auto args = test::eval_args(model, {"--output", (scratch / "json").string()});
        args.insert(args.end(), c.args.begin(), c.args.end());
        if (std::find(c.args.begin(), c.args.end(), "--tasks") == c.args.end()) args.insert(args.end(), {"--tasks", "piqa"});
        const auto run = test::run_cli(args, test::trust_env());
        BOOST_TEST(run.exit_code != 0, c.expect);
        BOOST_TEST(test::n_lines(run.output) == 1u, run.output);
        BOOST_TEST(test::contains(run.output, c.expect), run.output);
    }
    BOOST_TEST(!fs::exists(scratch / "json"));  // nothing was written by any of them
}

BOOST_AUTO_TEST_CASE(convert_step_and_name_are_checked_too, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_convert_flags");
    const std::string model = test::shared_path("fixtures/tiny-neox").string();
    auto step = test::run_cli({"convert", model, (scratch / "a.gguf").string(), "--step", "99999999999999999999"});
    BOOST_TEST(step.exit_code != 0);
    BOOST_TEST(test::n_lines(step.output) == 1u, step.output);
    BOOST_TEST(test::contains(step.output, "--step"), step.output);
    auto name = test::run_cli({"convert", model, (scratch / "a.gguf").string(), "--name", "not a repo"});
    BOOST_TEST(name.exit_code != 0);
    BOOST_TEST(test::contains(name.output, "--name"), name.output);
    BOOST_TEST(!fs::exists(scratch / "a.gguf"));
}

BOOST_AUTO_TEST_SUITE_END()
