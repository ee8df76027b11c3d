// The weights the CPU forward pass reads: views into the model's GGUF, with the matrices stored in
// other types than f32 optionally unpacked to f32 once, so small-T calls (one scored position's
// unembedding) do not dequantize a whole matrix each time. Unpacking is exact: same values, same results.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/model/model.hpp"

namespace pe::cpu {

// token_embd stays the GGUF view: only T rows are read per call.
struct Weights : model::ModelWeights {
    model::HParams hparams;

    // The model's own tensors, nothing copied.
    static Weights view(const model::Model& model);
    // As view(), but every non-f32 matrix (qkv, attn_output, ffn_up, ffn_down, output) becomes an
    // f32 copy when all of them together fit `max_bytes`; otherwise the same as view().
    static Weights unpacked(const model::Model& model, uint64_t max_bytes, int n_threads);

    uint64_t unpacked_bytes() const;  // memory held by the f32 copies

private:
    std::vector<std::shared_ptr<std::vector<float>>> owned_;
};

}  // namespace pe::cpu
