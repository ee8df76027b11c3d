// Stopping a sweep cleanly (issue #14): SIGUSR1 (Slurm's warning before the time limit or a
// preemption, `--signal=B:USR1@...`), SIGTERM and SIGINT set a flag; the cell being scored stops at
// its next batch, its finished requests are already in its checkpoint (flushed line by line and
// synced when the store closes), and the process exits with stop_exit_code() so that the requeued
// array task resumes exactly there. Outside a cell (downloading, converting) the process exits at
// once: downloads resume from their part files and conversions restart.
#pragma once

namespace pe::cli {

// Exit code for "stopped by SIGUSR1: requeue me" (EX_TEMPFAIL); the batch script requeues on it.
inline constexpr int requeue_exit_code = 75;

void install_stop_handlers();
bool stop_requested();
// The exit code for the signal received: 75 for SIGUSR1, 128 + the signal otherwise.
int stop_exit_code();
// While a cell is being scored the handler only sets the flag (the sweep loop then exits once the
// cell's checkpoint is closed); elsewhere it exits the process at once.
void set_scoring(bool scoring);

// Thrown from the evaluator's progress callback when a stop was requested.
struct StopRequested {};

}  // namespace pe::cli
