// llama-bench as bench's peer (bench_peer.hpp). Its JSON is an array of test records; we ask for one
// test (pp N_PROMPT) and read avg_ts, n_prompt, n_threads and the build from it.
#include "cli/bench_peer.hpp"

#include <unistd.h>

#include <filesystem>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

#include "engine/io/run_program.hpp"
#include "engine/error.hpp"
#include "engine/tokenizer/gguf_keys.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

const char* const what_peer_is = "expected the path of llama.cpp's llama-bench";

std::string last_line(std::string_view text, const char* if_empty) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    const size_t start = text.find_last_of('\n');
    if (text.empty()) return if_empty;
    return std::string(start == std::string_view::npos ? text : text.substr(start + 1));
}

}  // namespace

void check_peer_program(const std::string& llama_bench) {
    std::error_code ec;
    const fs::file_status st = fs::status(llama_bench, ec);
    if (!fs::exists(st)) throw_bad_input(llama_bench, "--peer", std::string("no such file; ") + what_peer_is);
    if (!fs::is_regular_file(st) || ::access(llama_bench.c_str(), X_OK) != 0)
        throw_bad_input(llama_bench, "--peer", std::string("not an executable file; ") + what_peer_is);
}

void check_peer_model(const model::Model& model) {
    if (!model.gguf().find(tokenizer::gguf_keys::model))
        throw_bad_input(model.path(), std::string(tokenizer::gguf_keys::model),
                        "absent, and llama.cpp loads no model without its vocabulary: write the GGUF with "
                        "`pythia-eval synth --tokenizer tokenizer.json` or `pythia-eval convert`");
}

PeerRun run_llama_bench(const std::string& llama_bench, const std::string& gguf, int n_prompt, int n_threads, int reps) {
    check_peer_program(llama_bench);
    // A bare name would be looked up in PATH; "./" keeps a relative path relative.
    const std::string program = llama_bench.find('/') == std::string::npos ? "./" + llama_bench : llama_bench;
    const io::ProgramResult r = io::run_program({program, "-m", gguf, "-p", std::to_string(n_prompt), "-n", "0", "-t",
                                         std::to_string(n_threads), "-r", std::to_string(reps), "-o", "json"},
                                        false);
    if (r.status == 127 && r.out.empty())
        throw_bad_input(llama_bench, "--peer", std::string("cannot be started; ") + what_peer_is);
    if (r.status != 0)
        throw_io(llama_bench, fmt::format("failed on {} (exit status {}): {}", gguf, r.status, last_line(r.err, "nothing on stderr")));

    simdjson::dom::parser parser;
    simdjson::dom::array tests;
    simdjson::dom::object t;
    double avg_ts = 0;
    int64_t got_prompt = 0, got_threads = 0, build_number = 0;
    std::string_view build_commit;
    if (parser.parse(r.out).get(tests) || tests.size() != 1 || tests.at(0).get(t) || t["avg_ts"].get(avg_ts) ||
        t["n_prompt"].get(got_prompt) || t["n_threads"].get(got_threads) || t["build_commit"].get(build_commit) ||
        t["build_number"].get(build_number))
        throw_io(llama_bench, "printed no llama-bench JSON with one test record for `-o json`: " + last_line(r.out, "nothing on stdout"));
    if (got_prompt != n_prompt || got_threads != n_threads || !(avg_ts > 0))
        throw_io(llama_bench, fmt::format("measured n_prompt {} with {} threads at {} tokens/s, asked for {} with {}",
                                          got_prompt, got_threads, avg_ts, n_prompt, n_threads));
    return {fmt::format("b{} ({}) CPU, {} thread{}", build_number, build_commit, n_threads, n_threads == 1 ? "" : "s"),
            avg_ts};
}

}  // namespace pe::cli
