// `sweep --slurm` (issue #14): the sweep as ONE Slurm array job, one array task per shard. The batch
// script is written beside the results (<output>/slurm/sweep-<time>.sbatch) so it can be read and
// resubmitted by hand; each task runs `pythia-eval sweep` with the same grid and finds its shard in
// SLURM_ARRAY_TASK_ID. The script asks for USR1 some minutes before the time limit (and accepts it
// from `scancel --signal=USR1 --batch`), forwards it to pythia-eval, and requeues the task when
// pythia-eval stopped on it, so the task resumes from the checkpoints it left.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pe::cli {

struct SlurmArrayJob {
    std::vector<std::string> sweep_args;  // after `pythia-eval sweep`, absolute paths, no --slurm options
    size_t tasks = 1;                     // --shards
    size_t max_running = 0;               // --max-running (0: no limit)
    std::string sbatch_args;              // --slurm-args, as typed: extra `#SBATCH` options
    int warning_seconds = 300;            // --slurm-warning: USR1 this long before the time limit
    std::filesystem::path output;         // the results folder
};

// The batch script's text for `exe` (the pythia-eval binary).
std::string slurm_batch_script(const SlurmArrayJob& job, const std::filesystem::path& exe);

// Writes the script under <output>/slurm/, runs `sbatch --parsable` on it and returns the job id.
// Throws pe::Error naming sbatch's message when it refuses.
struct SlurmSubmission {
    std::string job_id;
    std::filesystem::path script;
};
SlurmSubmission submit_slurm_array(const SlurmArrayJob& job);

// 'it'\''s' quoting for a POSIX shell.
std::string shell_quote(const std::string& s);

}  // namespace pe::cli
