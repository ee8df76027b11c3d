// GGUF value-type and tensor-type tables (neox-gguf-tokenizer.md §3.1, §3.2).
#include "engine/gguf/format.hpp"

#include <array>
#include <cctype>

namespace pe::gguf {

std::optional<ValueType> value_type_from(uint32_t raw) {
    if (raw > uint32_t(ValueType::f64)) return std::nullopt;
    return ValueType(raw);
}

std::string_view value_type_name(ValueType t) {
    static constexpr std::array<std::string_view, 13> names = {
        "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};
    const auto i = uint32_t(t);
    return i < names.size() ? names[i] : "?";
}

namespace {
constexpr TypeTraits f32_traits{1, 4, "F32"};
constexpr TypeTraits f16_traits{1, 2, "F16"};
constexpr TypeTraits bf16_traits{1, 2, "BF16"};
constexpr TypeTraits q8_0_traits{32, 34, "Q8_0"};
constexpr TypeTraits q4_0_traits{32, 18, "Q4_0"};
constexpr TypeTraits q6_k_traits{256, 210, "Q6_K"};
}  // namespace

std::optional<TensorType> tensor_type_from(uint32_t raw) {
    switch (raw) {
        case uint32_t(TensorType::f32):
        case uint32_t(TensorType::f16):
        case uint32_t(TensorType::q4_0):
        case uint32_t(TensorType::q8_0):
        case uint32_t(TensorType::q6_k):
        case uint32_t(TensorType::bf16): return TensorType(raw);
        default: return std::nullopt;
    }
}

const TypeTraits& type_traits(TensorType t) {
    switch (t) {
        case TensorType::f32: return f32_traits;
        case TensorType::f16: return f16_traits;
        case TensorType::q4_0: return q4_0_traits;
        case TensorType::q8_0: return q8_0_traits;
        case TensorType::q6_k: return q6_k_traits;
        case TensorType::bf16: return bf16_traits;
    }
    return f32_traits;  // unreachable for values made by tensor_type_from
}

std::optional<TensorType> tensor_type_from_name(std::string_view name) {
    for (TensorType t : {TensorType::f32, TensorType::f16, TensorType::bf16, TensorType::q8_0,
                         TensorType::q4_0, TensorType::q6_k}) {
        const std::string_view n = type_traits(t).name;
        if (n.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < n.size(); ++i)
            same = same && std::tolower((unsigned char)n[i]) == std::tolower((unsigned char)name[i]);
        if (same) return t;
    }
    return std::nullopt;
}

std::string_view ggml_type_name(uint32_t raw) {
    // ggml's enum ggml_type (ggml.h), ids 0..42; empty for removed or unknown ids.
    static constexpr std::array<std::string_view, 43> names = {
        "F32", "F16", "Q4_0", "Q4_1", "", "", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
        "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
        "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16", "", "", "",
        "TQ1_0", "TQ2_0", "", "", "", "MXFP4", "NVFP4", "Q1_0", "Q2_0"};
    return raw < names.size() ? names[raw] : "";
}

}  // namespace pe::gguf
