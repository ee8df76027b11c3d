// CPU reference ops (neox-gguf-tokenizer.md §1); formulas and shapes are in ops.hpp.
// Numerics per style.md §3: fp32 accumulation, two-pass variance, max-subtracted softmax, exact erf.
#include "engine/cpu/ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "engine/cpu/blas.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/model/quant.hpp"

namespace pe::cpu {
namespace {

// Row r of w as fp32. f32 rows are used in place; other types are dequantized into `buf`.
const float* weight_row(const model::Weight& w, uint64_t r, float* buf) {
    const std::byte* src = w.data.data() + r * model::row_bytes(w.type, w.cols());
    if (w.type == gguf::TensorType::f32) return reinterpret_cast<const float*>(src);
    model::dequantize_row(w.type, src, buf, w.cols());
    return buf;
}

// Eight independent partial sums: the compiler can keep them in vector registers without
// reassociating a single serial sum, and the rounding error stays that of short fp32 sums.
inline __attribute__((always_inline)) float dot(const float* a, const float* b, int64_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
    for (; i < n; ++i) acc[0] += a[i] * b[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

// Sum of n values in eight interleaved partial sums (as dot()).
inline __attribute__((always_inline)) float sum(const float* a, int64_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) acc[j] += a[i + j];
    for (; i < n; ++i) acc[0] += a[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

// Four rows of x against one weight row at once, so each weight element is loaded once per four
// tokens; the same eight-lane partial sums as dot().
inline __attribute__((always_inline)) void dot_4x1(const float* x0, const float* x1, const float* x2, const float* x3,
                    const float* w, int64_t n, float out[4]) {
    float a0[8] = {}, a1[8] = {}, a2[8] = {}, a3[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; ++j) {
            const float wv = w[i + j];
            a0[j] += x0[i + j] * wv;
            a1[j] += x1[i + j] * wv;
            a2[j] += x2[i + j] * wv;
            a3[j] += x3[i + j] * wv;
        }
    }
    for (; i < n; ++i) {
        a0[0] += x0[i] * w[i];
        a1[0] += x1[i] * w[i];
        a2[0] += x2[i] * w[i];
        a3[0] += x3[i] * w[i];
    }
    auto sum8 = [](const float* a) {
        return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
    };
    out[0] = sum8(a0);
    out[1] = sum8(a1);
    out[2] = sum8(a2);
    out[3] = sum8(a3);
}

// The hot loops, built twice: for AVX2 and for the baseline ISA, picked at load time. Both
// clones do the same fp32 operations in the same order (no FMA contraction), so results are
// bit-identical on every x86-64 machine; AVX2 only runs the eight lanes in one register.
// Column r of y (T, out) = x (T, in) · wr + bias, four tokens at a time.
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void matmul_one_row(const float* x, const float* wr, float bias, float* y_col, int64_t T,
                                int64_t in, int64_t out) {
    int64_t t = 0;
    for (; t + 4 <= T; t += 4) {
        float s[4];
        const float* xt = x + t * in;
        dot_4x1(xt, xt + in, xt + 2 * in, xt + 3 * in, wr, in, s);
        for (int k = 0; k < 4; ++k) y_col[(t + k) * out] = s[k] + bias;
    }
    for (; t < T; ++t) y_col[t * out] = dot(x + t * in, wr, in) + bias;
}

// One row of layernorm: the mean in dot()'s eight partial sums, the centred squares in eight more
// (element c in sum c % 8), then the affine map. Cloned as matmul_one_row is: the same operations in
// the same order on every x86-64 machine, AVX2 only holding the eight sums in one register.
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void layernorm_row(const float* xr, const float* w, const float* b, float* yr, int64_t C, float eps) {
    const float mean = sum(xr, C) / float(C);
    float sq[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t c = 0;
    for (; c + 8 <= C; c += 8)
        for (int j = 0; j < 8; ++j) {
            const float d = xr[c + j] - mean;
            sq[j] += d * d;
        }
    for (; c < C; ++c) {
        const float d = xr[c] - mean;
        sq[c % 8] += d * d;
    }
    const float var = sum(sq, 8) / float(C);
    const float inv_std = 1.0f / std::sqrt(var + eps);
    for (c = 0; c < C; ++c) yr[c] = (xr[c] - mean) * inv_std * w[c] + b[c];
}

}  // namespace

void embed(const model::Weight& table, std::span<const int32_t> ids, float* x) {
    const int64_t C = int64_t(table.cols());
    for (size_t t = 0; t < ids.size(); ++t) {
        float* dst = x + int64_t(t) * C;
        const float* row = weight_row(table, uint64_t(ids[t]), dst);
        if (row != dst) std::memcpy(dst, row, size_t(C) * sizeof(float));
    }
}

void layernorm(const float* x, const float* w, const float* b, float* y, int64_t T, int64_t C,
               float eps, int n_threads) {
    parallel_for(T, n_threads, 32, [&](int64_t t0, int64_t t1, int) {
        for (int64_t t = t0; t < t1; ++t) layernorm_row(x + t * C, w, b, y + t * C, C, eps);
    });
}

void matmul(const float* x, const model::Weight& w, const float* b, float* y, int64_t T,
            int n_threads) {
    const int64_t in = int64_t(w.cols()), out = int64_t(w.rows());
    if (const Blas* blas = Blas::get(); blas && w.type == gguf::TensorType::f32) {
        // More BLAS threads than cores only oversubscribes them; and OpenBLAS spins, rather than
        // failing, when its threads cannot start (--threads 512 under a process limit, issue #12).
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        blas->set_threads(std::min(resolve_threads(n_threads), cores));
        // The bias goes into y first and the product is accumulated onto it: one pass over y fewer
        // than zeroing it for the product and adding the bias after, and the same fp32 sum bit for bit.
        if (b)
            parallel_for(T, n_threads, 64, [&](int64_t t0, int64_t t1, int) {
                for (int64_t t = t0; t < t1; ++t) std::memcpy(y + t * out, b, size_t(out) * sizeof(float));
            });
        blas->gemm_nt(T, out, in, x, in, reinterpret_cast<const float*>(w.data.data()), in, y, out,
                      /*accumulate=*/b != nullptr);
        return;
    }
    // Blocks of output rows per work item: large enough to amortise the dequantization of a row
    // over all T tokens, small enough to balance two threads on the narrowest layer.
    constexpr int64_t rows_per_item = 16;
    const int workers = resolve_threads(n_threads);
    std::vector<std::vector<float>> row_buf(static_cast<size_t>(workers), std::vector<float>(static_cast<size_t>(in)));
    parallel_for(out, workers, rows_per_item, [&](int64_t r0, int64_t r1, int thread) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* wr = weight_row(w, uint64_t(r), row_buf[size_t(thread)].data());
            matmul_one_row(x, wr, b ? b[r] : 0.0f, y + r, T, in, out);
        }
    });
}

void qkv_rotary(float* qkv, int64_t T, int64_t H, int64_t D, int64_t R, float base, int64_t pos0) {
    std::vector<uint32_t> pos(static_cast<size_t>(T));
    for (int64_t t = 0; t < T; ++t) pos[size_t(t)] = uint32_t(pos0 + t);
    qkv_rotary_at(qkv, pos.data(), T, H, D, R, base, 1);
}

void qkv_rotary_at(float* qkv, const uint32_t* pos, int64_t T, int64_t H, int64_t D, int64_t R, float base,
                   int n_threads) {
    const int64_t C = H * D, half = R / 2;
    // inv_freq in fp32 exactly as HF builds it: 1.0 / base ** (arange(0, R, 2).float() / R).
    std::vector<float> inv_freq(static_cast<size_t>(half));
    for (int64_t i = 0; i < half; ++i)
        inv_freq[size_t(i)] = 1.0f / std::pow(base, float(2 * i) / float(R));
    parallel_for(T, n_threads, 32, [&](int64_t t0, int64_t t1, int) {
        std::vector<float> cos_t(static_cast<size_t>(half)), sin_t(static_cast<size_t>(half));
        for (int64_t t = t0; t < t1; ++t) {
            for (int64_t i = 0; i < half; ++i) {
                const float theta = float(pos[t]) * inv_freq[size_t(i)];  // fp32, as HF's freqs
                cos_t[size_t(i)] = std::cos(theta);
                sin_t[size_t(i)] = std::sin(theta);
            }
            for (int64_t block = 0; block < 2; ++block) {  // Q, then K
                for (int64_t h = 0; h < H; ++h) {
                    float* v = qkv + t * 3 * C + block * C + h * D;
                    for (int64_t i = 0; i < half; ++i) {
                        const float x0 = v[i], x1 = v[i + half];
                        v[i] = x0 * cos_t[size_t(i)] - x1 * sin_t[size_t(i)];
                        v[i + half] = x1 * cos_t[size_t(i)] + x0 * sin_t[size_t(i)];
                    }
                }
            }
        }
    });
}

void add(const float* a, const float* b, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
}

}  // namespace pe::cpu
