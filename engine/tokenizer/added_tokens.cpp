// Leftmost-longest added-token matching (HF's Aho-Corasick with MatchKind::LeftmostLongest,
// neox-gguf-tokenizer.md §4.3 step 1). A direct scan: a handful of tokens, bucketed by first byte.
#include "engine/tokenizer/added_tokens.hpp"

#include <algorithm>

namespace pe::tokenizer {

AddedTokenSplitter::AddedTokenSplitter(const std::vector<AddedToken>& tokens) {
    for (const auto& t : tokens) {
        by_first_byte_[uint8_t(t.content[0])].push_back({t.content, t.id});
        ++n_tokens_;
    }
    for (auto& bucket : by_first_byte_)
        std::stable_sort(bucket.begin(), bucket.end(),
                         [](const Candidate& a, const Candidate& b) { return a.content.size() > b.content.size(); });
}

void AddedTokenSplitter::split(std::string_view text, std::vector<Piece>& out) const {
    size_t start = 0;  // start of the pending ordinary text
    size_t i = 0;
    while (i < text.size()) {
        const auto& bucket = by_first_byte_[uint8_t(text[i])];
        const Candidate* hit = nullptr;
        for (const auto& c : bucket) {
            if (text.compare(i, c.content.size(), c.content) == 0) {
                hit = &c;
                break;
            }
        }
        if (!hit) {
            ++i;
            continue;
        }
        if (i > start) out.push_back({text.substr(start, i - start), -1});
        out.push_back({text.substr(i, hit->content.size()), hit->id});
        i += hit->content.size();
        start = i;
    }
    if (text.size() > start) out.push_back({text.substr(start), -1});
}

}  // namespace pe::tokenizer
