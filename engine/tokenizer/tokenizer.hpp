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

class Tokenizer {
public:
    static Tokenizer from_json_file(const std::string& path);
    static Tokenizer from_gguf(const gguf::Reader& reader);

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    // No special tokens added (lm-eval's add_special_tokens=False). Thread-safe.
    std::vector<int32_t> encode(std::string_view text) const;
    std::string decode(std::span<const int32_t> ids) const;
    size_t vocab_size() const;  // usable ids (50277 for GPT-NeoX-20B)

private:
    struct Impl;
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace pe::tokenizer
