// Runs another program without a shell (fork/exec, argv as given) and captures its output: sbatch
// for `sweep --slurm`, llama.cpp's llama-bench for `bench --peer`, gnuplot for the curves, node for
// `tokenize --bench`.
#pragma once

#include <string>
#include <vector>

namespace pe::io {

struct ProgramResult {
    int status = -1;  // exit status; 127: the program could not be started; 128 + signal when killed
    std::string out;  // stdout, or stdout and stderr interleaved when asked to merge them
    std::string err;  // stderr, empty when merged
};

// argv[0] is looked up in PATH unless it holds a '/'. stdin is /dev/null. Throws pe::Error (io)
// only when the pipes or the process cannot be created.
ProgramResult run_program(const std::vector<std::string>& argv, bool merge_stderr);

}  // namespace pe::io
