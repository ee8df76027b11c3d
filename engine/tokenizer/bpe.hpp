// Byte-level BPE by merge rank (neox-gguf-tokenizer.md §4.3 step 3), with a cache of finished
// pre-tokens: in running text the same few thousand words come back again and again.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/tokenizer/vocabulary.hpp"

namespace pe::tokenizer {

class Bpe {
public:
    // Resolves every merge to ids; pe::Error (bad_input) names a merge whose parts or result
    // are not in the vocabulary, as HF refuses such a file.
    explicit Bpe(const Vocabulary& vocab);

    // Appends the ids of one pre-token given as raw UTF-8 bytes. Thread-safe.
    void encode_word(std::string_view bytes, std::vector<int32_t>& out) const;

private:
    struct Merge {
        int32_t rank;
        int32_t id;  // the merged token
    };
    static uint64_t pair_key(int32_t left, int32_t right) {
        return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    }
    void merge_word(std::string_view bytes, std::vector<int32_t>& out) const;

    std::array<int32_t, 256> byte_ids_{};  // id of each byte's single-character token, -1 if none
    std::unordered_map<uint64_t, Merge> merges_;

    // Finished words, sharded so that threads rarely wait on each other. Like HF's cache it
    // stops growing when full instead of evicting.
    struct StringHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct CacheShard {
        std::mutex mutex;
        std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> words;
    };
    static constexpr size_t n_cache_shards = 16;
    static constexpr size_t cache_words_per_shard = 4096;
    static constexpr size_t max_cached_word_bytes = 256;
    mutable std::array<CacheShard, n_cache_shards> cache_;
};

}  // namespace pe::tokenizer
