// llama.cpp as a measurement peer for `bench --peer` (issue #15): its own `llama-bench` run on the
// same GGUF, prompt processing of the same length with the same thread count, read from its JSON
// output. llama.cpp is an outside program given by path; nothing of it is linked or copied here.
#pragma once

#include <string>

#include "engine/model/model.hpp"

namespace pe::cli {

struct PeerRun {
    std::string device;  // "b4748 (c392e509) CPU, 2 threads": the llama.cpp build that ran, as llama-bench reports it
    double tokens_per_s;  // llama-bench's mean over its repetitions (after its own untimed warm-up)
};

// Throws pe::Error (bad_input, field "--peer") when the path is not an executable file, so that a
// wrong path is reported before anything is measured.
void check_peer_program(const std::string& llama_bench);
// llama.cpp loads no model without its vocabulary: throws pe::Error (bad_input) naming the GGUF when
// it has no tokenizer.ggml.* keys, with the way to write them.
void check_peer_model(const model::Model& model);

// `llama-bench -m GGUF -p N_PROMPT -n 0 -t N_THREADS -r REPS -o json`. Throws pe::Error naming the
// program when it fails (its last stderr line, e.g. why llama.cpp refused the GGUF) or prints
// something other than llama-bench's JSON.
PeerRun run_llama_bench(const std::string& llama_bench, const std::string& gguf, int n_prompt, int n_threads, int reps);

}  // namespace pe::cli
