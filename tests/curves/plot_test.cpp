// pythia-eval plot over the published 70m/160m/410m (and deduped) zero-shot files: the figure's size,
// its series (one per model, in size order, 27 steps each), dashed for published and solid for ours in
// the same colour, the grid of small multiples, and a PNG of the stated size.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/curves/curves_env.hpp"
#include "tests/curves/svg_series.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> models_by_size = {"pythia-70m", "pythia-70m-deduped", "pythia-160m",
                                                 "pythia-160m-deduped", "pythia-410m", "pythia-410m-deduped"};

std::vector<std::string> plot_args(std::vector<std::string> tail) {
    std::vector<std::string> args = {"plot"};
    for (const auto& f : test::zero_shot_folders()) args.push_back(f);
    args.insert(args.end(), tail.begin(), tail.end());
    return args;
}

uint32_t big_endian_u32(const std::string& s, size_t at) {
    return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
           uint32_t(uint8_t(s[at + 3]));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plot)

BOOST_AUTO_TEST_CASE(one_metric_svg, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("curves_plot_svg");
    const auto out = scratch / "lambada_acc.svg";
    const auto run = test::run_cli(plot_args({"--task", "lambada_openai", "--metric", "acc", "--output", out.string()}));
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    const std::string svg = test::slurp(out);
    BOOST_TEST(svg.find("width=\"1000\" height=\"560\"") != std::string::npos);
    BOOST_TEST(svg.find("lambada_openai: acc") != std::string::npos);
    const auto series = test::svg_series(svg);
    BOOST_TEST_REQUIRE(series.size() == models_by_size.size());
    for (size_t i = 0; i < series.size(); i++) {
        BOOST_TEST(series[i].title == models_by_size[i]);  // legend in order of model size
        BOOST_TEST(series[i].points == 27u, series[i].title);  // steps 0, 1, 2, 4 ... 512, 1000, 3000 ... 143000
        BOOST_TEST(series[i].dashed, series[i].title);         // all published
    }
    BOOST_TEST(test::svg_bands(svg) == series.size());  // one ± stderr band each
    // The step axis: log-spaced early steps and the last one are labelled.
    for (const char* tick : {">0<", ">1<", ">4<", ">512<", ">1k<", ">143k<"})
        BOOST_TEST(svg.find(tick) != std::string::npos, tick);
    for (const auto& f : fs::directory_iterator(scratch)) BOOST_TEST(f.path() == out, "left behind: " << f.path());
}

BOOST_AUTO_TEST_CASE(ours_solid_published_dashed_same_colour, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("curves_plot_ours");
    const auto root = test::published_root() / "v1.1-evals/pythia-160m/zero-shot";
    fs::create_directories(scratch / "runs");
    for (const char* step : {"3000", "13000", "143000"})
        test::write_our_run(root / (std::string("160m_step") + step + ".json"),
                            scratch / "runs" / (std::string("160m_step") + step + ".json"), 1.0);
    // The same run on a sample of the documents is a curve of its own.
    std::string limited = test::slurp(scratch / "runs" / "160m_step3000.json");
    limited.replace(limited.find("\"limit\": null"), 13, "\"limit\": 100");
    std::ofstream(scratch / "runs" / "160m_step3000.limit100.json", std::ios::binary) << limited;
    const auto out = scratch / "ours.svg";
    const auto run = test::run_cli({"plot", (scratch / "runs").string(), "--published", test::published_root().string(),
                                    "--task", "lambada_openai", "--metric", "acc", "--output", out.string()});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    const auto series = test::svg_series(test::slurp(out));
    BOOST_TEST_REQUIRE(series.size() == 3u);
    BOOST_TEST(series[0].title == "pythia-160m");
    BOOST_TEST(series[0].points == 3u);
    BOOST_TEST(!series[0].dashed);
    BOOST_TEST(series[1].title == "pythia-160m limit 100");
    BOOST_TEST(series[1].points == 1u);
    BOOST_TEST(series[2].title == "pythia-160m (published)");
    BOOST_TEST(series[2].points == 27u);
    BOOST_TEST(series[2].dashed);
    BOOST_TEST(series[0].colour == series[2].colour);
}

BOOST_AUTO_TEST_CASE(grid_svg_and_png, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("curves_plot_grid");
    const auto out = scratch / "grid.svg";
    const auto run = test::run_cli(plot_args({"--grid", "--tasks", "lambada_openai,piqa", "--output", out.string()}));
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    const std::string svg = test::slurp(out);
    // Four panels (lambada acc and ppl, piqa acc and acc_norm), each with six curves of 27 points,
    // then the legend cell: six entries in size order.
    for (const char* title : {"lambada_openai: acc", "lambada_openai: ppl", "piqa: acc", "piqa: acc_norm"})
        BOOST_TEST(test::count_of(svg, std::string(">") + title + "<") == 1u, title);
    const auto series = test::svg_series(svg);
    BOOST_TEST_REQUIRE(series.size() == 4 * 6 + 6u);
    for (size_t i = 0; i < 24; i++) {
        BOOST_TEST(series[i].title.empty());
        BOOST_TEST(series[i].points == 27u);
    }
    for (size_t i = 0; i < 6; i++) BOOST_TEST(series[24 + i].title == models_by_size[i]);

    const auto png = scratch / "lambada_ppl.png";
    const auto run_png = test::run_cli(plot_args({"--task", "lambada_openai", "--metric", "ppl", "--output", png.string()}));
    BOOST_TEST_REQUIRE(run_png.exit_code == 0, run_png.output);
    const std::string bytes = test::slurp(png);
    BOOST_TEST_REQUIRE(bytes.size() > 10000u);
    BOOST_TEST(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    BOOST_TEST(bytes.substr(12, 4) == "IHDR");
    BOOST_TEST(big_endian_u32(bytes, 16) == 1000u);
    BOOST_TEST(big_endian_u32(bytes, 20) == 560u);
}

BOOST_AUTO_TEST_SUITE_END()
