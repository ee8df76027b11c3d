// tokenizer.json (HF tokenizers, BPE model) -> llama.cpp's tokenizer.ggml.* arrays
// (neox-gguf-tokenizer.md §4.2, §4.5): vocab_size tokens, padded with "[PAD{i}]" UNUSED entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pe::gguf { class Writer; }

namespace pe::convert {

// llama.cpp's llama_token_type values, as stored in tokenizer.ggml.token_type.
enum class TokenType : int32_t { normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

struct GgufVocab {
    std::vector<std::string> tokens;  // NORMAL in byte-level form ("Ġworld"); CONTROL/USER_DEFINED raw
    std::vector<int32_t> types;       // TokenType values
    std::vector<std::string> merges;  // "left right", in rank order
};

GgufVocab parse_hf_tokenizer(std::string_view json, uint32_t n_vocab, const std::string& file);
GgufVocab read_hf_tokenizer(const std::string& path, uint32_t n_vocab);

// The tokenizer.ggml.* keys llama.cpp writes for GPT-NeoX (§2.1): model "gpt2", pre "olmo",
// tokens, token_type, merges, bos/eos ids and unknown = eos (Pythia's unk_token is <|endoftext|>).
// Shared by convert and synth.
void add_tokenizer_keys(gguf::Writer& w, const GgufVocab& vocab, uint32_t bos_token_id, uint32_t eos_token_id);

}  // namespace pe::convert
