// Rows of weights to and from their stored types (neox-gguf-tokenizer.md §3.2): dequantize any type
// the reader accepts to f32; quantize f32 to the types the converter writes (ggml reference rounding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/gguf/format.hpp"

namespace pe::model {

// Bytes of a row of `n_elements` of `type`; n_elements must be a multiple of the block size
// (pe::Error kind internal otherwise: the reader has already checked ne[0] of every tensor).
uint64_t row_bytes(gguf::TensorType type, uint64_t n_elements);

// dst[0..n) = the values stored at src. Any reader type: F32, F16, BF16, Q8_0, Q4_0, Q6_K.
void dequantize_row(gguf::TensorType type, const std::byte* src, float* dst, uint64_t n_elements);

// dst[0..row_bytes(type, n)) = src[0..n) encoded as `type`: F32, F16, BF16 (round to nearest even),
// Q8_0 and Q4_0 (ggml's reference quantisers). Q6_K is read-only here: pe::Error kind unsupported.
void quantize_row(gguf::TensorType type, const float* src, std::byte* dst, uint64_t n_elements);
std::vector<std::byte> quantize(gguf::TensorType type, std::span<const float> src);

// The index of the first stored value that is NaN or infinite (for block types: the first element
// of a block whose scale is), or nullopt. `data` holds whole rows of `type`. NaN weights make every
// loglikelihood NaN, so the model loader refuses them up front.
std::optional<uint64_t> first_non_finite(gguf::TensorType type, std::span<const std::byte> data);

}  // namespace pe::model
