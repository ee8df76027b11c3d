// Packing and chunking of score requests (see pack.hpp).
#include "engine/backend/plan.hpp"

#include <algorithm>

namespace pe::backend {

namespace {

size_t common_prefix(std::span<const int32_t> a, std::span<const int32_t> b) {
    const size_t n = std::min(a.size(), b.size());
    size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

// Rows [first, first + n) at positions pos0.. attend to keys: positions < na in rows a0.., the rest
// in rows b0.. (the segment's own rows start at position na).
void add_segment(PackedBatch& out, uint32_t first, uint32_t n, uint32_t pos0, uint32_t a0, uint32_t na, uint32_t b0,
                 uint32_t block_rows) {
    for (uint32_t r = 0; r < n; r += block_rows)
        out.blocks.push_back({first + r, std::min(block_rows, n - r), a0, na, b0, pos0 + r});
}

}  // namespace

PackedBatch pack(std::span<const model::ScoreRequest> requests, uint32_t block_rows, bool share_prefixes) {
    PackedBatch out;
    size_t i = 0;
    while (i < requests.size()) {
        // the group [i, j) and its shared prefix length
        std::span<const int32_t> first_input = requests[i].input;
        size_t j = i + 1, shared = first_input.size();
        if (share_prefixes) {
            while (j < requests.size()) {
                const size_t l = common_prefix(first_input.first(shared), requests[j].input);
                const bool fixed = j > i + 1;
                if (l == 0 || (fixed && l < shared)) break;
                shared = l;
                ++j;
            }
        }
        const uint32_t prefix_row = out.n_rows();
        const uint32_t L = uint32_t(shared);
        for (uint32_t p = 0; p < L; ++p) {
            out.ids.push_back(first_input[p]);
            out.pos.push_back(p);
        }
        add_segment(out, prefix_row, L, 0, 0, 0, prefix_row, block_rows);
        for (size_t k = i; k < j; ++k) {
            const auto& in = requests[k].input;
            const uint32_t suffix_row = out.n_rows();
            const uint32_t n = uint32_t(in.size()) - L;
            for (uint32_t p = L; p < in.size(); ++p) {
                out.ids.push_back(in[p]);
                out.pos.push_back(p);
            }
            add_segment(out, suffix_row, n, L, prefix_row, L, suffix_row, block_rows);
            const auto& targets = requests[k].targets;
            const uint32_t first_scored = uint32_t(in.size() - targets.size());
            for (uint32_t t = 0; t < targets.size(); ++t) {
                const uint32_t p = first_scored + t;
                const uint32_t row = p < L ? prefix_row + p : suffix_row + (p - L);
                out.slots.push_back(row);
                out.slots.push_back(uint32_t(targets[t]));
                out.owners.push_back({uint32_t(k), t});
            }
        }
        i = j;
    }
    return out;
}

std::vector<std::pair<size_t, size_t>> plan_chunks(std::span<const model::ScoreRequest> requests, uint64_t max_rows) {
    std::vector<std::pair<size_t, size_t>> runs;
    size_t start = 0;
    uint64_t rows = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
        const uint64_t n = requests[i].input.size();
        if (i > start && rows + n > max_rows) {
            runs.emplace_back(start, i);
            start = i;
            rows = 0;
        }
        rows += n;
    }
    if (start < requests.size()) runs.emplace_back(start, requests.size());
    return runs;
}

ScoredRequests with_targets(const model::Batch& batch) {
    ScoredRequests out;
    for (size_t i = 0; i < batch.requests.size(); ++i)
        if (!batch.requests[i].targets.empty()) {
            out.requests.push_back(batch.requests[i]);
            out.index.push_back(i);
        }
    return out;
}

}  // namespace pe::backend
