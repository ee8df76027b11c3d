// The Vulkan backend through the CLI: `devices`, `bench --json` (the schema issue #4 gives, Vulkan
// with and without its optional features beside the CPU reference), `forward` on vulkan and
// vulkan:portable against cpu, and eval's --device-memory-limit (one-line error, or the same results).
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

namespace fs = std::filesystem;
using namespace pe::test;

namespace {

std::string tiny_model(const std::string& name, bool with_tokenizer = false) {
    const auto path = (scratch_dir("vulkan-cli-" + name) / "tiny.gguf").string();
    std::vector<std::string> args = {"synth", "--shape", "tiny", "--seed", "4", path};
    if (with_tokenizer) args.insert(args.end() - 1, {"--tokenizer", shared_path("tokenizer/20B_tokenizer.json").string()});
    const CliResult r = run_cli(args);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
    return path;
}

boost::test_tools::assertion_result shared_present(boost::unit_test::test_unit_id id) { return needs_shared(id); }

}  // namespace

BOOST_AUTO_TEST_SUITE(vulkan_cli)

BOOST_AUTO_TEST_CASE(devices_lists_features_and_what_the_kernels_use) {
    const CliResult r = run_cli({"devices"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
    BOOST_TEST(r.out.find("0: ") == 0u, r.out);
    BOOST_TEST(r.out.find("subgroup arithmetic") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("kernels use: ") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(bench_json_has_every_backend_and_shape) {
    const std::string model = tiny_model("bench");
    const CliResult r = run_cli({"bench", "--model", model, "--seqs", "1", "--len", "24", "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
    simdjson::dom::parser parser;
    const simdjson::dom::element doc = parser.parse(r.out);
    BOOST_TEST(std::string(std::string_view(doc["model"])) == "synthetic-pythia-tiny-seed4");
    std::set<std::string> seen;
    for (simdjson::dom::element run : doc["runs"].get_array()) {
        const std::string backend{std::string_view(run["backend"])}, shape{std::string_view(run["shape"])};
        seen.insert(backend + " " + shape);
        BOOST_TEST(double(run["tokens_per_s"]) > 0.0, backend << " " << shape);
        BOOST_TEST(!std::string_view(run["device"]).empty());
    }
    // vulkan twice (with the device's features, then portable), then the CPU reference
    for (const char* backend : {"vulkan", "vulkan:portable", "cpu"})
        for (const char* shape : {"pp24", "pp24-all"})
            BOOST_TEST(seen.count(std::string(backend) + " " + shape) == 1u, backend << " " << shape << " missing");
}

BOOST_AUTO_TEST_CASE(forward_on_vulkan_prints_what_cpu_prints) {
    const std::string model = tiny_model("forward");
    auto forward = [&](const std::string& backend) {
        const CliResult r = run_cli({"forward", "--model", model, "--ids", "12092,13,309,717,50276,2", "--probe", "0,13",
                                     "--backend", backend, "--json"});
        BOOST_TEST_REQUIRE(r.exit_code == 0, backend << ": " << r.output);
        return r.out;
    };
    simdjson::dom::parser cpu_parser;
    const simdjson::dom::element cpu = cpu_parser.parse(forward("cpu"));
    for (const std::string backend : {"vulkan", "vulkan:portable"}) {
        simdjson::dom::parser parser;
        const simdjson::dom::element got = parser.parse(forward(backend));
        BOOST_TEST(std::string(std::string_view(got["backend"])) == backend);
        const simdjson::dom::array want_pos = cpu["positions"], got_pos = got["positions"];
        BOOST_TEST_REQUIRE(got_pos.size() == want_pos.size());
        for (size_t t = 0; t < want_pos.size(); ++t) {
            const simdjson::dom::element g = got_pos.at(t), w = want_pos.at(t);
            BOOST_TEST(int64_t(g["argmax"]) == int64_t(w["argmax"]), backend << " position " << t);
            BOOST_TEST(std::abs(double(g["logsumexp"]) - double(w["logsumexp"])) < 1e-4, backend << " position " << t);
            BOOST_TEST(std::abs(double(g["probe"]["13"]) - double(w["probe"]["13"])) < 1e-4, backend << " position " << t);
            if (w["next_logprob"].is_null()) {
                BOOST_TEST(g["next_logprob"].is_null());
            } else {
                BOOST_TEST(std::abs(double(g["next_logprob"]) - double(w["next_logprob"])) < 1e-4,
                           backend << " position " << t);
            }
        }
    }
    const CliResult bad = run_cli({"forward", "--model", model, "--ids", "1,2", "--backend", "vulkan:fp8"});
    BOOST_TEST(bad.exit_code == 1);
    BOOST_TEST(bad.err.find("--backend: unknown Vulkan feature 'fp8'") != std::string::npos, bad.err);
    BOOST_TEST(std::count(bad.err.begin(), bad.err.end(), '\n') == 1, bad.err);
    BOOST_TEST(bad.out.empty());
}

BOOST_AUTO_TEST_CASE(eval_memory_limit_errors_in_one_line_or_scores_the_same,
                     *boost::unit_test::precondition(shared_present)) {
    const std::string model = tiny_model("eval", true);
    const fs::path dir = scratch_dir("vulkan-cli-eval-out");
    auto eval = [&](const std::string& name, const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"eval", "--model", model, "--backend", "vulkan", "--tasks", "piqa", "--limit",
                                         "8", "--data-dir", shared_path("data").string(), "--output",
                                         (dir / (name + ".json")).string(), "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(args, {{"XDG_CACHE_HOME", (dir / "cache").string()}});
    };
    const CliResult tiny_limit = eval("limit1", {"--device-memory-limit", "1"});
    BOOST_TEST(tiny_limit.exit_code == 1);
    BOOST_TEST(tiny_limit.err.find("out of device memory") != std::string::npos, tiny_limit.err);
    BOOST_TEST(tiny_limit.err.find("of the 1.0 MiB memory limit") != std::string::npos, tiny_limit.err);
    BOOST_TEST(std::count(tiny_limit.err.begin(), tiny_limit.err.end(), '\n') == 1, tiny_limit.err);
    BOOST_TEST(!fs::exists(dir / "limit1.json"));  // no partial output

    const CliResult free_run = eval("free", {});
    BOOST_TEST_REQUIRE(free_run.exit_code == 0, free_run.output);
    const CliResult limited = eval("limited", {"--device-memory-limit", "512"});
    BOOST_TEST_REQUIRE(limited.exit_code == 0, limited.output);
    simdjson::dom::parser pa, pb;
    const simdjson::dom::element a = pa.load((dir / "free.json").string()), b = pb.load((dir / "limited.json").string());
    BOOST_TEST(simdjson::minify(a["results"]) == simdjson::minify(b["results"]));
}

BOOST_AUTO_TEST_SUITE_END()
