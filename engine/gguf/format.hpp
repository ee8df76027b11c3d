// GGUF format constants (ggml docs/gguf.md; neox-gguf-tokenizer.md §3), one place for all of them.
//   u32 magic "GGUF" | u32 version (3; 2 read too) | u64 n_tensors | u64 n_kv
//   kv[n_kv]: string key, u32 value_type, value | tensor_info[n_tensors]: string name, u32 n_dims,
//   u64 ne[n_dims] (ne[0] contiguous), u32 type, u64 offset (from data start, aligned)
//   zero padding to general.alignment (default 32) | tensor data, each padded to the alignment.
// Strings are u64 length + bytes, no NUL. Arrays are u32 elem_type, u64 count, elements.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pe::gguf {

inline constexpr uint32_t magic = 0x46554747;  // bytes "GGUF"
inline constexpr uint32_t version_current = 3;
inline constexpr uint32_t default_alignment = 32;
inline constexpr uint32_t max_dims = 4;
inline constexpr uint64_t max_name_bytes = 63;  // ggml GGML_MAX_NAME - 1

enum class ValueType : uint32_t {
    u8 = 0, i8 = 1, u16 = 2, i16 = 3, u32 = 4, i32 = 5, f32 = 6, boolean = 7,
    string = 8, array = 9, u64 = 10, i64 = 11, f64 = 12,
};
std::optional<ValueType> value_type_from(uint32_t raw);
std::string_view value_type_name(ValueType t);

enum class TensorType : uint32_t { f32 = 0, f16 = 1, q4_0 = 2, q8_0 = 8, q6_k = 14, bf16 = 30 };

struct TypeTraits {
    uint32_t block_elems;  // elements per block along ne[0]
    uint32_t block_bytes;
    std::string_view name;  // "F32", "Q8_0", ...
};
// nullopt for any ggml type we do not read.
std::optional<TensorType> tensor_type_from(uint32_t raw);
const TypeTraits& type_traits(TensorType t);
std::optional<TensorType> tensor_type_from_name(std::string_view name);  // "f32", "q8_0", case-insensitive
// ggml's name for any type id ("Q4_K" for 12), so errors about types we do not read can name them;
// empty for ids ggml removed or never had.
std::string_view ggml_type_name(uint32_t raw);

// Aligns `offset` up to a multiple of `alignment` (a power of two).
constexpr uint64_t align_up(uint64_t offset, uint64_t alignment) {
    return offset + (alignment - offset % alignment) % alignment;
}

}  // namespace pe::gguf
