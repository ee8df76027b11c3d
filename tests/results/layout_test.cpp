// The published layout: results_document rebuilds a published Pythia file byte for byte from its
// numbers and config, and published_path names files where the published tree has them.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "results/layout.hpp"
#include "tests/common/shared.hpp"

using namespace pe;

BOOST_AUTO_TEST_SUITE(layout)

BOOST_AUTO_TEST_CASE(path_layout) {
    BOOST_TEST(results::published_path("out", "70m", true, 143000).string() ==
               "out/pythia-70m-deduped/zero-shot/70m-deduped_step143000.json");
    BOOST_TEST(results::published_path("out", "1.4b", false, 0).string() == "out/pythia-1.4b/zero-shot/1.4b_step0.json");
}

BOOST_AUTO_TEST_CASE(published_paths_exist, *boost::unit_test::precondition(test::needs_shared)) {
    const auto root = test::shared_path("reference/pythia-results/v1.1-evals");
    for (const auto& [size, deduped, step] : {std::tuple{"70m", true, 143000L}, std::tuple{"160m", false, 512L},
                                              std::tuple{"410m", true, 0L}})
        BOOST_TEST(std::filesystem::exists(results::published_path(root, size, deduped, step)), size << " " << step);
}

BOOST_AUTO_TEST_CASE(rebuilds_a_published_file_byte_for_byte, *boost::unit_test::precondition(test::needs_shared)) {
    const auto path = test::shared_path("reference/pythia-results/v1.1-evals/pythia-410m/zero-shot/410m_step143000.json");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const auto published = results::parse_json(ss.str(), path.string());

    tasks::EvalResult result;
    for (const auto& [task, metrics] : published.find("results")->object()) {
        tasks::TaskResult t{.name = task, .version = int(published.find("versions")->find(task)->number()), .n_docs = 0,
                            .metrics = {}};
        for (const auto& [name, value] : metrics.object()) t.metrics.emplace_back(name, value.number());
        result.tasks.push_back(std::move(t));
    }
    const auto& cfg = *published.find("config");
    results::RunConfig config;
    config.model = *cfg.find("model");
    config.model_args = *cfg.find("model_args");
    config.batch_size = *cfg.find("batch_size");
    config.device = *cfg.find("device");
    BOOST_TEST(cfg.find("limit")->is_null());

    const auto dir = test::scratch_dir("layout_rebuild");
    results::write_results(dir / "out.json", results::results_document(result, config));
    std::ifstream back(dir / "out.json", std::ios::binary);
    std::ostringstream written;
    written << back.rdbuf();
    BOOST_TEST(written.str() == ss.str());
}

BOOST_AUTO_TEST_SUITE_END()
