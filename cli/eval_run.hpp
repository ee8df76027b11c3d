// One eval cell as a function: a loaded model (identity, GGUF, tokenizer, backend; loaded once and
// reused) scored on a task list with one set of settings, its result written to (or merged into)
// the one file results/layout names for it. `pythia-eval eval` is a thin layer over this; the sweep
// calls it per cell. Stable interface (CONTRACT.md); what it guarantees:
// - settings are checked before any work (check_eval_settings): one line naming the bad value;
// - finished requests go to a checkpoint keyed by content (weights/config/tokenizer hashes,
//   precision, window, data hashes), locked against a second writer, so a rerun resumes;
// - the result is written atomically under a lock on its folder, merged with a file of the same
//   measurement (a re-run task replaces only itself), and never over another measurement unless
//   settings.overwrite.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/backend_select.hpp"
#include "cli/eval_progress.hpp"
#include "cli/hub_model.hpp"
#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "results/model_identity.hpp"
#include "results/provenance.hpp"
#include "tasks/evaluator.hpp"

namespace pe::cli {

// The five tasks, in the order a default run writes them.
const std::vector<std::string>& default_task_names();

struct EvalSettings {
    std::vector<std::string> tasks = default_task_names();
    std::optional<size_t> limit;      // first N shuffled documents per task; >= 1
    std::string precision = "fp16";   // "fp16" (as the published runs) or "fp32"
    std::filesystem::path data_dir;   // empty: data::default_data_dir()
    std::string output = "results/json";  // a folder (the layout) or exactly this file when it ends in .json
    bool log_samples = false;         // per-document samples beside the JSON, one file per task
    bool overwrite = false;           // replace a file holding another measurement
    bool quiet = false;               // nothing on stderr
    // Called after each scored batch; it may throw to stop the cell (sweep does on SIGUSR1 and
    // SIGTERM): the finished requests are already in the checkpoint, which closes on the way out.
    std::function<void()> after_batch;
};

// A model ready to score: loaded once, shared by every cell run on it.
struct LoadedModel {
    results::ModelIdentity identity;
    std::string gguf;  // the file the weights are read from (the cache entry for a folder)
    std::unique_ptr<model::Model> model;
    std::shared_ptr<const tokenizer::Tokenizer> tokenizer;
    std::unique_ptr<model::Backend> backend;
    std::string backend_name;  // as chosen: "cpu", "vulkan", "vulkan:portable" ("auto" resolved)
    std::string backend_why;   // why "auto" chose it; empty otherwise
    // Text -> ids for the task requests; empty: the tokenizer's encode. A sweep sets one that
    // remembers each text's ids, so every checkpoint with the same tokenizer reuses them.
    tasks::Encoder encode;
};

struct EvalBackend {
    std::string name = "auto";  // "auto", "cpu", "vulkan", "vulkan:FEATURES"
    BackendOptions options;
};

// Fetches a hub repo (or reads a local path), resolves its identity, converts a folder once into the
// GGUF cache, loads model, tokenizer and backend. `previous`, when given and holding a tokenizer
// with the same tokenizer.json hash, lends its tokenizer instead of building another.
LoadedModel load_model(const ModelRef& ref, const EvalBackend& backend, bool quiet,
                       const LoadedModel* previous = nullptr);

// Every check that needs no model: known tasks, none listed twice, precision, limit >= 2 and no
// larger than any listed task, the data present and pinned. Throws pe::Error (one line).
void check_eval_settings(const EvalSettings& settings);
// Those of them that need no data either (what a Slurm submission checks on the login node).
void check_measure_settings(const EvalSettings& settings);

// Where a cell's result goes: settings.output itself when it ends in .json, else results::result_path.
std::filesystem::path result_file(const EvalSettings& settings, const results::ModelIdentity& identity);

// The measurement a cell would make (provenance without the run's machine, times and counts):
// what results::holds_measurement compares against a file.
results::Provenance planned_provenance(const results::ModelIdentity& identity, const EvalSettings& settings);

// Whether result_file(settings, identity) already holds every task of settings.tasks for this
// measurement: the sweep skips such a cell without loading the model.
bool cell_done(const results::ModelIdentity& identity, const EvalSettings& settings);

struct CellResult {
    std::filesystem::path file;           // the result JSON written
    std::vector<std::filesystem::path> samples_files;  // with log_samples: one per task
    tasks::EvalResult result;             // this run's tasks only
    results::Provenance provenance;       // as written (merged tasks included)
    std::vector<TaskTiming> timings;
    bool merged = false;                  // tasks of an earlier run of the same measurement kept
};

// Runs the tasks, writes (or merges) the result. `command_line` is recorded in the provenance.
// Throws pe::Error before any work when the file holds another measurement (unless overwrite) or
// another process is running the same cell (naming it).
CellResult run_eval_cell(LoadedModel& model, const EvalSettings& settings, const std::vector<std::string>& command_line);

}  // namespace pe::cli
