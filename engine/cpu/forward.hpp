// The fp32 GPT-NeoX reference forward pass on the CPU (neox-gguf-tokenizer.md §1.2).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/backend/logprob.hpp"
#include "engine/backend/plan.hpp"
#include "engine/cpu/weights.hpp"
#include "engine/model/model.hpp"

namespace pe::cpu {

// Hidden states after the final layernorm, (T, C), for `ids` at positions 0..T-1. The caller
// checks 1 <= T <= n_ctx and 0 <= ids[t] < n_vocab. n_threads <= 0: all hardware threads.
std::vector<float> forward_hidden(const Weights& weights, std::span<const int32_t> ids,
                                  int n_threads);
// The same for every row of a packed batch (backend::pack): (n_rows, C).
std::vector<float> forward_hidden(const Weights& weights, const backend::PackedBatch& pb, int n_threads);
// Query rows per attention block when the CPU packs a batch (any value gives the same results).
constexpr uint32_t attention_block_rows = 64;
// The same on the model's own tensors (Weights::view).
std::vector<float> forward_hidden(const model::Model& model, std::span<const int32_t> ids,
                                  int n_threads);

// logits (n_rows, Vp) = hidden (n_rows, C) · output.weightᵀ (no bias: Pythia's embed_out has none).
void unembed(const Weights& weights, const float* hidden, int64_t n_rows, float* logits,
             int n_threads);

// The fused unembedding of scored rows: hidden (n_rows, C) times output.weight one vocabulary tile
// at a time, each tile's logits fed to slots[r] (one per row) while they are still in cache, so no
// full vocabulary row is ever stored.
void unembed_slots(const Weights& weights, const float* hidden, std::span<backend::SlotLogprob> slots,
                   int n_threads);

}  // namespace pe::cpu
