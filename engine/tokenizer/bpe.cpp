// BPE merging (neox-gguf-tokenizer.md §4.3 step 3): repeatedly merge the adjacent pair with the
// lowest rank, the leftmost one on ties, exactly the order of HF's priority queue in word.rs.
#include "engine/tokenizer/bpe.hpp"

#include <functional>
#include <algorithm>

#include "engine/error.hpp"
#include "engine/tokenizer/byte_level.hpp"

namespace pe::tokenizer {

Bpe::Bpe(const Vocabulary& vocab) {
    for (int b = 0; b < 256; ++b) {
        auto it = vocab.bpe_ids.find(byte_level_encode(std::string_view(reinterpret_cast<const char*>(&b), 1)));
        byte_ids_[size_t(b)] = it == vocab.bpe_ids.end() ? -1 : it->second;
    }
    merges_.reserve(vocab.merges.size());
    for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
        // Named references, not a structured binding: clang 14 cannot capture those in a lambda.
        const std::string& left = vocab.merges[rank].first;
        const std::string& right = vocab.merges[rank].second;
        auto field = vocab.merges_field + "[" + std::to_string(rank) + "]";
        auto find = [&](const std::string& token) {
            auto it = vocab.bpe_ids.find(token);
            if (it == vocab.bpe_ids.end())
                throw_bad_input(vocab.source, field, "'" + left + " " + right + "': '" + token + "' is not in the vocabulary");
            return it->second;
        };
        int32_t l = find(left), r = find(right), merged = find(left + right);
        // A repeated pair keeps its last rank, as HF's map built from the list does.
        merges_[pair_key(l, r)] = Merge{int32_t(rank), merged};
    }
}

void Bpe::encode_word(std::string_view bytes, std::vector<int32_t>& out) const {
    if (bytes.size() > max_cached_word_bytes) {
        merge_word(bytes, out);
        return;
    }
    auto& shard = cache_[StringHash{}(bytes) % n_cache_shards];
    {
        std::lock_guard lock(shard.mutex);
        auto it = shard.words.find(bytes);
        if (it != shard.words.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    size_t first = out.size();
    merge_word(bytes, out);
    std::lock_guard lock(shard.mutex);
    if (shard.words.size() < cache_words_per_shard)
        shard.words.emplace(std::string(bytes), std::vector<int32_t>(out.begin() + ptrdiff_t(first), out.end()));
}

void Bpe::merge_word(std::string_view bytes, std::vector<int32_t>& out) const {
    struct Symbol {
        int32_t id, prev, next;  // prev/next: neighbouring live symbols, -1 at the ends
    };
    thread_local std::vector<Symbol> symbols;
    symbols.clear();
    for (unsigned char b : bytes) {
        // A byte without a token (only 0xC0, 0xC1, 0xF5..0xFF, never in valid UTF-8) is dropped,
        // as HF's BPE does when unk_token is null.
        if (byte_ids_[b] < 0) continue;
        int32_t i = int32_t(symbols.size());
        symbols.push_back({byte_ids_[b], i - 1, -1});
        if (i > 0) symbols[size_t(i - 1)].next = i;
    }
    if (symbols.empty()) return;

    // Min-heap of (rank, position of the left symbol): its top is the next merge.
    using Candidate = std::pair<int32_t, int32_t>;
    thread_local std::vector<Candidate> heap;
    heap.clear();
    auto push = [&](int32_t pos) {
        int32_t next = symbols[size_t(pos)].next;
        if (next < 0) return;
        auto it = merges_.find(pair_key(symbols[size_t(pos)].id, symbols[size_t(next)].id));
        if (it == merges_.end()) return;
        heap.push_back({it->second.rank, pos});
        std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    };
    for (int32_t i = 0; i + 1 < int32_t(symbols.size()); ++i) push(i);

    constexpr int32_t dead = -1;
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
        auto [rank, pos] = heap.back();
        heap.pop_back();
        Symbol& s = symbols[size_t(pos)];
        if (s.id == dead || s.next < 0) continue;
        // Stale entry: the pair at `pos` changed since it was queued (ranks name pairs uniquely).
        auto it = merges_.find(pair_key(s.id, symbols[size_t(s.next)].id));
        if (it == merges_.end() || it->second.rank != rank) continue;
        Symbol& right = symbols[size_t(s.next)];
        s.id = it->second.id;
        s.next = right.next;
        if (right.next >= 0) symbols[size_t(right.next)].prev = pos;
        right.id = dead;
        if (s.prev >= 0) push(s.prev);
        push(pos);
    }
    for (int32_t i = 0; i >= 0; i = symbols[size_t(i)].next) out.push_back(symbols[size_t(i)].id);
    if (symbols.capacity() > (size_t(1) << 16)) {  // a huge word: do not keep its buffers per thread
        symbols = {};
        heap = {};
    }
}

}  // namespace pe::tokenizer
