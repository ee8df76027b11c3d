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
    // A byte trie of the tokens' contents: walking it from a position visits every token that
    // starts there, so the last token seen on the walk is the longest match.
    struct Node {
        int32_t token_id = -1;
        std::vector<std::pair<uint8_t, int32_t>> children;  // few per node: linear search
    };
    std::vector<Node> nodes_;
    std::array<int32_t, 256> root_children_;  // first byte -> node, -1 if no token starts so
    size_t n_tokens_ = 0;
};

}  // namespace pe::tokenizer
