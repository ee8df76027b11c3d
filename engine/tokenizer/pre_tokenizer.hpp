// ByteLevel pre-tokenizer split (neox-gguf-tokenizer.md §4.3 step 2): GPT-2's regex, run by
// Oniguruma, the engine HF tokenizers itself uses, so \s, \p{L} and \p{N} mean exactly the same.
#pragma once

#include <string_view>
#include <vector>

namespace pe::tokenizer {

class PreTokenizer {
public:
    PreTokenizer();  // compiles the regex; pe::Error (internal) if Oniguruma refuses it
    ~PreTokenizer();
    PreTokenizer(const PreTokenizer&) = delete;
    PreTokenizer& operator=(const PreTokenizer&) = delete;

    // Appends the pre-tokens of valid UTF-8 `text` to `out`: every regex match and every gap
    // between matches ("Isolated" split), in order; together they cover `text`. Thread-safe.
    void split(std::string_view text, std::vector<std::string_view>& out) const;

private:
    void* regex_ = nullptr;  // OnigRegex, kept out of the header
};

// The pattern, verbatim from HF's byte_level.rs.
inline constexpr std::string_view gpt2_pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

}  // namespace pe::tokenizer
