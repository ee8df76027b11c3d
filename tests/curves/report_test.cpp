// pythia-eval report over the published 70m/160m/410m (and deduped) zero-shot files and three runs of
// ours, loaded in headless Chromium (Debian's chromium): the DOM after the page's script ran holds the
// verdicts, the curves, the table with every number, sorted as the address asks.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <fmt/format.h>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/curves/curves_env.hpp"
#include "tests/curves/svg_series.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> five_tasks = {"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};

fs::path chromium() {
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (fs::exists(p)) return p;
    return {};
}

// The page's DOM after its scripts ran, as headless Chromium serialises it.
std::string dump_dom(const fs::path& html, const std::string& fragment, const fs::path& profile) {
    fs::create_directories(profile);
    const std::string script = fmt::format(
        "timeout 120 '{}' --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir='{}' --dump-dom 'file://{}{}' "
        "> '{}' 2>/dev/null",
        chromium().string(), profile.string(), fs::absolute(html).string(), fragment, (profile / "dom.html").string());
    BOOST_TEST_REQUIRE(std::system(script.c_str()) == 0, script);
    return test::slurp(profile / "dom.html");
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
    const size_t a = text.find(open);
    if (a == std::string::npos) return {};
    const size_t b = text.find(close, a + open.size());
    return text.substr(a + open.size(), b - a - open.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(page_in_headless_chromium, *boost::unit_test::precondition(test::needs_shared)) {
    if (chromium().empty()) {
        BOOST_TEST_REQUIRE(!test::in_ci(), "chromium is not installed (scripts/setup.sh)");
        BOOST_TEST_MESSAGE("skipped: chromium is not installed");
        return;
    }
    const auto scratch = test::scratch_dir("curves_report");
    const auto zero = test::published_root() / "v1.1-evals";
    const auto runs = scratch / "runs";
    fs::create_directories(runs);
    const auto shifted = zero / "pythia-70m-deduped/zero-shot/70m-deduped_step143000.json";
    test::write_our_run(shifted, runs / "70m-deduped_step143000.json", 5.0);  // 5/sqrt(2) = 3.5 sigma
    test::write_our_run(zero / "pythia-160m/zero-shot/160m_step3000.json", runs / "160m_step3000.json", 1.0);
    fs::copy_file(fs::path(PE_SOURCE_DIR) / "results/baselines/tiny-neox-limit100-fp16-cpu.json", runs / "tiny.json");

    std::vector<std::string> args = {"report"};
    for (const auto& f : test::zero_shot_folders()) args.push_back(f);
    const auto html = scratch / "report.html";
    args.insert(args.end(), {runs.string(), "--tasks", "lambada_openai,piqa,winogrande,arc_easy,sciq", "--output", html.string()});
    const auto run = test::run_cli(args);
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);

    // What the table must hold, counted from the JSONs themselves.
    std::vector<fs::path> inputs;
    for (const auto& f : test::zero_shot_folders())
        for (const auto& j : test::json_files_under(f)) inputs.push_back(j);
    for (const auto& j : test::json_files_under(runs)) inputs.push_back(j);
    size_t expected_rows = 0;
    double max_value = 0;
    for (const auto& n : test::numbers_in(inputs))
        if (std::find(five_tasks.begin(), five_tasks.end(), n.task) != five_tasks.end()) {
            expected_rows++;
            max_value = std::max(max_value, n.value);
        }
    const size_t shifted_metrics = test::numbers_in({shifted}).size();

    const std::string dom = dump_dom(html, "#sort=-value", scratch / "profile");
    BOOST_TEST_REQUIRE(dom.find("<h1>pythia-eval report</h1>") != std::string::npos, dom.substr(0, 400));
    BOOST_TEST(dom.find(fmt::format("{} result files (3 ours, 162 published)", inputs.size())) != std::string::npos);
    // The script ran: it counted the rows and sorted them by value, largest first.
    BOOST_TEST(between(dom, "<span id=\"row-count\">", "</span>") ==
               fmt::format("{} of {} rows shown", expected_rows, expected_rows));
    const std::string body = between(dom, "<table id=\"rows\">", "</table>");
    BOOST_TEST(test::count_of(body, "<tr>") == expected_rows + 1);  // and the header
    const std::string first_value = between(between(body, "<tbody>", "</tr>"), "data-v=\"", "\"");
    BOOST_TEST(std::stod(first_value) == max_value);
    BOOST_TEST(body.find("<th data-type=\"number\" class=\"desc\">value</th>") != std::string::npos);

    // Curves: nine panels (lambada acc and ppl, piqa acc and acc_norm, winogrande acc, arc_easy and sciq
    // acc and acc_norm) of seven curves: six published models and our 70m-deduped and 160m runs.
    BOOST_TEST(test::count_of(dom, "<figure") == 9u);
    const std::string lambada = between(dom, "<figure data-task=\"lambada_openai\" data-metric=\"acc\">", "</figure>");
    const auto series = test::svg_series(lambada);
    BOOST_TEST_REQUIRE(series.size() == 8u);
    size_t solid = 0, points = 0;
    for (const auto& s : series) {
        solid += !s.dashed;
        points += s.points;
    }
    BOOST_TEST(solid == 2u);
    BOOST_TEST(points == 6 * 27 + 2u);
    const std::string legend = between(dom, "<div class=\"legend\">", "</div>");
    for (const char* label : {"pythia-70m (published)", "pythia-410m-deduped (published)", ">pythia-70m-deduped<", ">pythia-160m<"})
        BOOST_TEST(legend.find(label) != std::string::npos, label);

    // Verdicts against the published files.
    BOOST_TEST(dom.find(fmt::format("Differs: 1 of {} metrics beyond 2σ (lambada_openai/acc)", shifted_metrics)) !=
               std::string::npos);
    BOOST_TEST(dom.find(fmt::format("Agrees: all {} metrics within 2σ", shifted_metrics)) != std::string::npos);
    BOOST_TEST(dom.find("No published file for this model, step and shots") != std::string::npos);
    BOOST_TEST(test::count_of(dom, "<tr class=\"flag\">") == 1u);

    // Self-contained: nothing is fetched from anywhere.
    const std::string page = test::slurp(html);
    for (const char* remote : {" src=", "<link", "@import", "url("}) BOOST_TEST(page.find(remote) == std::string::npos, remote);
}

BOOST_AUTO_TEST_SUITE_END()
