// Leftmost-longest added-token matching (HF's Aho-Corasick with MatchKind::LeftmostLongest,
// neox-gguf-tokenizer.md §4.3 step 1), by walking a byte trie of the tokens from each position.
#include "engine/tokenizer/added_tokens.hpp"


namespace pe::tokenizer {

AddedTokenSplitter::AddedTokenSplitter(const std::vector<AddedToken>& tokens) {
    root_children_.fill(-1);
    for (const auto& t : tokens) {
        int32_t node = root_children_[uint8_t(t.content[0])];
        if (node < 0) {
            node = root_children_[uint8_t(t.content[0])] = int32_t(nodes_.size());
            nodes_.emplace_back();
        }
        for (size_t k = 1; k < t.content.size(); ++k) {
            auto byte = uint8_t(t.content[k]);
            int32_t next = -1;
            for (auto [b, child] : nodes_[size_t(node)].children)
                if (b == byte) next = child;
            if (next < 0) {
                next = int32_t(nodes_.size());
                nodes_[size_t(node)].children.emplace_back(byte, next);
                nodes_.emplace_back();
            }
            node = next;
        }
        nodes_[size_t(node)].token_id = t.id;
        ++n_tokens_;
    }
}

void AddedTokenSplitter::split(std::string_view text, std::vector<Piece>& out) const {
    size_t start = 0;  // start of the pending ordinary text
    size_t i = 0;
    while (i < text.size()) {
        int32_t node = root_children_[uint8_t(text[i])];
        int32_t hit_id = -1;
        size_t hit_len = 0;
        for (size_t k = i + 1; node >= 0; ++k) {
            if (nodes_[size_t(node)].token_id >= 0) hit_id = nodes_[size_t(node)].token_id, hit_len = k - i;
            if (k == text.size()) break;
            int32_t next = -1;
            for (auto [b, child] : nodes_[size_t(node)].children)
                if (b == uint8_t(text[k])) next = child;
            node = next;
        }
        if (hit_id < 0) {
            ++i;
            continue;
        }
        if (i > start) out.push_back({text.substr(start, i - start), -1});
        out.push_back({text.substr(i, hit_len), hit_id});
        i += hit_len;
        start = i;
    }
    if (text.size() > start) out.push_back({text.substr(start), -1});
}

}  // namespace pe::tokenizer
