// The options eval and sweep share, declared once so that both read them alike: what is measured
// (--tasks, --limit, --precision, --data-dir) and where it runs (--backend, --device,
// --device-memory-limit, --threads). Each writes straight into the settings the cell runs with.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/eval_run.hpp"

namespace pe::cli {

void add_measure_options(CLI::App& cmd, EvalSettings& settings);
void add_backend_options(CLI::App& cmd, EvalBackend& backend);

// The backend options back as arguments (those not at their defaults, --backend always), for a
// command line that must run the same way: a Slurm array task, the provenance's command.
std::vector<std::string> backend_args(const EvalBackend& backend);

}  // namespace pe::cli
