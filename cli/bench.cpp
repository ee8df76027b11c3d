// pythia-eval bench: prompt-processing throughput of the Vulkan backend and the CPU reference in one
// run (issue #4), in two shapes: pp512 (512-token sequences, a log-prob at the last position only)
// and pp512-all (log-probs at every position). Tokens are fixed-seed random ids; a warm-up pass
// (pipeline compilation, first allocations) is not timed. Logits are fp16 as eval computes them by
// default (--precision fp32 measures the fp32 path). By default the Vulkan backend runs twice,
// with the device's optional features and without (vulkan:portable), so their effect is measured too.
// With --peer, llama.cpp's llama-bench also measures pp512 on the same GGUF with the same thread count
// (bench_peer.hpp), and each of our backends is printed as a ratio to it (issue #15).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/backend_select.hpp"
#include "cli/bench_peer.hpp"
#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/error.hpp"
#include "engine/model/model.hpp"
#include "results/json.hpp"

namespace pe::cli {
namespace {

struct Args {
    std::string model, backends = "vulkan,vulkan:portable,cpu", device, peer, precision = "fp16";
    int threads = 0, seqs = 4, len = 512, peer_reps = 3;
    bool json = false;
};

struct Run {
    std::string backend, device, shape;
    double tokens_per_s;
    std::optional<double> cpu_s;  // process CPU time of the run (on a shared machine tokens_per_s depends on
                                  // the load); none for the peer, a separate process
};

const char* const peer_name = "llama.cpp";

double process_cpu_seconds() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + 1e-6 * double(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

model::Batch make_batch(const model::HParams& hp, int n_seqs, int len, bool all_positions,
                        model::LogitPrecision precision) {
    std::mt19937 rng(1234);
    const uint32_t usable = std::min<uint32_t>(hp.n_vocab, 50277);  // real token ids only
    std::uniform_int_distribution<int32_t> dist(0, int32_t(usable) - 1);
    model::Batch batch;
    batch.precision = precision;
    for (int s = 0; s < n_seqs; ++s) {
        model::ScoreRequest r;
        for (int t = 0; t < len; ++t) r.input.push_back(dist(rng));
        if (all_positions) {
            r.targets.assign(r.input.begin() + 1, r.input.end());
            r.targets.push_back(dist(rng));
        } else {
            r.targets.push_back(dist(rng));
        }
        batch.requests.push_back(std::move(r));
    }
    return batch;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        const size_t end = std::min(s.find(',', start), s.size());
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

void run(const Args& a) {
    if (a.len < 2 || a.seqs < 1) throw_bad_input("", "--len/--seqs", "need --len >= 2 and --seqs >= 1");
    if (a.peer_reps < 1) throw_bad_input("", "--peer-reps", "need --peer-reps >= 1");
    if (!a.peer.empty()) check_peer_program(a.peer);  // a wrong path fails before minutes of measuring
    const auto precision = a.precision == "fp32" ? model::LogitPrecision::fp32 : model::LogitPrecision::fp16;
    const std::string gguf = resolve_model(a.model);  // a Hugging Face folder is converted (cached) once
    const model::Model model = model::Model::load(gguf);
    if (uint32_t(a.len) > model.hparams().n_ctx)
        throw_bad_input("", "--len", fmt::format("{} exceeds the context length {}", a.len, model.hparams().n_ctx));
    // The peer runs first, so that when llama.cpp refuses the GGUF the error stands alone, and is
    // printed last, beside the ratios.
    std::optional<Run> peer;
    if (!a.peer.empty()) {
        check_peer_model(model);
        const PeerRun p = run_llama_bench(a.peer, gguf, a.len, cpu::resolve_threads(a.threads), a.peer_reps);
        peer = Run{peer_name, p.device, fmt::format("pp{}", a.len), p.tokens_per_s, std::nullopt};
    }
    std::vector<Run> runs;
    for (const std::string& name : split(a.backends)) {
        auto backend = make_backend(name, model, {.n_threads = a.threads, .device = a.device});
        // Warm-up, not timed: the largest batch measured, so that pipelines are built and the activation
        // memory is allocated and touched (lavapipe's first touch of fresh memory cost up to 30 % of a
        // pp512 run when the warm-up was one short sequence).
        backend->score(make_batch(model.hparams(), a.seqs, a.len, true, precision));
        for (bool all : {false, true}) {
            const model::Batch batch = make_batch(model.hparams(), a.seqs, a.len, all, precision);
            const double c0 = process_cpu_seconds();
            const auto t0 = std::chrono::steady_clock::now();
            backend->score(batch);
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double cpu = process_cpu_seconds() - c0;
            const std::string shape = fmt::format("pp{}{}", a.len, all ? "-all" : "");
            runs.push_back({backend->name(), backend->device_name(), shape, double(a.seqs) * a.len / s, cpu});
            if (!a.json)
                fmt::print("{:<16} {:<36} {:<12} {:>9.1f} tokens/s  ({:.2f} s wall, {:.2f} s CPU)\n", runs.back().backend,
                           runs.back().device, shape, runs.back().tokens_per_s, s, cpu);
        }
    }
    // Ratios to the last backend listed (the CPU backend by default), measured in this process.
    if (!a.json && runs.size() > 2) {
        const std::string& base = runs.back().backend;
        for (const Run& r : runs)
            for (const Run& b : runs)
                if (b.backend == base && b.shape == r.shape && r.backend != base)
                    fmt::print("{:<16} {:<12} {:.2f}x {}\n", r.backend, r.shape, r.tokens_per_s / b.tokens_per_s, base);
    }
    if (peer) {
        if (!a.json) {
            fmt::print("{:<16} {:<36} {:<12} {:>9.1f} tokens/s  (mean of {} runs, its own process)\n", peer->backend,
                       peer->device, peer->shape, peer->tokens_per_s, a.peer_reps);
            for (const Run& r : runs)
                if (r.shape == peer->shape)
                    fmt::print("{:<16} {:<12} {:.2f}x {}\n", r.backend, r.shape, r.tokens_per_s / peer->tokens_per_s,
                               peer->backend);
        }
        runs.push_back(*peer);
    }
    if (a.json) {
        std::string out = "{\"model\": \"" + model.name() + "\", \"runs\": [";
        for (size_t i = 0; i < runs.size(); ++i)
            out += fmt::format("{}{{\"backend\": {}, \"device\": {}, \"shape\": \"{}\", \"tokens_per_s\": {:.2f}, "
                               "\"cpu_s\": {}}}",
                               i ? ", " : "", results::python_json_string(runs[i].backend),
                               results::python_json_string(runs[i].device), runs[i].shape, runs[i].tokens_per_s,
                               runs[i].cpu_s ? fmt::format("{:.3f}", *runs[i].cpu_s) : "null");
        out += "]}\n";
        std::fwrite(out.data(), 1, out.size(), stdout);
    }
}

}  // namespace

void add_bench(CLI::App& app) {
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("bench", "Prompt-processing tokens/s of the Vulkan and CPU backends (pp512, pp512-all)");
    cmd->add_option("--model", args->model, "model .gguf, or a Hugging Face GPT-NeoX folder")->required();
    cmd->add_option("--backends", args->backends,
                    "comma-separated backends to measure; vulkan:portable (or vulkan:subgroups, ...) measures the "
                    "Vulkan backend with only those optional device features")
        ->capture_default_str();
    cmd->add_option("--device", args->device, "Vulkan device number (see `pythia-eval devices`)");
    cmd->add_option("--threads", args->threads, "CPU threads (0: all)")->capture_default_str();
    cmd->add_option("--seqs", args->seqs, "sequences per measurement")->capture_default_str();
    cmd->add_option("--len", args->len, "tokens per sequence")->capture_default_str();
    cmd->add_option("--peer", args->peer,
                    "llama.cpp's llama-bench binary: also measure its CPU pp<len> on the same GGUF with the same "
                    "threads, and print each backend's ratio to it");
    cmd->add_option("--peer-reps", args->peer_reps, "llama-bench repetitions (-r) averaged")->capture_default_str();
    cmd->add_option("--precision", args->precision,
                    "logits as eval computes them: fp16 (eval's default, as the published runs) or fp32 (eval "
                    "--precision fp32, whose log-softmax sums as lm-eval's CPU run did)")
        ->check(CLI::IsMember({"fp16", "fp32"}))
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "print JSON");
    cmd->callback([args] { run(*args); });
}

}  // namespace pe::cli
