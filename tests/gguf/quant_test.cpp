// dequantize_row / quantize_row against blocks built by hand from the layouts of
// neox-gguf-tokenizer.md §3.2; expected floats come from the layout formulas, not from quant.cpp.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "engine/error.hpp"
#include "engine/model/quant.hpp"
#include "tests/gguf/test_util.hpp"

using pe::gguf::TensorType;
using pe::model::dequantize_row;
using pe::model::quantize;

namespace {

void put16(std::vector<std::byte>& b, size_t at, uint16_t v) { std::memcpy(b.data() + at, &v, 2); }

// Reports like a diff: the largest error, its index and both values.
void check_close(const std::vector<float>& got, const std::vector<float>& want, float tol) {
    BOOST_REQUIRE_EQUAL(got.size(), want.size());
    float worst = 0.0f;
    size_t at = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        const float e = std::fabs(got[i] - want[i]);
        if (!(e <= worst)) { worst = e; at = i; }
    }
    BOOST_TEST(worst <= tol, "largest error " << worst << " at index " << at << ": got " << got[at]
                                              << ", want " << want[at] << " (tolerance " << tol << ")");
}

std::vector<float> decode(TensorType t, const std::vector<std::byte>& b, size_t n) {
    std::vector<float> y(n, -12345.0f);
    dequantize_row(t, b.data(), y.data(), n);
    return y;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quant)

BOOST_AUTO_TEST_CASE(f32_f16_bf16_decode_known_bits) {
    std::vector<std::byte> f32(8);
    const float vals[2] = {1.5f, -0.0625f};
    std::memcpy(f32.data(), vals, 8);
    check_close(decode(TensorType::f32, f32, 2), {1.5f, -0.0625f}, 0.0f);

    std::vector<std::byte> f16(6);
    put16(f16, 0, 0x3c00);  // 1.0
    put16(f16, 2, 0xc000);  // -2.0
    put16(f16, 4, 0x3555);  // 0x155/1024 * 2^-2 + 2^-2 = 0.333251953125
    check_close(decode(TensorType::f16, f16, 3), {1.0f, -2.0f, 0.333251953125f}, 0.0f);

    std::vector<std::byte> bf16(4);
    put16(bf16, 0, 0x3f80);  // 1.0
    put16(bf16, 2, 0xc040);  // -3.0
    check_close(decode(TensorType::bf16, bf16, 2), {1.0f, -3.0f}, 0.0f);
}

BOOST_AUTO_TEST_CASE(q8_0_decode_two_blocks) {
    std::vector<std::byte> b(2 * 34);
    put16(b, 0, 0x3800);   // d = 0.5
    put16(b, 34, 0xb400);  // d = -0.25
    std::vector<float> want(64);
    for (int j = 0; j < 32; ++j) {
        b[2 + j] = std::byte(uint8_t(int8_t(j - 16)));
        want[j] = float(j - 16) * 0.5f;
        b[34 + 2 + j] = std::byte(uint8_t(int8_t(j == 0 ? -128 : 127 - j)));
        want[32 + j] = float(j == 0 ? -128 : 127 - j) * -0.25f;
    }
    check_close(decode(TensorType::q8_0, b, 64), want, 0.0f);
}

BOOST_AUTO_TEST_CASE(q4_0_decode_low_nibbles_first) {
    std::vector<std::byte> b(18);
    put16(b, 0, 0x4000);  // d = 2.0
    std::vector<float> want(32);
    for (int j = 0; j < 16; ++j) {
        b[2 + j] = std::byte(uint8_t(j | ((15 - j) << 4)));
        want[j] = float(j - 8) * 2.0f;            // low nibble: element j
        want[j + 16] = float(15 - j - 8) * 2.0f;  // high nibble: element j + 16
    }
    check_close(decode(TensorType::q4_0, b, 32), want, 0.0f);
}

BOOST_AUTO_TEST_CASE(q6_k_decode_built_from_the_layout) {
    // One super-block from chosen 6-bit values q[i] and 16 scales: y[i] = d * scale[i/16] * (q[i]-32).
    // The bytes are placed as §3.2 describes: per 128-element half n and l < 32, elements l, l+32,
    // l+64, l+96 take the low nibble of ql[l], low of ql[l+32], high of ql[l], high of ql[l+32], and
    // bits 0-1, 2-3, 4-5, 6-7 of qh[l].
    std::vector<std::byte> b(210);
    std::vector<int> q(256);
    for (int i = 0; i < 256; ++i) q[i] = (i * 37 + 11) % 64;
    q[0] = 0, q[255] = 63;  // both extremes
    std::vector<uint8_t> ql(128, 0), qh(64, 0);
    for (int i = 0; i < 256; ++i) {
        const int n = i / 128, r = i % 128, g = r / 32, l = r % 32;
        const int lo = q[i] & 0x0f, hi = q[i] >> 4;
        const int qli = n * 64 + l + (g % 2 == 1 ? 32 : 0);
        ql[qli] |= uint8_t(g < 2 ? lo : lo << 4);
        qh[n * 32 + l] |= uint8_t(hi << (2 * g));
    }
    std::memcpy(b.data(), ql.data(), 128);
    std::memcpy(b.data() + 128, qh.data(), 64);
    int8_t scales[16];
    for (int s = 0; s < 16; ++s) scales[s] = int8_t(s % 2 ? -(s * 7) : s * 5 + 1);
    scales[15] = -128;
    std::memcpy(b.data() + 192, scales, 16);
    put16(b, 208, 0x3400);  // d = 0.25
    std::vector<float> want(256);
    for (int i = 0; i < 256; ++i) want[i] = 0.25f * float(scales[i / 16]) * float(q[i] - 32);
    BOOST_TEST(want[255] == 0.25f * -128.0f * 31.0f);
    BOOST_TEST(want[0] == 0.25f * 1.0f * -32.0f);
    check_close(decode(TensorType::q6_k, b, 256), want, 0.0f);
}

