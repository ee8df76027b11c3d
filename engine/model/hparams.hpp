// GPT-NeoX hyper-parameters (neox-gguf-tokenizer.md §1.8, §2.1), with the shape letters of style.md §2.
#pragma once

#include <cstdint>

namespace pe::model {

struct HParams {
    uint32_t n_vocab = 0;  // padded vocab Vp = token_embd ne[1] (50304 for most Pythia sizes)
    uint32_t n_ctx = 2048;
    uint32_t n_embd = 0;   // C
    uint32_t n_layer = 0;  // L
    uint32_t n_head = 0;   // H
    uint32_t n_rot = 0;    // R, rotary dims per head
    uint32_t n_ff = 0;     // F
    float norm_eps = 1e-5f;
    float rope_base = 10000.0f;
    bool parallel_residual = true;
    uint32_t head_dim() const { return n_embd / n_head; }  // D
};

}  // namespace pe::model
