// Packing score requests into one row layout for a Vulkan forward pass (issue #4 batching): many
// sequences of different lengths back to back with no padding; requests that share a token prefix
// (the choices of one question) store and compute that prefix once and attend to its keys and values.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/model/backend.hpp"
#include "engine/vulkan/ops.hpp"

namespace pe::vulkan {

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

}  // namespace pe::vulkan
