// Bad input to table, plot and report: one line naming the input, exit 1, and no output file (not
// even a partial or temporary one).
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/curves/curves_env.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

// Exit 1, one line on stderr holding `names`, nothing on stdout, and the scratch folder as it was.
void check_refused(const test::CliResult& run, const std::string& names, const fs::path& scratch,
                   const std::vector<fs::path>& before) {
    BOOST_TEST(run.exit_code == 1, run.output);
    BOOST_TEST(run.out.empty());
    BOOST_TEST(run.err.starts_with("pythia-eval: error: "), run.err);
    BOOST_TEST(std::count(run.err.begin(), run.err.end(), '\n') == 1, run.err);
    BOOST_TEST(run.err.find(names) != std::string::npos, run.err << " should name " << names);
    std::vector<fs::path> after;
    for (const auto& e : fs::recursive_directory_iterator(scratch)) after.push_back(e.path());
    std::sort(after.begin(), after.end());
    BOOST_TEST(after == before, boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_no_file, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("curves_errors");
    const std::string folder = test::zero_shot_folders()[0];
    fs::create_directories(scratch / "empty");
    std::ofstream(scratch / "truncated.json") << R"({"results": {"piqa": {"acc": 0.5)";
    std::ofstream(scratch / "other.json") << R"({"model": "not a result file"})";
    std::ofstream(scratch / "no_numbers.json") << R"({"results": {}, "config": {}})";
    // One published file twice at one step: an exact copy (plotted as one point) and a copy whose
    // piqa acc was changed (refused, naming the task and metric, since either value would hide the other).
    const fs::path published = fs::path(folder) / "70m_step1000.json";
    std::string text = test::slurp(published);
    const size_t acc = text.find("\"acc\": ", text.find("\"piqa\""));
    BOOST_TEST_REQUIRE(acc != std::string::npos);
    const size_t end = text.find_first_of(",\n}", acc + 7);
    text.replace(acc + 7, end - (acc + 7), "0.123456");
    fs::create_directories(scratch / "copies/a");
    fs::create_directories(scratch / "copies/b");
    fs::create_directories(scratch / "changed");
    fs::copy_file(published, scratch / "copies/a/70m_step1000.json");
    fs::copy_file(published, scratch / "copies/b/70m_step1000.json");
    std::ofstream(scratch / "changed/70m_step1000.json") << text;

    std::vector<fs::path> before;
    for (const auto& e : fs::recursive_directory_iterator(scratch)) before.push_back(e.path());
    std::sort(before.begin(), before.end());
    const auto svg = (scratch / "out.svg").string(), html = (scratch / "out.html").string();

    check_refused(test::run_cli({"table", folder, "--tasks", "piqa,hellaswag"}), "--tasks hellaswag", scratch, before);
    check_refused(test::run_cli({"plot", folder, "--task", "piqa", "--metric", "ppl", "--output", svg}), "--metric ppl",
                  scratch, before);
    check_refused(test::run_cli({"report", folder, "--tasks", "no_such_task", "--output", html}), "--tasks no_such_task",
                  scratch, before);
    check_refused(test::run_cli({"table", (scratch / "truncated.json").string()}), "truncated.json", scratch, before);
    check_refused(test::run_cli({"plot", (scratch / "truncated.json").string(), "--task", "piqa", "--metric", "acc", "--output", svg}),
                  "truncated.json", scratch, before);
    check_refused(test::run_cli({"table", (scratch / "other.json").string()}), "other.json: results", scratch, before);
    check_refused(test::run_cli({"table", (scratch / "empty").string()}), "empty: no .json result files", scratch, before);
    check_refused(test::run_cli({"table", (scratch / "no_numbers.json").string()}), "nothing to show", scratch, before);
    check_refused(test::run_cli({"table", (scratch / "missing").string()}), "missing: no such file or folder", scratch, before);
    check_refused(test::run_cli({"table", folder, "--format", "xlsx"}), "--format xlsx", scratch, before);
    check_refused(test::run_cli({"plot", folder, "--published", (scratch / "nowhere").string(), "--task", "piqa",
                                 "--metric", "acc", "--output", svg}),
                  "--published " + (scratch / "nowhere").string(), scratch, before);
    check_refused(test::run_cli({"report", folder, "--output", (scratch / "no/such/folder/r.html").string()}),
                  "no/such/folder/r.html", scratch, before);
    check_refused(test::run_cli({"plot", folder, "--task", "piqa", "--metric", "acc", "--output", (scratch / "nodir/p.svg").string()}),
                  "nodir/p.svg", scratch, before);
    check_refused(test::run_cli({"plot", folder, "--task", "piqa", "--metric", "acc", "--output", (scratch / "p.pdf").string()}),
                  "p.pdf", scratch, before);
    check_refused(test::run_cli({"table", folder, "--output", (scratch / "gone/t.csv").string()}), "gone/t.csv", scratch, before);
    // No gnuplot on PATH: the error says what to install, and neither image nor page is left.
    const test::Env no_gnuplot = {{"PATH", (scratch / "empty").string()}};
    check_refused(test::run_cli({"plot", folder, "--task", "piqa", "--metric", "acc", "--output", svg}, no_gnuplot),
                  "gnuplot-nox", scratch, before);
    check_refused(test::run_cli({"report", folder, "--output", html}, no_gnuplot), "gnuplot-nox", scratch, before);
    check_refused(test::run_cli({"plot", folder, (scratch / "changed").string(), "--task", "piqa", "--metric", "acc",
                                 "--output", svg}),
                  "piqa.acc: EleutherAI/pythia-70m step 1000: ", scratch, before);

    const auto copies = test::run_cli({"plot", (scratch / "copies").string(), "--task", "piqa", "--metric", "acc",
                                       "--output", svg});
    BOOST_TEST(copies.exit_code == 0, copies.output);
    BOOST_TEST(fs::is_regular_file(svg));
}

BOOST_AUTO_TEST_SUITE_END()
