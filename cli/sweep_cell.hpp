// One cell of a sweep (a model at a step): where its result goes, whether it is already done,
// fetching and converting its checkpoint (on the prefetch thread), scoring it with the state the
// whole sweep shares, and removing the weights it brought onto the disk.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/backend_select.hpp"
#include "cli/hub_model.hpp"
#include "engine/file_lock.hpp"
#include "results/sweep_grid.hpp"

namespace pe::cli {

// eval's options, the same for every cell.
struct SweepSettings {
    std::vector<std::string> tasks;
    std::optional<size_t> limit;
    std::string precision = "fp16";
    std::string backend = "vulkan";
    BackendOptions backend_options;
    std::filesystem::path data_dir;
    std::filesystem::path output;
    bool keep_weights = false;
    bool quiet = false;
};

// A cell's name and files, computed without touching the network.
struct CellPaths {
    std::string label;               // "pythia-70m-deduped step 3000"
    ModelRef ref;                    // as eval's --model/--step would give
    std::filesystem::path result;    // the JSON eval would write for it
    std::filesystem::path lock;      // held while the cell is fetched and scored
    std::filesystem::path failed;    // "<result>.failed": the last error, while the cell is not done
    std::filesystem::path checkpoint;// eval's "<result>.checkpoint"
    std::filesystem::path owned;     // marker: this sweep fetched the checkpoint and removes it
};
CellPaths cell_paths(const results::SweepModel& model, const results::SweepCell& cell, const SweepSettings& s);

// The result file already holds every task of this sweep, for the same limit and precision.
bool cell_complete(const CellPaths& paths, const SweepSettings& s);

enum class CellState { ready, done, busy, missing, failed };

// What the prefetch thread hands the scoring loop.
struct PreparedCell {
    CellState state = CellState::failed;
    std::string error;                 // failed / missing: one line
    std::optional<FileLock> lock;      // ready: held until the cell is finished
    std::filesystem::path gguf;        // ready: the model to load
    std::string tokenizer_key;         // ready: equal keys tokenize equally
};

// Takes the cell's lock (busy when another process has it), rechecks completeness, then downloads
// and converts quietly. Never throws: errors become `failed` (or `missing` for a step the repo
// does not have).
PreparedCell prepare_cell(const CellPaths& paths, const SweepSettings& s);

// The sweep's shared state: the device (opened at the first cell) and the tokenizations of the
// task texts (the same 24,864 requests for every checkpoint with the same tokenizer).
class SweepShared {
public:
    explicit SweepShared(const SweepSettings& s) : settings_(s) {}
    vulkan::Device* device();
    const std::vector<int32_t>& encode(const std::string& tokenizer_key, std::string_view text,
                                       const std::function<std::vector<int32_t>(std::string_view)>& encoder);

private:
    const SweepSettings& settings_;
    std::unique_ptr<vulkan::Device> device_;
    bool device_opened_ = false;
    std::string memo_key_;
    std::unordered_map<std::string, std::vector<int32_t>> memo_;
};

struct CellOutcome {
    double wall_s = 0.0;
    uint64_t resumed_requests = 0;
};

// Scores a ready cell and writes its result as `eval` would (throws pe::Error; throws
// StopRequested when a stop signal arrived, after closing the checkpoint).
CellOutcome score_cell(const CellPaths& paths, const PreparedCell& prepared, const SweepSettings& s,
                       SweepShared& shared);

// After the cell (done or failed): removes the weights and the converted GGUF that this sweep
// fetched for it (the `owned` marker), unless --keep-weights. Local models' own files are never
// touched.
void release_cell_files(const CellPaths& paths, const SweepSettings& s);

}  // namespace pe::cli
