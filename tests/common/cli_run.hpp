// Runs the pythia-eval binary from a test: environment overrides, captured output, exit status;
// or in the background, to interrupt it mid-run.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace pe::test {

struct CliResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

using Env = std::vector<std::pair<std::string, std::string>>;

CliResult run_cli(const std::vector<std::string>& args, const Env& env = {});
// Starts the CLI with output discarded; returns its pid.
pid_t start_cli(const std::vector<std::string>& args, const Env& env = {});
int wait_cli(pid_t pid);  // exit code, or 128 + signal

std::string slurp(const std::filesystem::path& p);

}  // namespace pe::test
