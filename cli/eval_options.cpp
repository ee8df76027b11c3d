// The options eval and sweep share (eval_options.hpp).
#include "cli/eval_options.hpp"

#include "cli/whole_number.hpp"

namespace pe::cli {

void add_measure_options(CLI::App& cmd, EvalSettings& s) {
    cmd.add_option("--tasks", s.tasks, "comma-separated tasks (default: all five)")->delimiter(',');
    // Read from the text by the whole-number rule (CLI11 alone took -1, "" and 2^64 as no limit).
    cmd.add_option_function<std::string>(
        "--limit", [&s](const std::string& text) { s.limit = parse_whole_number(text, "--limit", 0, uint64_t(INT64_MAX)); },
        "only the first N (shuffled) documents per task; the result is named ..._stepS.limitN.json");
    cmd.add_option("--precision", s.precision, "fp16 (as the published runs) or fp32 logits")->capture_default_str();
    cmd.add_option_function<std::string>(
        "--data-dir", [&s](const std::string& text) { s.data_dir = text; },
        "dataset folder (default: the `data fetch` cache)");
}

void add_backend_options(CLI::App& cmd, EvalBackend& b) {
    cmd.add_option("--backend", b.name,
                   "auto (Vulkan unless its device is a CPU renderer, then cpu), vulkan, cpu, or vulkan:FEATURES "
                   "(vulkan:portable: no optional device features; see `pythia-eval devices`)")
        ->capture_default_str();
    cmd.add_option("--device", b.options.device, "Vulkan device index as `pythia-eval devices` lists it");
    cmd.add_option("--device-memory-limit", b.options.device_memory_limit_mib,
                   "MiB of device memory to use at most (batches shrink to fit; default: all)")
        ->check(CLI::Range(uint64_t(1), uint64_t(1) << 30));
    cmd.add_option("--threads", b.options.n_threads, "CPU backend threads (0: all)")
        ->check(CLI::Range(0, 1 << 16))
        ->capture_default_str();
}

std::vector<std::string> backend_args(const EvalBackend& b) {
    std::vector<std::string> out = {"--backend", b.name};
    if (!b.options.device.empty()) out.insert(out.end(), {"--device", b.options.device});
    if (b.options.device_memory_limit_mib)
        out.insert(out.end(), {"--device-memory-limit", std::to_string(b.options.device_memory_limit_mib)});
    if (b.options.n_threads) out.insert(out.end(), {"--threads", std::to_string(b.options.n_threads)});
    return out;
}

}  // namespace pe::cli
