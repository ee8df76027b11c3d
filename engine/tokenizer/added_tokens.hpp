// Splits text at added tokens the way HF's AddedVocabulary does (neox-gguf-tokenizer.md §4.3
// step 1): leftmost-longest, non-overlapping matches; the text between them is returned as is.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocabulary.hpp"

namespace pe::tokenizer {

// One piece of split text: an added token (id >= 0) or a run of ordinary text (id == -1).
struct Piece {
    std::string_view text;
    int32_t id = -1;
};

class AddedTokenSplitter {
public:
    AddedTokenSplitter() = default;
    explicit AddedTokenSplitter(const std::vector<AddedToken>& tokens);

    bool empty() const { return n_tokens_ == 0; }
    // Appends the pieces of `text`, in order, to `out`; text pieces are never empty.
    void split(std::string_view text, std::vector<Piece>& out) const;

private:
    struct Candidate {
        std::string content;
        int32_t id;
    };
    // Candidates by first byte, longest first, so the first hit at a position is the longest.
    std::array<std::vector<Candidate>, 256> by_first_byte_;
    size_t n_tokens_ = 0;
};

}  // namespace pe::tokenizer
