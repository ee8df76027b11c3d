// GGUF metadata keys of llama.cpp's gptneox convention, in one place (neox-gguf-tokenizer.md §2.1).
// Read by Model, written by synth and convert. The tensor names are in the tensor table (tensors.hpp).
#pragma once

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

}  // namespace pe::model::names
