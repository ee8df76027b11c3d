// GPT-NeoX-20B BPE tokenizer with Hugging Face `tokenizers` semantics (neox-gguf-tokenizer.md §4):
// built from tokenizer.json or from a GGUF's tokenizer.ggml.* keys, identically.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pe::gguf { class Reader; }

namespace pe::tokenizer {

struct Vocabulary;  // engine/tokenizer/vocabulary.hpp

class Tokenizer {
public:
    static Tokenizer from_json_file(const std::string& path);
    static Tokenizer from_gguf(const gguf::Reader& reader);
    static Tokenizer from_vocabulary(Vocabulary vocab);  // what both of the above end in

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    // No special tokens added (lm-eval's add_special_tokens=False). Thread-safe.
    // `text` must be valid UTF-8. HF's Rust core only ever sees valid Unicode (a Rust &str):
    // its Python binding refuses other input (UnicodeEncodeError for lone surrogates), its Node
    // binding silently turns it into U+FFFD first. lm-eval is Python, so we refuse too: ill-formed
    // input throws pe::Error (bad_input, field "text", offset = first bad byte) rather than give
    // ids no published number was computed from.
    std::vector<int32_t> encode(std::string_view text) const;
    // Inverse of encode up to NFC, as HF's ByteLevel decoder: tokens -> bytes, then invalid UTF-8
    // (a split multi-byte character) becomes U+FFFD per maximal bad sequence. Added tokens give
    // their raw text. An id outside the vocabulary throws pe::Error (bad_input, field "ids[i]").
    std::string decode(std::span<const int32_t> ids) const;
    size_t vocab_size() const;  // usable ids (50277 for GPT-NeoX-20B)

private:
    struct Impl;
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace pe::tokenizer
