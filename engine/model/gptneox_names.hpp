// GGUF metadata keys and tensor names of llama.cpp's gptneox convention, in one place
// (neox-gguf-tokenizer.md §2.1 keys, §2.2 tensor names). Read by Model, written by synth and convert.
#pragma once

#include <string>

namespace pe::model::names {

inline constexpr const char* architecture_key = "general.architecture";
inline constexpr const char* architecture = "gptneox";
inline constexpr const char* name_key = "general.name";
inline constexpr const char* file_type_key = "general.file_type";

inline constexpr const char* context_length = "gptneox.context_length";
inline constexpr const char* embedding_length = "gptneox.embedding_length";
inline constexpr const char* block_count = "gptneox.block_count";
inline constexpr const char* feed_forward_length = "gptneox.feed_forward_length";
inline constexpr const char* rope_dimension_count = "gptneox.rope.dimension_count";
inline constexpr const char* rope_freq_base = "gptneox.rope.freq_base";  // absent in llama.cpp files: 10000
inline constexpr const char* head_count = "gptneox.attention.head_count";
inline constexpr const char* use_parallel_residual = "gptneox.use_parallel_residual";
inline constexpr const char* layer_norm_epsilon = "gptneox.attention.layer_norm_epsilon";

inline constexpr const char* token_embd = "token_embd.weight";
inline constexpr const char* output_norm_w = "output_norm.weight";
inline constexpr const char* output_norm_b = "output_norm.bias";
inline constexpr const char* output = "output.weight";

// Per-layer tensors: "blk.<i>.<suffix>".
inline constexpr const char* attn_norm_w = "attn_norm.weight";
inline constexpr const char* attn_norm_b = "attn_norm.bias";
inline constexpr const char* attn_qkv_w = "attn_qkv.weight";
inline constexpr const char* attn_qkv_b = "attn_qkv.bias";
inline constexpr const char* attn_output_w = "attn_output.weight";
inline constexpr const char* attn_output_b = "attn_output.bias";
inline constexpr const char* ffn_norm_w = "ffn_norm.weight";
inline constexpr const char* ffn_norm_b = "ffn_norm.bias";
inline constexpr const char* ffn_up_w = "ffn_up.weight";
inline constexpr const char* ffn_up_b = "ffn_up.bias";
inline constexpr const char* ffn_down_w = "ffn_down.weight";
inline constexpr const char* ffn_down_b = "ffn_down.bias";

inline std::string layer_tensor(uint32_t layer, const char* suffix) {
    return "blk." + std::to_string(layer) + "." + suffix;
}

}  // namespace pe::model::names
