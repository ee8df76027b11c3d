// CPU reference ops of the GPT-NeoX forward pass (neox-gguf-tokenizer.md §1), one function per op,
// named as in style.md §2. All activations are fp32 and row-major, outermost dim first. These are
// the reference the Vulkan shaders are tested against, so signatures stay plain pointers + sizes.
#pragma once

#include <cstdint>
#include <span>

#include "engine/backend/plan.hpp"
#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"

namespace pe::cpu {

// embed: x(T, C) = token_embd[ids[t]] for each position t. table (Vp, C) any weight type;
// ids must lie in [0, Vp) (checked by the caller).
void embed(const model::Weight& table, std::span<const int32_t> ids, float* x);

// layernorm: y = (x - mean) / sqrt(var + eps) * w + b, for each of T rows of C values.
// x, y (T, C) (may alias); w, b (C). fp32, variance in two passes (mean, then centred squares).
void layernorm(const float* x, const float* w, const float* b, float* y, int64_t T, int64_t C,
               float eps, int n_threads = 1);

// matmul: y(T, out) = x(T, in) · Wᵀ + b, with W = w (out, in) = GGUF ne {in, out} of any
// supported type, read one dequantized row at a time; b (out) f32 or nullptr. fp32 accumulation.
// y must not alias x. n_threads <= 0: all hardware threads. f32 weights go through OpenBLAS when it
// is installed (blas.hpp; its own accumulation order, fp32), other types through the built-in kernel.
void matmul(const float* x, const model::Weight& w, const float* b, float* y, int64_t T,
            int n_threads);

// qkv_rotary: in place on qkv (T, 3C), C = H·D, laid out [Q | K | V] with head h at [h·D, (h+1)·D)
// inside each block (neox-gguf-tokenizer.md §2.3). On the first R dims of each Q and K head, for
// i < R/2, position p = pos0 + t and θ_i = p · inv_freq_i with inv_freq_i = 1 / base^(2i/R) (fp32,
// as HF computes it): x'[i] = x[i]·cosθ_i − x[i+R/2]·sinθ_i, x'[i+R/2] = x[i+R/2]·cosθ_i + x[i]·sinθ_i
// (NeoX rotate-half pairing, §1.4). Dims ≥ R and V are unchanged.
void qkv_rotary(float* qkv, int64_t T, int64_t H, int64_t D, int64_t R, float base,
                int64_t pos0 = 0);
// The same with row t at position pos[t] (a packed batch, backend/plan.hpp).
void qkv_rotary_at(float* qkv, const uint32_t* pos, int64_t T, int64_t H, int64_t D, int64_t R, float base,
                   int n_threads);

// attention: causal self-attention on qkv (T, 3C) (layout as qkv_rotary) -> out (T, C), heads
// concatenated (feature h·D + d). For each head and query t: s_j = q_t·k_j / sqrt(D) for j <= t,
// p = softmax(s) (row max subtracted first, fp32), out_t = Σ_j p_j v_j.
void attention(const float* qkv, float* out, int64_t T, int64_t H, int64_t D, int n_threads);
// The same over a packed batch: each block's queries attend to the keys backend::AttentionBlock names.
void attention_blocks(const float* qkv, float* out, std::span<const backend::AttentionBlock> blocks, int64_t H,
                      int64_t D, int n_threads);

// gelu_erf: y = 0.5 · x · (1 + erf(x / sqrt(2))), exact erf (no tanh form). x, y (n), may alias.
void gelu_erf(const float* x, float* y, int64_t n, int n_threads = 1);

// add: y = a + b elementwise, (n) each; y may alias a or b.
void add(const float* a, const float* b, float* y, int64_t n);

}  // namespace pe::cpu
