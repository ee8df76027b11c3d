// The grid a sweep walks (issue #14): models × training steps, and its deterministic split into
// work-balanced shards for Slurm array tasks. Pure functions of the arguments, so every array task
// computes the same plan on its own and no coordinator is needed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pe::results {

// The 154 checkpoints every Pythia repo has: 0, 1, 2, 4, ..., 512, then 1000, 2000, ..., 143000.
std::vector<long> pythia_steps_all();
// The 27 steps of the published zero-shot files (v1.1-evals/pythia-*/zero-shot).
std::vector<long> pythia_steps_published();
// 0 and the powers of two 1 ... 512.
std::vector<long> pythia_steps_log();

// "--steps": comma-separated items, each `all`, `published`, `log`, a step N, or a range A:B:S
// (A, A+S, ... up to and including B). Returns the union, ascending, without duplicates.
// Throws pe::Error (bad_input, field "--steps") naming the bad item.
std::vector<long> parse_steps(const std::string& spec);

// One "--models" item: `70m`, `160m-deduped`, `pythia-1.4b` expand to EleutherAI/pythia-*; a repo
// id stays as it is; an existing file or folder is a local model (one cell, no steps).
struct SweepModel {
    std::string arg;      // as typed
    std::string repo_id;  // hub models
    std::string path;     // local models (a .gguf or a Hugging Face folder)
    bool is_local() const { return !path.empty(); }
};
SweepModel parse_sweep_model(const std::string& item);
std::vector<SweepModel> parse_sweep_models(const std::vector<std::string>& items);

struct SweepCell {
    size_t model = 0;           // index into the model list
    std::optional<long> step;   // nullopt for a local model
    double cost = 1.0;          // parameters × tokens, in arbitrary units (see sweep_grid)
    bool operator==(const SweepCell&) const = default;
};

// Parameters of a model from its Pythia name ("pythia-1.4b-deduped" -> 1.4e9); a local model or a
// repo with another name counts as 70m (its size is unknown before it is downloaded).
double model_parameters(const SweepModel& model);

// The grid in walking order: models in the order given, each over the steps ascending (local
// models are one cell). Every cell of one sweep scores the same requests (same tasks and limit),
// so its cost is parameters × the same token count; `tokens_per_cell` scales them all alike.
std::vector<SweepCell> sweep_grid(const std::vector<SweepModel>& models, const std::vector<long>& steps,
                                  double tokens_per_cell = 1.0);

// "I/N" with 0 <= I < N.
struct Shard {
    size_t index = 0, count = 1;
};
Shard parse_shard(const std::string& spec);
// Inside a Slurm array task: SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) of
// SLURM_ARRAY_TASK_COUNT; nullopt outside one.
std::optional<Shard> shard_from_slurm_env();

// The cells of shard I of N, in grid order. Largest-cost-first onto the least-loaded shard (ties:
// grid order, lowest shard), so the shards are disjoint, cover the grid, and their total costs
// differ by at most one cell's cost.
std::vector<SweepCell> shard_cells(const std::vector<SweepCell>& grid, const Shard& shard);

}  // namespace pe::results
