// The tokenizer's data, whichever file it came from: id -> token text, the BPE vocabulary and
// merges, and the added tokens (neox-gguf-tokenizer.md §4.2 tokenizer.json, §4.5 GGUF form).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pe::gguf { class Reader; }

namespace pe::tokenizer {

// An added token (tokenizer.json "added_tokens"). `normalized` ones are matched after NFC,
// the others on the raw text (§4.3 step 1).
struct AddedToken {
    int32_t id = 0;
    std::string content;  // raw text, not byte-level ("  ", "<|endoftext|>")
    bool special = false;
    bool normalized = false;
};

struct Vocabulary {
    std::string source;       // file name for error messages
    std::string merges_field;  // where the merges came from ("model.merges"), for error messages
    // Text of each id as HF's id_to_token gives it: byte-level for BPE tokens ("Ġworld"),
    // raw content for added tokens. `has_token[id]` is false for ids that name nothing.
    std::vector<std::string> tokens;
    std::vector<bool> has_token;
    std::unordered_map<std::string, int32_t> bpe_ids;        // BPE model vocabulary, byte-level text
    std::vector<std::pair<std::string, std::string>> merges;  // rank = index
    std::vector<AddedToken> added;
};

// tokenizer.json (HF tokenizers format). Throws pe::Error: io when unreadable, bad_input for
// malformed content, unsupported for a normalizer/pre-tokenizer/model this tokenizer cannot
// reproduce exactly.
Vocabulary vocabulary_from_json(const std::string& path);

// tokenizer.ggml.{model,tokens,token_type,merges} in llama.cpp's convention (§2.1, §4.5):
// NORMAL tokens byte-level, CONTROL (special) and USER_DEFINED (normalized) tokens raw,
// UNUSED padding entries skipped.
Vocabulary vocabulary_from_gguf(const gguf::Reader& reader);

}  // namespace pe::tokenizer
