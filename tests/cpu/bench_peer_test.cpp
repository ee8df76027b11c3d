// `bench --peer` (issue #15): a wrong llama-bench path, a GGUF llama.cpp cannot load and a program
// that is not llama-bench each give one line naming the problem, before or instead of numbers; with
// LLAMA_BENCH naming a real llama.cpp build, the peer's pp<len> and our CPU backend come out of one
// run (CI has no llama.cpp, so that case runs only when the variable is set).
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

namespace fs = std::filesystem;
using pe::test::CliResult;
using pe::test::run_cli;

namespace {

std::string synth_model(const std::string& name, bool with_tokenizer) {
    const auto path = (pe::test::scratch_dir("bench-peer-" + name) / "tiny.gguf").string();
    std::vector<std::string> args = {"synth", "--shape", "tiny", "--seed", "5", path};
    if (with_tokenizer)
        args.insert(args.end() - 1, {"--tokenizer", pe::test::shared_path("tokenizer/20B_tokenizer.json").string()});
    const CliResult r = run_cli(args);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
    return path;
}

CliResult bench_with_peer(const std::string& model, const std::string& peer) {
    return run_cli({"bench", "--model", model, "--backends", "cpu", "--seqs", "1", "--len", "16", "--peer", peer});
}

// One line on stderr, nothing on stdout: the error replaces the numbers.
void check_one_line_error(const CliResult& r, const std::string& phrase) {
    BOOST_TEST(r.exit_code == 1, r.output);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    BOOST_TEST(r.err.find(phrase) != std::string::npos, "want '" << phrase << "' in: " << r.err);
}

boost::test_tools::assertion_result llama_bench_given(boost::unit_test::test_unit_id) {
    const char* p = std::getenv("LLAMA_BENCH");
    if (p && *p) return true;
    boost::test_tools::assertion_result r(false);
    r.message() << "skipped: set LLAMA_BENCH to a llama.cpp llama-bench binary";
    return r;
}

boost::test_tools::assertion_result shared_present(boost::unit_test::test_unit_id id) {
    return pe::test::needs_shared(id);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bench_peer)

BOOST_AUTO_TEST_CASE(bad_peer_paths_are_one_line_before_measuring) {
    const std::string model = synth_model("paths", false);
    const fs::path missing = fs::path(model).parent_path() / "no-such-llama-bench";
    check_one_line_error(bench_with_peer(model, missing.string()), "--peer: no such file; expected the path of llama.cpp's llama-bench");
    check_one_line_error(bench_with_peer(model, model), "--peer: not an executable file");
    check_one_line_error(bench_with_peer(model, fs::path(model).parent_path().string()), "--peer: not an executable file");
}

BOOST_AUTO_TEST_CASE(a_gguf_without_vocabulary_is_refused_before_the_peer_runs) {
    const std::string model = synth_model("not-llama", false);
    // Refused with the way to write a GGUF llama.cpp can load, before /bin/true (not llama-bench) runs.
    check_one_line_error(bench_with_peer(model, "/bin/true"), "tokenizer.ggml.model: absent, and llama.cpp loads no model");
}

BOOST_AUTO_TEST_CASE(a_program_that_prints_no_json_is_named, *boost::unit_test::precondition(shared_present)) {
    const std::string model = synth_model("no-json", true);
    check_one_line_error(bench_with_peer(model, "/bin/true"), "/bin/true: printed no llama-bench JSON");
    check_one_line_error(bench_with_peer(model, "/bin/false"), "/bin/false: failed on " + model + " (exit status 1)");
}

BOOST_AUTO_TEST_CASE(peer_and_cpu_backend_in_one_run, *boost::unit_test::precondition(llama_bench_given) *
                                                           boost::unit_test::precondition(shared_present)) {
    const std::string model = synth_model("real", true);
    const CliResult r = run_cli({"bench", "--model", model, "--backends", "cpu", "--threads", "1", "--seqs", "1", "--len",
                                 "32", "--peer", std::getenv("LLAMA_BENCH"), "--peer-reps", "1", "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
    simdjson::dom::parser parser;
    const simdjson::dom::element doc = parser.parse(r.out);
    std::set<std::string> seen;
    for (simdjson::dom::element run : doc["runs"].get_array()) {
        const std::string backend{std::string_view(run["backend"])}, shape{std::string_view(run["shape"])};
        seen.insert(backend + " " + shape);
        BOOST_TEST(double(run["tokens_per_s"]) > 0.0, backend << " " << shape);
        if (backend == "llama.cpp") {
            const std::string device{std::string_view(run["device"])};
            BOOST_TEST(device.find("CPU, 1 thread") != std::string::npos, device);
            BOOST_TEST(run["cpu_s"].is_null());
        }
    }
    for (const char* want : {"cpu pp32", "cpu pp32-all", "llama.cpp pp32"})
        BOOST_TEST(seen.count(want) == 1u, want << " missing from " << r.out);
}

BOOST_AUTO_TEST_SUITE_END()