BOOST_AUTO_TEST_CASE(f16_bf16_encode_round_to_nearest_even) {
    const std::vector<float> x = {0.1f, 1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, -65504.0f};
    auto f16 = quantize(TensorType::f16, x);
    BOOST_REQUIRE_EQUAL(f16.size(), 8u);
    uint16_t h[4];
    std::memcpy(h, f16.data(), 8);
    BOOST_TEST(h[0] == 0x2e66);
    BOOST_TEST(h[1] == 0x3c04);  // 1 + 2^-8 is exact in fp16 (10 mantissa bits)
    BOOST_TEST(h[3] == 0xfbff);
    auto bf16 = quantize(TensorType::bf16, x);
    std::memcpy(h, bf16.data(), 8);
    BOOST_TEST(h[1] == 0x3f80);  // 1 + 2^-8 is the midpoint of 1 and 1 + 2^-7: ties to even
    BOOST_TEST(h[2] == 0x3f82);  // 1 + 3*2^-8 is the midpoint of 1+2^-7 (odd) and 1+2^-6: up
}

BOOST_AUTO_TEST_CASE(q8_0_encode_exact_case) {
    // amax 127 makes d exactly 1 (fp16 0x3c00), so q equals x for integer inputs.
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j) x[j] = float(j * 4 - 64);
    x[5] = -127.0f;
    const auto b = quantize(TensorType::q8_0, x);
    BOOST_REQUIRE_EQUAL(b.size(), 34u);
    uint16_t d;
    std::memcpy(&d, b.data(), 2);
    BOOST_TEST(d == 0x3c00);
    for (int j = 0; j < 32; ++j) BOOST_TEST(int(int8_t(b[2 + j])) == int(x[j]), "element " << j);
    // Rounding is half away from zero: 2.5 with d = 1 -> 3, -2.5 -> -3.
    x[0] = 2.5f;
    x[1] = -2.5f;
    const auto c = quantize(TensorType::q8_0, x);
    BOOST_TEST(int(int8_t(c[2])) == 3);
    BOOST_TEST(int(int8_t(c[3])) == -3);
    // An all-zero block has d = 0 and q = 0.
    const auto z = quantize(TensorType::q8_0, std::vector<float>(32, 0.0f));
    for (std::byte v : z) BOOST_TEST(int(v) == 0);
}

BOOST_AUTO_TEST_CASE(q8_0_round_trip_error_bound) {
    // |y - x| <= d/2 (rounding) + 127 * |fp16(d) - d| (scale stored in fp16, rel. error <= 2^-11).
    std::mt19937 rng(1234);
    std::normal_distribution<float> dist(0.0f, 0.02f);
    std::vector<float> x(32 * 64);
    for (float& v : x) v = dist(rng);
    for (int j = 0; j < 32; ++j) x[32 * 7 + j] = float(j) * 1000.0f;  // a wide block
    const auto b = quantize(TensorType::q8_0, x);
    const auto y = decode(TensorType::q8_0, b, x.size());
    float worst_ratio = 0.0f;
    size_t at = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        float amax = 0.0f;
        for (size_t j = i / 32 * 32; j < i / 32 * 32 + 32; ++j) amax = std::fmax(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float bound = d * 0.5f + 127.0f * d * 0x1p-11f;
        const float ratio = std::fabs(y[i] - x[i]) / bound;
        if (ratio > worst_ratio) worst_ratio = ratio, at = i;
    }
    BOOST_TEST(worst_ratio <= 1.0f, "error / bound " << worst_ratio << " at index " << at << ": got " << y[at]
                                                    << ", want " << x[at]);
}

BOOST_AUTO_TEST_CASE(q4_0_encode_exact_case) {
    // Largest magnitude -8 gives d = 1; q = trunc(x + 8.5), so x = j - 8 encodes as j.
    std::vector<float> x(32);
    for (int j = 0; j < 16; ++j) x[j] = float(j - 8), x[j + 16] = float(7 - j);
    const auto b = quantize(TensorType::q4_0, x);
    BOOST_REQUIRE_EQUAL(b.size(), 18u);
    uint16_t d;
    std::memcpy(&d, b.data(), 2);
    BOOST_TEST(d == 0x3c00);
    for (int j = 0; j < 16; ++j) BOOST_TEST(int(b[2 + j]) == (j | ((15 - j) << 4)), "byte " << j);
}

BOOST_AUTO_TEST_CASE(bad_sizes_and_values) {
    std::vector<std::byte> b(34);
    float y[33];
    BOOST_CHECK_THROW(dequantize_row(TensorType::q8_0, b.data(), y, 33), pe::Error);
    BOOST_CHECK_THROW(pe::model::row_bytes(TensorType::q6_k, 128), pe::Error);
    BOOST_TEST(pe::model::row_bytes(TensorType::q6_k, 512) == 420u);
    std::vector<float> x(32, 1.0f);
    x[3] = NAN;
    try {
        (void)quantize(TensorType::q8_0, x);
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == pe::ErrorKind::bad_input);
    }
    BOOST_CHECK_THROW((void)quantize(TensorType::q6_k, std::vector<float>(256, 0.0f)), pe::Error);
}

BOOST_AUTO_TEST_SUITE_END()
