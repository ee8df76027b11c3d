// One cell of a sweep (a model at a step) over cli/eval_run: where its result goes, whether it is
// already done (without the network), fetching and converting its checkpoint (on the prefetch
// thread), scoring it with the state the whole sweep shares, and removing the weights it brought.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/eval_run.hpp"
#include "engine/io/file_lock.hpp"
#include "results/sweep_grid.hpp"

namespace pe::cli {

// eval's options, the same for every cell.
struct SweepSettings {
    EvalSettings eval;  // eval.output is the results folder
    EvalBackend backend;
    bool keep_weights = false;
    std::vector<std::string> command_line;  // recorded in each result's provenance
};

// A cell's name and files, computed without touching the network.
struct CellPaths {
    std::string label;                 // "pythia-70m-deduped step 3000"
    ModelRef ref;                      // as eval's --model/--step would give
    std::filesystem::path result;      // the JSON eval would write for it
    std::filesystem::path lock;        // held while the cell is fetched and scored
    std::filesystem::path failed;      // "<result>.failed": the last error, while the cell is not done
    std::filesystem::path checkpoint;  // eval's checkpoint for this task list
    std::filesystem::path owned;       // what this sweep fetched or converted for it, to remove after
};
CellPaths cell_paths(const results::SweepModel& model, const results::SweepCell& cell, const SweepSettings& s);

// The result file already holds every task of this sweep for the same measurement. A hub cell is
// judged by the repo and revision its file records (the weights of a revision do not change), so
// no request is made; a local model's weights are hashed as eval does.
bool cell_complete(const CellPaths& paths, const SweepSettings& s);

enum class CellState { ready, done, busy, missing, failed };

// What the prefetch thread hands the scoring loop.
struct PreparedCell {
    CellState state = CellState::failed;
    std::string error;             // failed / missing: one line
    std::optional<io::FileLock> lock;  // ready: held until the cell is finished
    results::ModelIdentity identity;
    std::string gguf;              // ready: the model to load
};

// Takes the cell's lock (busy when another process has it), rechecks completeness, then downloads
// and converts quietly. Never throws: errors become `failed` (or `missing` for a step the repo
// does not have).
PreparedCell prepare_cell(const CellPaths& paths, const SweepSettings& s);

// The sweep's shared state: the device (opened at the first cell, its pipelines built once), the
// last tokenizer, and the ids of every task text (the same requests for every checkpoint with the
// same tokenizer, so they are tokenized once per sweep).
class SweepShared {
public:
    explicit SweepShared(const SweepSettings& s) : settings_(s) {}
    LoadedModel load(const PreparedCell& cell);

private:
    const SweepSettings& settings_;
    std::unique_ptr<vulkan::Device> device_;
    bool device_opened_ = false;
    BackendChoice choice_;  // "auto" resolved once per sweep
    std::shared_ptr<const tokenizer::Tokenizer> tokenizer_;
    std::string tokenizer_sha256_;
    std::shared_ptr<std::unordered_map<std::string, std::vector<int32_t>>> memo_;
};

// Scores a ready cell and writes its result as `eval` would (throws pe::Error; throws
// StopRequested when a stop signal arrived, after the checkpoint is closed).
CellResult score_cell(const PreparedCell& prepared, const SweepSettings& s, SweepShared& shared);

// After the cell (done or failed): removes the weights and the converted GGUF that this sweep
// fetched for it (the `owned` record), unless --keep-weights. Local models' files are never touched.
// A GGUF equal to `in_use` (the next cell's) is not removed: it passes to that cell's record `heir`.
void release_cell_files(const CellPaths& paths, const SweepSettings& s, const std::string& in_use = {},
                        const std::filesystem::path& heir = {});

}  // namespace pe::cli
