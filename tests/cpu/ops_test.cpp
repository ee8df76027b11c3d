// Each CPU op against an independent formula evaluated in double precision on fixed-seed inputs
// (style.md §7): odd sizes, layernorm rows with a large mean, GELU over [-8, 8], long positions.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "engine/backend/logprob.hpp"
#include "engine/cpu/ops.hpp"
#include "engine/half.hpp"
#include "engine/model/quant.hpp"
#include "tests/cpu/compare.hpp"

using pe::test::max_error;
using pe::test::random_normal;

namespace {

// A Weight (out, in) of `type` over bytes owned by the caller.
pe::model::Weight make_weight(pe::gguf::TensorType type, const std::vector<float>& w, uint64_t out,
                              uint64_t in, std::vector<std::byte>& storage) {
    storage = pe::model::quantize(type, w);
    return {"w", type, {in, out}, std::span<const std::byte>(storage)};
}

std::vector<double> matmul_reference(const std::vector<float>& x, const std::vector<float>& w,
                                     const std::vector<float>& b, int64_t T, int64_t out, int64_t in) {
    std::vector<double> y(size_t(T * out));
    for (int64_t t = 0; t < T; ++t)
        for (int64_t o = 0; o < out; ++o) {
            double s = b.empty() ? 0.0 : b[size_t(o)];
            for (int64_t k = 0; k < in; ++k) s += double(x[size_t(t * in + k)]) * w[size_t(o * in + k)];
            y[size_t(t * out + o)] = s;
        }
    return y;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cpu_ops)

BOOST_AUTO_TEST_CASE(layernorm_rows_with_large_mean) {
    const int64_t T = 5, C = 259;  // odd width
    auto x = random_normal(size_t(T * C), 1, 1000.0f, 1.5f);  // mean 1000: centring must be accurate
    auto w = random_normal(size_t(C), 2, 1.0f, 0.1f);
    auto b = random_normal(size_t(C), 3, 0.0f, 0.1f);
    std::vector<float> y(x.size());
    pe::cpu::layernorm(x.data(), w.data(), b.data(), y.data(), T, C, 1e-5f);

    std::vector<double> want(x.size());
    for (int64_t t = 0; t < T; ++t) {
        double mean = 0, var = 0;
        for (int64_t c = 0; c < C; ++c) mean += x[size_t(t * C + c)];
        mean /= double(C);
        for (int64_t c = 0; c < C; ++c) var += std::pow(x[size_t(t * C + c)] - mean, 2);
        var /= double(C);
        for (int64_t c = 0; c < C; ++c)
            want[size_t(t * C + c)] = (x[size_t(t * C + c)] - mean) / std::sqrt(var + 1e-5) * w[size_t(c)] + b[size_t(c)];
    }
    // An fp32 mean of values near 1000 is off by a few ulp(1000) = 6e-5 each: outputs of unit
    // scale (std 1.5 inputs) may move by about 1e-4.
    const auto e = max_error(y, want);
    BOOST_TEST(e.error < 3e-4, e.describe("layernorm"));

    // In place gives the same bits.
    std::vector<float> inplace = x;
    pe::cpu::layernorm(inplace.data(), w.data(), b.data(), inplace.data(), T, C, 1e-5f);
    BOOST_TEST(std::memcmp(inplace.data(), y.data(), y.size() * sizeof(float)) == 0);
}

BOOST_AUTO_TEST_CASE(gelu_erf_over_minus8_to_8) {
    std::vector<float> x;
    for (int i = 0; i <= 16000; ++i) x.push_back(-8.0f + float(i) * 0.001f);
    std::vector<float> y(x.size());
    pe::cpu::gelu_erf(x.data(), y.data(), int64_t(x.size()));
    std::vector<double> want(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        want[i] = 0.5 * double(x[i]) * (1.0 + std::erf(double(x[i]) / std::numbers::sqrt2));
    // fp32 erf is within a few ulp; relative 1e-6 of |y| plus 1e-7 absolute covers it and still
    // rejects the tanh form, which is off by up to ~5e-4 near |x| = 2.
    const auto e = max_error(y, want, 1.0);
    BOOST_TEST(e.error < 1e-6, e.describe("gelu_erf"));
    BOOST_TEST(y[0] == 0.0f);  // erf saturates: -8 * Φ(-8) ≈ -5e-15, below fp32's reach from 1 + erf
}

// Explicit NeoX formula in double: pairs (i, i + R/2), θ_i = p · base^(−2i/R).
std::vector<double> rotary_reference(const std::vector<float>& qkv, int64_t T, int64_t H, int64_t D,
                                     int64_t R, double base, int64_t pos0) {
    std::vector<double> out(qkv.begin(), qkv.end());
    const int64_t C = H * D;
    for (int64_t t = 0; t < T; ++t)
        for (int64_t blk = 0; blk < 2; ++blk)
            for (int64_t h = 0; h < H; ++h)
                for (int64_t i = 0; i < R / 2; ++i) {
                    const double theta = double(pos0 + t) * std::pow(base, -2.0 * double(i) / double(R));
                    const size_t a = size_t(t * 3 * C + blk * C + h * D + i), b = a + size_t(R / 2);
                    out[a] = qkv[a] * std::cos(theta) - qkv[b] * std::sin(theta);
                    out[b] = qkv[b] * std::cos(theta) + qkv[a] * std::sin(theta);
                }
    return out;
}

BOOST_AUTO_TEST_CASE(qkv_rotary_matches_explicit_formula) {
    const int64_t T = 13, H = 3, D = 80, R = 20;  // 2.8b's head: R/2 = 10 pairs, not a power of two
    const auto qkv = random_normal(size_t(T * 3 * H * D), 4);
    auto got = qkv;
    pe::cpu::qkv_rotary(got.data(), T, H, D, R, 10000.0f, 0);
    const auto want = rotary_reference(qkv, T, H, D, R, 10000.0, 0);
    // Small positions: the fp32 angle is exact to ~1e-7, so the output is too.
    const auto e = max_error(got, want);
    BOOST_TEST(e.error < 2e-6, e.describe("qkv_rotary, positions 0..12"));

    // Dims >= R of Q and K, and all of V, are untouched bit for bit.
    const int64_t C = H * D;
    for (int64_t t = 0; t < T; ++t)
        for (int64_t k = 0; k < 3 * C; ++k) {
            const int64_t within = k % D;
            if (k >= 2 * C || within >= R) BOOST_TEST_REQUIRE(got[size_t(t * 3 * C + k)] == qkv[size_t(t * 3 * C + k)]);
        }
}

BOOST_AUTO_TEST_CASE(qkv_rotary_at_long_positions) {
    const int64_t T = 6, H = 2, D = 32, R = 8, pos0 = 2042;  // the last positions of a 2048 context
    const auto qkv = random_normal(size_t(T * 3 * H * D), 5);
    auto got = qkv;
    pe::cpu::qkv_rotary(got.data(), T, H, D, R, 10000.0f, pos0);
    const auto want = rotary_reference(qkv, T, H, D, R, 10000.0, pos0);
    // HF forms θ = p · inv_freq in fp32, as we do; at p ≈ 2047 that angle carries an error up to
    // ~2047 · 2^-24 ≈ 1.2e-4 rad against the double formula, which bounds the output error per |x| ≈ 3.
    const auto e = max_error(got, want);
    BOOST_TEST(e.error < 6e-4, e.describe("qkv_rotary, positions 2042..2047"));
    BOOST_TEST(e.error > 0.0);  // positions really moved the values
}

// Causal attention in double over one sequence of T rows in qkv (T, 3C): query t sees keys 0..t.
namespace {

std::vector<double> attention_reference(const std::vector<float>& qkv, int64_t T, int64_t H, int64_t D) {
    const int64_t C = H * D;
    std::vector<double> want(size_t(T * C));
    for (int64_t h = 0; h < H; ++h)
        for (int64_t t = 0; t < T; ++t) {
            std::vector<double> s(size_t(t + 1));
            double mx = -INFINITY, sum = 0;
            for (int64_t j = 0; j <= t; ++j) {
                double d = 0;
                for (int64_t k = 0; k < D; ++k)
                    d += double(qkv[size_t(t * 3 * C + h * D + k)]) * qkv[size_t(j * 3 * C + C + h * D + k)];
                s[size_t(j)] = d / std::sqrt(double(D));
                mx = std::max(mx, s[size_t(j)]);
            }
            for (auto& v : s) sum += (v = std::exp(v - mx));
            for (int64_t k = 0; k < D; ++k) {
                double o = 0;
                for (int64_t j = 0; j <= t; ++j) o += s[size_t(j)] / sum * qkv[size_t(j * 3 * C + 2 * C + h * D + k)];
                want[size_t(t * C + h * D + k)] = o;
            }
        }
    return want;
}

}  // namespace

BOOST_AUTO_TEST_CASE(attention_matches_naive_double_softmax) {
    const int64_t T = 45, H = 3, D = 20, C = H * D;  // T: 11 tiles of four queries and one; D: not whole vectors
    const auto qkv = random_normal(size_t(T * 3 * C), 6, 0.0f, 2.0f);  // peaked softmax rows
    const auto want = attention_reference(qkv, T, H, D);
    for (int threads : {1, 2}) {
        std::vector<float> got(size_t(T * C));
        pe::cpu::attention(qkv.data(), got.data(), T, H, D, threads);
        // Scores of size ~20 in fp32 carry ~1e-6 error, exp amplifies it by the score itself.
        const auto e = max_error(got, want);
        BOOST_TEST(e.error < 2e-5, e.describe("attention, threads " + std::to_string(threads)));
    }
}

// Pythia's head sizes (64: 70m-410m, 80: 2.8b, 128: 1.4b/6.9b/12b, 256: 1b) over a sequence packed
// as the backends run it: query blocks of 64 rows, the first 37 rows a prefix stored apart from the
// rest (backend::AttentionBlock's a0/na and b0), so keys come from two places.
BOOST_AUTO_TEST_CASE(attention_blocks_at_pythia_head_sizes) {
    for (const int64_t D : {64, 80, 128, 256}) {
        const int64_t T = 150, H = 2, C = H * D, prefix = 37, gap = 5;
        const auto qkv = random_normal(size_t(T * 3 * C), 20 + uint32_t(D), 0.0f, 0.5f);
        const auto want = attention_reference(qkv, T, H, D);
        // Packed rows: the prefix, `gap` unused rows, then the rest of the sequence.
        std::vector<float> packed(size_t((T + gap) * 3 * C), NAN);
        std::copy_n(qkv.begin(), prefix * 3 * C, packed.begin());
        std::copy(qkv.begin() + prefix * 3 * C, qkv.end(), packed.begin() + (prefix + gap) * 3 * C);
        std::vector<pe::backend::AttentionBlock> blocks;
        for (uint32_t q0 = 0; q0 < prefix; q0 += 64)
            blocks.push_back({q0, std::min<uint32_t>(64, prefix - q0), 0, 0, 0, q0});
        for (uint32_t q0 = prefix; q0 < T; q0 += 64)
            blocks.push_back({uint32_t(q0 + gap), std::min<uint32_t>(64, uint32_t(T) - q0), 0, uint32_t(prefix),
                              uint32_t(prefix + gap), q0});
        std::vector<float> out(size_t((T + gap) * C), NAN);
        pe::cpu::attention_blocks(packed.data(), out.data(), blocks, H, D, 2);
        std::vector<float> got(out.begin(), out.begin() + prefix * C);
        got.insert(got.end(), out.begin() + (prefix + gap) * C, out.end());
        const auto e = max_error(got, want);
        BOOST_TEST(e.error < 2e-6, e.describe("attention_blocks, D " + std::to_string(D)));
    }
}

BOOST_AUTO_TEST_CASE(matmul_f32_against_double) {
    const int64_t T = 7, in = 67, out = 37;  // T not a multiple of the 4-token tile, odd widths
    const auto x = random_normal(size_t(T * in), 7);
    const auto w = random_normal(size_t(out * in), 8, 0.0f, 0.1f);
    const auto b = random_normal(size_t(out), 9);
    std::vector<std::byte> storage;
    const auto weight = make_weight(pe::gguf::TensorType::f32, w, uint64_t(out), uint64_t(in), storage);
    const auto want = matmul_reference(x, w, b, T, out, in);
    std::vector<float> y1(size_t(T * out)), y2(size_t(T * out));
    pe::cpu::matmul(x.data(), weight, b.data(), y1.data(), T, 1);
    pe::cpu::matmul(x.data(), weight, b.data(), y2.data(), T, 2);
    const auto e = max_error(y1, want);
    BOOST_TEST(e.error < 1e-5, e.describe("matmul f32"));
    // Threads split output rows only, so the sums are the same sums: bit-identical.
    BOOST_TEST(std::memcmp(y1.data(), y2.data(), y1.size() * sizeof(float)) == 0);

    std::vector<float> nobias(size_t(T * out));
    pe::cpu::matmul(x.data(), weight, nullptr, nobias.data(), T, 2);
    const auto want_nobias = matmul_reference(x, w, {}, T, out, in);
    BOOST_TEST(max_error(nobias, want_nobias).error < 1e-5);
}

BOOST_AUTO_TEST_CASE(matmul_reads_every_weight_type) {
    const int64_t T = 9, in = 96, out = 19;  // in: a multiple of the 32-element Q8_0/Q4_0 block
    const auto x = random_normal(size_t(T * in), 10);
    const auto w = random_normal(size_t(out * in), 11, 0.0f, 0.05f);
    const auto b = random_normal(size_t(out), 12);
    using pe::gguf::TensorType;
    for (TensorType type : {TensorType::f16, TensorType::bf16, TensorType::q8_0, TensorType::q4_0}) {
        std::vector<std::byte> storage;
        const auto weight = make_weight(type, w, uint64_t(out), uint64_t(in), storage);
        // Reference: the same stored values, decoded independently of matmul, multiplied in double.
        std::vector<float> decoded(w.size());
        const uint64_t rb = pe::model::row_bytes(type, uint64_t(in));
        for (int64_t o = 0; o < out; ++o)
            pe::model::dequantize_row(type, storage.data() + uint64_t(o) * rb, decoded.data() + o * in, uint64_t(in));
        if (type == TensorType::f16)  // and the decoding itself against half.hpp
            for (size_t i = 0; i < w.size(); ++i) BOOST_TEST_REQUIRE(decoded[i] == pe::fp16_round(w[i]));
        std::vector<float> y(size_t(T * out));
        pe::cpu::matmul(x.data(), weight, b.data(), y.data(), T, 2);
        const auto e = max_error(y, matmul_reference(x, decoded, b, T, out, in));
        BOOST_TEST(e.error < 1e-5, e.describe(std::string("matmul ") + std::string(pe::gguf::type_traits(type).name)));
    }
}

BOOST_AUTO_TEST_CASE(embed_copies_rows) {
    const int64_t V = 11, C = 64;
    const auto table = random_normal(size_t(V * C), 13);
    std::vector<std::byte> storage;
    const auto weight = make_weight(pe::gguf::TensorType::f16, table, uint64_t(V), uint64_t(C), storage);
    const std::vector<int32_t> ids = {3, 0, 10, 3};
    std::vector<float> x(ids.size() * size_t(C));
    pe::cpu::embed(weight, ids, x.data());
    for (size_t t = 0; t < ids.size(); ++t)
        for (int64_t c = 0; c < C; ++c)
            BOOST_TEST_REQUIRE(x[t * size_t(C) + size_t(c)] == pe::fp16_round(table[size_t(ids[t] * C + c)]));
}

BOOST_AUTO_TEST_CASE(add_elementwise) {
    const auto a = random_normal(101, 14), b = random_normal(101, 15);
    std::vector<float> y(101);
    pe::cpu::add(a.data(), b.data(), y.data(), 101);
    for (size_t i = 0; i < y.size(); ++i) BOOST_TEST_REQUIRE(y[i] == a[i] + b[i]);
}

BOOST_AUTO_TEST_CASE(unembed_logprob_fp32) {
    const int64_t V = 50304;
    auto logits = random_normal(size_t(V), 16, 0.0f, 3.0f);
    double mx = -INFINITY;
    for (float v : logits) mx = std::max(mx, double(v));
    double s = 0;
    for (float v : logits) s += std::exp(double(v) - mx);
    const double lse = mx + std::log(s);
    const int32_t target = 777;
    const auto r = pe::backend::unembed_logprob(logits.data(), V, target, pe::model::LogitPrecision::fp32);
    BOOST_TEST(std::abs(r.logsumexp - lse) < 1e-9);
    // fp32 lanes of 6288 exps each and (x - max) - log S in fp32, as PyTorch: a few ulp of |lp| ~ 15.
    BOOST_TEST(std::abs(double(r.logprob) - (double(logits[target]) - lse)) < 5e-6);
    BOOST_TEST(r.max == float(mx));
    BOOST_TEST(logits[size_t(r.argmax)] == r.max);
    BOOST_TEST(!r.is_argmax);

    // Ties go to the first index: two equal maxima.
    logits[100] = logits[200] = 100.0f;
    const auto first = pe::backend::unembed_logprob(logits.data(), V, 100, pe::model::LogitPrecision::fp32);
    const auto second = pe::backend::unembed_logprob(logits.data(), V, 200, pe::model::LogitPrecision::fp32);
    BOOST_TEST(first.argmax == 100);
    BOOST_TEST(first.is_argmax);
    BOOST_TEST(!second.is_argmax);
    BOOST_TEST(first.logprob == second.logprob);
}

// fp32 log-probs sum their exps as lm-eval's PyTorch CPU log_softmax did (backend::TorchLanes): on a
// peaked row the max's lane sits at 1.0 and drops every later exp below 2^-24, the other lanes keep
// theirs. One max at id 8 (lane 0) over tail logits 18 lower (exp = 1.5e-8): lane 0 loses 6286 of its
// 6288 ids, 9.6e-5 of the sum, which the exact sum would keep.
BOOST_AUTO_TEST_CASE(unembed_logprob_fp32_drops_what_torch_drops) {
    const int64_t V = 50304, per_lane = V / 8;
    for (int64_t max_id : {8, 5000 * 8 + 3}) {  // in the first 2048-id tile, and in a later one
        std::vector<float> logits(size_t(V), -18.0f);
        logits[size_t(max_id)] = 0.0f;
        const double e = std::exp(-18.0);
        const int64_t after = per_lane - 1 - max_id / 8;  // lane's ids after the max: each lost
        const double kept = double(V - 1 - after) * e;
        const double want = -18.0 - std::log1p(kept), exact = -18.0 - std::log1p(double(V - 1) * e);
        const auto r = pe::backend::unembed_logprob(logits.data(), V, 9, pe::model::LogitPrecision::fp32);
        BOOST_TEST(std::abs(double(r.logprob) - want) < 2e-6, "max at " << max_id << ": " << r.logprob << ", want " << want);
        BOOST_TEST(std::abs(want - exact) > 1e-5);  // the case tells the two sums apart
        // Fed a tile at a time, with the running max rescaling the lanes, the same value.
        pe::backend::SlotLogprob slot(9, pe::model::LogitPrecision::fp32);
        for (int64_t v0 = 0; v0 < V; v0 += 2048) slot.add_tile(logits.data() + v0, v0, std::min<int64_t>(2048, V - v0));
        BOOST_TEST(std::abs(slot.result().logprob - r.logprob) < 1e-6);
    }
}

BOOST_AUTO_TEST_CASE(unembed_logprob_fp16) {
    const int64_t V = 1000;
    auto logits = random_normal(size_t(V), 17, 0.0f, 2.0f);
    // 12.001 and 12.003 differ in fp32 but round to the same fp16 value (ulp 2^-7 there): in fp16
    // mode index 10 is the argmax (first index), in fp32 index 20 is.
    logits[10] = 12.001f;
    logits[20] = 12.003f;
    BOOST_REQUIRE(pe::fp16_round(logits[10]) == pe::fp16_round(logits[20]));
    using pe::model::LogitPrecision;
    const auto h10 = pe::backend::unembed_logprob(logits.data(), V, 10, LogitPrecision::fp16);
    const auto h20 = pe::backend::unembed_logprob(logits.data(), V, 20, LogitPrecision::fp16);
    const auto f20 = pe::backend::unembed_logprob(logits.data(), V, 20, LogitPrecision::fp32);
    BOOST_TEST(h10.is_argmax);
    BOOST_TEST(!h20.is_argmax);
    BOOST_TEST(f20.is_argmax);

    // The log-prob is fp16-rounded x16_t - logsumexp(x16); double here agrees to 1 fp16 ulp.
    double mx = -INFINITY, s = 0;
    for (float v : logits) mx = std::max(mx, double(pe::fp16_round(v)));
    for (float v : logits) s += std::exp(double(pe::fp16_round(v)) - mx);
    for (int32_t target : {0, 10, 321, 999}) {
        const auto r = pe::backend::unembed_logprob(logits.data(), V, target, LogitPrecision::fp16);
        const double want = double(pe::fp16_round(logits[size_t(target)])) - mx - std::log(s);
        BOOST_TEST(r.logprob == pe::fp16_round(r.logprob));  // an fp16 value
        BOOST_TEST(std::abs(double(r.logprob) - want) <= std::abs(want) * 0x1p-10,
                   "target " << target << ": got " << r.logprob << ", want " << want);
    }
}

BOOST_AUTO_TEST_SUITE_END()
