// Runs the pythia-eval binary from a test: argument vector (no shell), environment overrides, an
// optional stdin file, stdout and stderr captured apart, exit status; or in the background, to
// interrupt it mid-run. The one way tests start the CLI.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace pe::test {

struct CliResult {
    int exit_code = -1;  // 128 + signal when killed
    bool timed_out = false;  // killed after CliLimits::timeout_s
    std::string out, err;
    std::string output;  // out then err, for tests that only look for a phrase
};

using Env = std::vector<std::pair<std::string, std::string>>;

// Bounds for hostile-input runs: a wall-clock timeout (then SIGKILL) and an address-space limit.
struct CliLimits {
    double timeout_s = 0;              // 0: wait for ever
    uint64_t address_space_bytes = 0;  // RLIMIT_AS of the child; 0: unchanged
};

CliResult run_cli(const std::vector<std::string>& args, const Env& env = {},
                  const std::filesystem::path& stdin_file = {}, const CliLimits& limits = {});
// Any program (a name looked up in PATH, or a path) run the same way: for the Slurm clients.
CliResult run_program(const std::vector<std::string>& argv, const Env& env = {},
                      const std::filesystem::path& stdin_file = {}, const CliLimits& limits = {});
// Starts the CLI with output discarded; returns its pid.
pid_t start_cli(const std::vector<std::string>& args, const Env& env = {});
int wait_cli(pid_t pid);  // exit code, or 128 + signal

std::string slurp(const std::filesystem::path& p);
// "info --json a.gguf" -> {"info", "--json", "a.gguf"}: split on spaces (test paths have none).
std::vector<std::string> words(const std::string& line);

}  // namespace pe::test
