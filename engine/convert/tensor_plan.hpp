// Which Hugging Face tensor becomes which GGUF tensor (neox-gguf-tokenizer.md §2.2): names, the shape
// each must have, and whether its rows are re-ordered (the fused QKV, §2.3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/convert/hf_config.hpp"

namespace pe::convert {

struct PlannedTensor {
    std::string gguf_name;
    std::string hf_name;
    std::vector<uint64_t> hf_shape;  // torch order, outermost first
    bool is_matrix = false;          // 2-D weight: stored in the chosen dtype; else always F32
    bool qkv_reorder = false;        // rows (or bias elements) go from HF [H, 3, D] to [Q; K; V]
    std::vector<uint64_t> gguf_ne() const { return {hf_shape.rbegin(), hf_shape.rend()}; }
};

// Every GGUF tensor in file order: token_embd, then blk.0 .. blk.{L-1}, then output_norm, output.
std::vector<PlannedTensor> plan_tensors(const HfConfig& c);

// HF checkpoint entries that are not weights (old attention buffers); skipped without a word.
bool is_ignored_buffer(const std::string& hf_name);

// The fused-QKV row map: GGUF row t*C + h*D + d comes from HF row h*3D + t*D + d (§2.3).
inline uint64_t qkv_source_row(uint64_t gguf_row, uint64_t n_embd, uint64_t head_dim) {
    const uint64_t t = gguf_row / n_embd, h = (gguf_row % n_embd) / head_dim, d = gguf_row % head_dim;
    return h * 3 * head_dim + t * head_dim + d;
}

}  // namespace pe::convert
