// pythia-eval eval (issues #6, #13): score a checkpoint (.gguf, Hugging Face folder, or hub repo id
// with --step/--revision) on the five tasks and write the result JSON where results/layout names it,
// through one eval cell (cli/eval_run); optionally compare with a published file.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/eval_options.hpp"
#include "cli/eval_run.hpp"
#include "engine/error.hpp"
#include "results/compare.hpp"
#include "results/layout.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

struct EvalArgs {
    std::string model;
    std::optional<std::string> step, revision, name;
    EvalSettings settings;  // --tasks --limit --precision --data-dir (eval_options), and eval's own below
    EvalBackend backend;    // --backend --device --device-memory-limit --threads (eval_options)
    std::string compare_to;
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
    const EvalSettings& s = a.settings;
    const ModelRef ref = parse_model_ref(a.model, a.step, a.revision, a.name);
    check_eval_settings(s);  // every setting before any download or conversion

    LoadedModel model = load_model(ref, a.backend, s.quiet);
    const CellResult cell = run_eval_cell(model, s, own_command_line());

    if (!s.quiet) {
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
    add_measure_options(*cmd, args->settings);
    add_backend_options(*cmd, args->backend);
    cmd->add_flag("--log-samples", args->settings.log_samples,
                  "also write, per task, one JSON line per document with everything its metrics come from");
    cmd->add_option("--output", args->settings.output,
                    "results folder (published layout) or exactly this file when it ends in .json")
        ->capture_default_str();
    cmd->add_option("--compare-to", args->compare_to,
                    "after the run, compare with this result file, or the matching file in this folder");
    cmd->add_flag("--overwrite", args->settings.overwrite,
                  "replace a result file that holds another measurement (default: refuse, naming what differs)");
    cmd->add_flag("--quiet", args->settings.quiet, "no progress or summary on stderr");
    cmd->callback([args] { run_eval(*args); });
}

}  // namespace pe::cli
