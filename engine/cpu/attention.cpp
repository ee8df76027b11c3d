// attention / attention_blocks (ops.hpp): causal self-attention, one work item per (query block,
// head). Each item copies its head's keys once, transposed, and its values once, padded to whole
// vectors, then runs four queries at a time through three register-blocked loops: the scores against
// sixteen keys per vector, the max-subtracted softmax, and the weighted sum of values. Written on
// simd::vfloat, so the one kernel is built for AVX-512, AVX2 and the baseline.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/cpu/ops.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/simd.hpp"

namespace pe::cpu {
namespace {

using simd::lanes;
using simd::vfloat;

constexpr int64_t tile_queries = 4;  // queries per pass over the keys
constexpr int64_t max_chunk_vectors = 4;  // value dims per pass: 4 vectors (64 dims) x 4 queries in registers

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// One worker's copies of a head's keys and values, and a tile's scores.
struct Scratch {
    std::vector<float> keys_t;  // (D, nk_pad): key j's dim d at d * nk_pad + j, zero past the last key
    std::vector<float> values;  // (nk, D_pad): zero past dim D
    std::vector<float> scores;  // (tile_queries, nk_pad): scores, then unnormalised probabilities
};

// acc[i][c] += Σ_j p_i[j] · v_j[c·16 .. c·16+15] over keys j < n_keys, for NV vectors of value dims.
template <int NV>
PE_INLINE void weighted_values(const float* const* p, const float* values, int64_t D_pad, int64_t n_keys,
                               vfloat (&acc)[tile_queries][max_chunk_vectors]) {
    for (int64_t j = 0; j < n_keys; ++j) {
        const float* v = values + j * D_pad;
        vfloat vv[NV];
        for (int c = 0; c < NV; ++c) vv[c] = simd::load(v + c * lanes);
        for (int64_t i = 0; i < tile_queries; ++i) {
            const float pij = p[i][j];
            for (int c = 0; c < NV; ++c) acc[i][c] += pij * vv[c];
        }
    }
}

// The queries of one block and one head. Block rows r0 .. r0+nq-1 sit at positions pos0 ..; the
// query at position t attends to keys 0..t, key j < na in row a0 + j and the others in row b0 + j - na.
PE_CPU_CLONES
void attention_block_head(const float* qkv, float* out, const backend::AttentionBlock& bl, int64_t h, int64_t H,
                          int64_t D, float scale, Scratch& s) {
    const int64_t C = H * D, stride = 3 * C, D_pad = round_up(D, lanes);
    const int64_t n_keys = int64_t(bl.pos0) + bl.nq, nk_pad = round_up(n_keys, lanes);
    auto key_row = [&](int64_t j) { return j < int64_t(bl.na) ? int64_t(bl.a0) + j : int64_t(bl.b0) + j - bl.na; };

    float* keys_t = s.keys_t.data();
    float* values = s.values.data();
    for (int64_t j = 0; j < n_keys; ++j) {
        const float* k = qkv + key_row(j) * stride + C + h * D;
        for (int64_t d = 0; d < D; ++d) keys_t[d * nk_pad + j] = k[d];
        float* v = values + j * D_pad;
        std::memcpy(v, k + C, size_t(D) * sizeof(float));
        std::fill(v + D, v + D_pad, 0.0f);
    }
    for (int64_t d = 0; d < D; ++d) std::fill(keys_t + d * nk_pad + n_keys, keys_t + (d + 1) * nk_pad, 0.0f);

    for (int64_t q0 = 0; q0 < bl.nq; q0 += tile_queries) {
        const int64_t rows = std::min<int64_t>(tile_queries, bl.nq - q0);
        const int64_t tile_keys = int64_t(bl.pos0) + q0 + rows;  // the last query's keys
        const int64_t tile_keys_pad = round_up(tile_keys, lanes);
        // A tile short of four queries repeats its first; the extra rows are computed and dropped.
        const float* q[tile_queries];
        float* p[tile_queries];
        for (int64_t i = 0; i < tile_queries; ++i) {
            q[i] = qkv + (int64_t(bl.r0) + q0 + (i < rows ? i : 0)) * stride + h * D;
            p[i] = s.scores.data() + i * nk_pad;
        }

        // Scores: sixteen keys per vector, four queries sharing each load of the keys.
        for (int64_t jb = 0; jb < tile_keys_pad; jb += lanes) {
            vfloat acc[tile_queries] = {};
            for (int64_t d = 0; d < D; ++d) {
                const vfloat k = simd::load(keys_t + d * nk_pad + jb);
                for (int64_t i = 0; i < tile_queries; ++i) acc[i] += q[i][d] * k;
            }
            for (int64_t i = 0; i < tile_queries; ++i) simd::store(p[i] + jb, acc[i] * scale);
        }

        // Softmax: keys past a query's own position are masked to -inf, so e^(-inf) = 0 drops them.
        float inv_sum[tile_queries];
        for (int64_t i = 0; i < tile_queries; ++i) {
            const int32_t n_i = int32_t(bl.pos0 + q0 + i + 1);
            const vfloat neg_inf = simd::splat(-std::numeric_limits<float>::infinity());
            vfloat mx = neg_inf;
            for (int64_t jb = 0; jb < tile_keys_pad; jb += lanes) {
                vfloat v = simd::load(p[i] + jb);
                v = simd::iota() + int32_t(jb) < n_i ? v : neg_inf;
                simd::store(p[i] + jb, v);
                mx = v > mx ? v : mx;
            }
            const float m = simd::reduce_max(mx);
            vfloat sum = {};
            for (int64_t jb = 0; jb < tile_keys_pad; jb += lanes) {
                const vfloat e = simd::exp_nonpositive(simd::load(p[i] + jb) - m);
                simd::store(p[i] + jb, e);
                sum += e;
            }
            inv_sum[i] = 1.0f / simd::reduce_add(sum);
        }

        // Output: the weighted values, up to 64 dims per pass, divided by the sum at the end.
        for (int64_t dc = 0; dc < D_pad; dc += max_chunk_vectors * lanes) {
            vfloat acc[tile_queries][max_chunk_vectors] = {};
            const float* v = values + dc;
            switch (std::min<int64_t>(max_chunk_vectors, (D_pad - dc) / lanes)) {
                case 1: weighted_values<1>(p, v, D_pad, tile_keys, acc); break;
                case 2: weighted_values<2>(p, v, D_pad, tile_keys, acc); break;
                case 3: weighted_values<3>(p, v, D_pad, tile_keys, acc); break;
                default: weighted_values<4>(p, v, D_pad, tile_keys, acc); break;
            }
            const int64_t width = std::min<int64_t>(max_chunk_vectors * lanes, D - dc);
            for (int64_t i = 0; i < rows; ++i) {
                float o[max_chunk_vectors * lanes];
                for (int c = 0; c < max_chunk_vectors; ++c) simd::store(o + c * lanes, acc[i][c] * inv_sum[i]);
                std::memcpy(out + (int64_t(bl.r0) + q0 + i) * C + h * D + dc, o, size_t(width) * sizeof(float));
            }
        }
    }
}

}  // namespace

void attention(const float* qkv, float* out, int64_t T, int64_t H, int64_t D, int n_threads) {
    const backend::AttentionBlock whole{0, uint32_t(T), 0, 0, 0, 0};
    attention_blocks(qkv, out, std::span(&whole, 1), H, D, n_threads);
}

void attention_blocks(const float* qkv, float* out, std::span<const backend::AttentionBlock> blocks, int64_t H,
                      int64_t D, int n_threads) {
    const float scale = 1.0f / std::sqrt(float(D));
    const int workers = resolve_threads(n_threads);
    int64_t max_keys = 1;
    for (const backend::AttentionBlock& b : blocks) max_keys = std::max<int64_t>(max_keys, int64_t(b.pos0) + b.nq);
    const int64_t nk_pad = round_up(max_keys, lanes), D_pad = round_up(D, lanes);
    std::vector<Scratch> scratch(static_cast<size_t>(workers));
    // Items are (block, head), the later blocks of a sequence costing more; parallel_for hands them
    // out one at a time, which evens that out.
    parallel_for(int64_t(blocks.size()) * H, workers, 1, [&](int64_t i0, int64_t i1, int thread) {
        Scratch& s = scratch[size_t(thread)];
        if (s.keys_t.empty()) {
            s.keys_t.resize(size_t(D * nk_pad));
            s.values.resize(size_t(nk_pad * D_pad));
            s.scores.resize(size_t(tile_queries * nk_pad));
        }
        for (int64_t i = i0; i < i1; ++i)
            attention_block_head(qkv, out, blocks[size_t(i / H)], i % H, H, D, scale, s);
    });
}

}  // namespace pe::cpu
