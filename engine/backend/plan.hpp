// The batch planner both backends use (issue #4 batching, #15): score requests packed into one row
// layout, many sequences of different lengths back to back with no padding; requests that share a
// token prefix (the choices of one question) store and compute that prefix once and attend to its
// keys and values; only the scored positions (slots) are unembedded.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/model/backend.hpp"

namespace pe::backend {

// Query rows r0..r0+nq-1 at positions pos0.., attending to keys at positions j < na in rows a0 + j
// and the others in rows b0 + j - na. The layout is shaders/attention.comp's (8 words).
struct AttentionBlock {
    uint32_t r0, nq, a0, na, b0, pos0, unused0 = 0, unused1 = 0;
};

struct PackedBatch {
    std::vector<int32_t> ids;             // (T) token per row
    std::vector<uint32_t> pos;            // (T) position of the row in its sequence
    std::vector<AttentionBlock> blocks;   // query blocks of <= block_rows rows of one segment
    std::vector<uint32_t> slots;          // (S, 2): row, target, for every scored position
    struct Owner { uint32_t request, index; };
    std::vector<Owner> owners;            // (S): which request and target each slot answers
    uint32_t n_rows() const { return uint32_t(ids.size()); }
    uint32_t n_slots() const { return uint32_t(owners.size()); }
};

// Consecutive requests join a group when they share its whole prefix (the first two fix it as their
// common prefix, which must be non-empty); each group is laid out as prefix rows, then each member's
// remaining rows. share_prefixes = false lays every request out on its own.
PackedBatch pack(std::span<const model::ScoreRequest> requests, uint32_t block_rows, bool share_prefixes = true);

// Splits [0, n) into consecutive runs whose summed input lengths stay within max_rows (a longer
// request gets a run of its own).
std::vector<std::pair<size_t, size_t>> plan_chunks(std::span<const model::ScoreRequest> requests, uint64_t max_rows);

// The requests of a batch with at least one target, and their indexes in the batch.
struct ScoredRequests {
    std::vector<model::ScoreRequest> requests;
    std::vector<size_t> index;
};
ScoredRequests with_targets(const model::Batch& batch);

}  // namespace pe::backend
