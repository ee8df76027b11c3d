// pythia-eval eval (issues #6, #13): score a checkpoint (.gguf, Hugging Face folder, or hub repo id
// with --step/--revision) on the five tasks and write the result JSON where results/layout names it,
// through one eval cell (cli/eval_run); optionally compare with a published file.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/eval_run.hpp"
#include "cli/whole_number.hpp"
#include "engine/error.hpp"
#include "results/compare.hpp"
#include "results/layout.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

struct EvalArgs {
    std::string model;
    std::optional<std::string> step, revision, name, limit;
    std::vector<std::string> tasks = default_task_names();
    std::string backend = "vulkan";
    std::string device;
    uint64_t device_memory_limit = 0;
    int threads = 0;
    bool log_samples = false;
    std::string data_dir;
    std::string output = "results/json";
    std::string compare_to;
    std::string precision = "fp16";
    bool overwrite = false;
    bool quiet = false;
};

// --compare-to DIR: the published file for this model and step inside DIR (or DIR/v1.1-evals).
fs::path comparison_file(const std::string& compare_to, const results::ModelIdentity& id) {
    if (!fs::is_directory(compare_to)) {
        if (!fs::is_regular_file(compare_to)) throw_bad_input(compare_to, "--compare-to", "no such file or folder");
        return compare_to;
    }
    auto p = results::pythia_name(id.name);
    if (!p || !id.step)
        throw_bad_input(compare_to, "--compare-to",
                        "a folder needs a Pythia model at a known step to find the file in it; pass the file itself");
    std::vector<fs::path> tried;
    for (const fs::path& base : {fs::path(compare_to), fs::path(compare_to) / "v1.1-evals"}) {
        fs::path f = results::published_path(base, p->size, p->deduped, *id.step);
        if (fs::is_regular_file(f)) return f;
        tried.push_back(f);
    }
    throw_bad_input(compare_to, "--compare-to", "no result file for this checkpoint (looked for " +
                                                    tried[0].string() + " and " + tried[1].string() + ")");
}

// The command line as typed, for the provenance (CLI11 does not keep argv).
std::vector<std::string> own_command_line() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> out;
    for (std::string arg; std::getline(in, arg, '\0');) out.push_back(arg);
    if (!out.empty()) out[0] = fs::path(out[0]).filename().string();
    return out;
}

void run_eval(const EvalArgs& a) {
    EvalSettings s;
    s.tasks = a.tasks;
    if (a.limit) s.limit = parse_whole_number(*a.limit, "--limit", 0, uint64_t(INT64_MAX));
    s.precision = a.precision;
    s.data_dir = a.data_dir;
    s.output = a.output;
    s.log_samples = a.log_samples;
    s.overwrite = a.overwrite;
    s.quiet = a.quiet;
    const ModelRef ref = parse_model_ref(a.model, a.step, a.revision, a.name);
    check_eval_settings(s);  // every setting before any download or conversion

    BackendChoice backend;
    backend.name = a.backend;
    backend.options.n_threads = a.threads;
    backend.options.device = a.device;
    backend.options.device_memory_limit_mib = a.device_memory_limit;
    LoadedModel model = load_model(ref, backend, a.quiet);
    const CellResult cell = run_eval_cell(model, s, own_command_line());

    if (!a.quiet) {
        for (const auto& f : cell.samples_files) std::fprintf(stderr, "samples: %s\n", f.string().c_str());
        std::fprintf(stderr, "\n%s\nresults: %s%s\n", summary_table(cell.result, cell.timings).c_str(),
                     cell.file.string().c_str(), cell.merged ? " (merged with the tasks already there)" : "");
        if (model.identity.name_from == "path")
            std::fprintf(stderr,
                         "note: no model name was known for %s, so the result is named '%s' after its path; "
                         "pass --name ORG/MODEL --step N to name it\n",
                         model.identity.path.c_str(), model.identity.name.c_str());
    }
    if (!a.compare_to.empty()) {
        fs::path other = comparison_file(a.compare_to, model.identity);
        auto rows = results::compare_results(results::read_json_file(other), results::read_json_file(cell.file), {},
                                             other.string(), cell.file.string());
        std::printf("A: %s\nB: %s\n%s\n", other.string().c_str(), cell.file.string().c_str(),
                    results::format_rows(rows).c_str());
    }
}

}  // namespace

void add_eval(CLI::App& app) {
    auto args = std::make_shared<EvalArgs>();
    auto* cmd = app.add_subcommand("eval", "Evaluate a checkpoint on LAMBADA, PIQA, WinoGrande, ARC-Easy and SciQ "
                                           "as lm-evaluation-harness did; write the published result JSON");
    cmd->add_option("--model", args->model,
                    "a .gguf file, a Hugging Face checkpoint folder, or a hub repo id (EleutherAI/pythia-70m-deduped)")
        ->required();
    cmd->add_option("--step", args->step,
                    "training step: of a hub repo id (revision stepN), or of a local folder or GGUF (names the result)");
    cmd->add_option("--revision", args->revision, "hub revision (default main = step143000 for Pythia)");
    cmd->add_option("--name", args->name,
                    "ORG/MODEL of a local folder or GGUF (names the result; default: from the hub cache path, "
                    "the GGUF's metadata or config.json)");
    cmd->add_option("--tasks", args->tasks, "comma-separated tasks (default: all five)")->delimiter(',');
    cmd->add_option("--backend", args->backend,
                    "vulkan, cpu, or vulkan:portable (no optional device features; see `pythia-eval devices`)")
        ->capture_default_str();
    cmd->add_option("--device", args->device, "Vulkan device index as `pythia-eval devices` lists it");
    cmd->add_option("--device-memory-limit", args->device_memory_limit,
                    "MiB of device memory to use at most (batches shrink to fit; default: all)")
        ->check(CLI::Range(uint64_t(1), uint64_t(1) << 30));
    cmd->add_option("--threads", args->threads, "CPU backend threads (0: all)")->capture_default_str();
    cmd->add_option("--limit", args->limit,
                    "only the first N (shuffled) documents per task; the result is named ..._stepS.limitN.json");
    cmd->add_flag("--log-samples", args->log_samples,
                  "also write, per task, one JSON line per document with everything its metrics come from");
    cmd->add_option("--data-dir", args->data_dir, "dataset folder (default: the `data fetch` cache)");
    cmd->add_option("--output", args->output,
                    "results folder (published layout) or exactly this file when it ends in .json")
        ->capture_default_str();
    cmd->add_option("--compare-to", args->compare_to,
                    "after the run, compare with this result file, or the matching file in this folder");
    cmd->add_option("--precision", args->precision, "fp16 (as the published runs) or fp32 logits")
        ->capture_default_str();
    cmd->add_flag("--overwrite", args->overwrite,
                  "replace a result file that holds another measurement (default: refuse, naming what differs)");
    cmd->add_flag("--quiet", args->quiet, "no progress or summary on stderr");
    cmd->callback([args] { run_eval(*args); });
}

}  // namespace pe::cli
