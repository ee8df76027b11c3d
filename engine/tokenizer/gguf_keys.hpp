// GGUF tokenizer keys and token types in llama.cpp's convention (neox-gguf-tokenizer.md §2.1,
// §4.5), in one place for the reader here and the converter that writes them.
#pragma once

#include <cstdint>
#include <string_view>

namespace pe::tokenizer::gguf_keys {

inline constexpr std::string_view model = "tokenizer.ggml.model";            // "gpt2" (byte-level BPE)
inline constexpr std::string_view pre = "tokenizer.ggml.pre";                // "olmo" for Pythia
inline constexpr std::string_view tokens = "tokenizer.ggml.tokens";          // array[string]
inline constexpr std::string_view token_type = "tokenizer.ggml.token_type";  // array[int32]
inline constexpr std::string_view merges = "tokenizer.ggml.merges";          // array[string] "a b"
inline constexpr std::string_view bos_token_id = "tokenizer.ggml.bos_token_id";
inline constexpr std::string_view eos_token_id = "tokenizer.ggml.eos_token_id";
inline constexpr std::string_view unknown_token_id = "tokenizer.ggml.unknown_token_id";

}  // namespace pe::tokenizer::gguf_keys

namespace pe::tokenizer {

// llama.cpp's llama_token_type. NORMAL text is byte-level ("Ġworld"); CONTROL and USER_DEFINED
// text is raw ("<|endoftext|>", "  "); UNUSED fills ids up to the padded vocabulary ("[PAD50277]").
enum class GgufTokenType : int32_t { undefined = 0, normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

}  // namespace pe::tokenizer
