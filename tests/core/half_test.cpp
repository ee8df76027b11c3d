// fp16/bf16 conversions against IEEE binary16 bit patterns worked out by hand.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "engine/half.hpp"

BOOST_AUTO_TEST_SUITE(half)

BOOST_AUTO_TEST_CASE(known_bit_patterns) {
    BOOST_TEST(pe::f32_to_fp16(1.0f) == 0x3c00);
    BOOST_TEST(pe::f32_to_fp16(-2.0f) == 0xc000);
    BOOST_TEST(pe::f32_to_fp16(65504.0f) == 0x7bff);
    BOOST_TEST(pe::f32_to_fp16(65520.0f) == 0x7c00);     // rounds up to inf
    BOOST_TEST(pe::f32_to_fp16(0.1f) == 0x2e66);
    BOOST_TEST(pe::f32_to_fp16(5.9604645e-8f) == 0x0001);  // smallest subnormal
    BOOST_TEST(pe::f32_to_fp16(2.9802322e-8f) == 0x0000);  // exactly half of it: ties to even (0)
    BOOST_TEST(pe::f32_to_fp16(8.940697e-8f) == 0x0002);   // 1.5 ulp: ties to even (2)
    BOOST_TEST(pe::f32_to_fp16(std::numeric_limits<float>::infinity()) == 0x7c00);
    BOOST_TEST(pe::fp16_to_f32(0x3555) == 0.333251953125f);
    BOOST_TEST(pe::fp16_to_f32(0x0001) == 5.9604644775390625e-8f);
    BOOST_TEST(std::isnan(pe::fp16_to_f32(0x7e00)));
}

BOOST_AUTO_TEST_CASE(round_to_nearest_even_at_midpoints) {
    // 1 + 2^-11 lies exactly between 1 and 1 + 2^-10: ties to the even mantissa (1.0).
    BOOST_TEST(pe::fp16_round(1.0f + 0x1p-11f) == 1.0f);
    // 1 + 3*2^-11 lies between 1 + 2^-10 (odd) and 1 + 2^-9 (even): rounds up.
    BOOST_TEST(pe::fp16_round(1.0f + 3 * 0x1p-11f) == 1.0f + 0x1p-9f);
}

BOOST_AUTO_TEST_CASE(every_half_round_trips) {
    for (uint32_t h = 0; h < 0x10000; ++h) {
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue;  // nan payloads
        BOOST_TEST_REQUIRE(pe::f32_to_fp16(pe::fp16_to_f32(uint16_t(h))) == h);
    }
}

BOOST_AUTO_TEST_CASE(bf16) {
    BOOST_TEST(pe::f32_to_bf16(1.0f) == 0x3f80);
    BOOST_TEST(pe::bf16_to_f32(0x3f80) == 1.0f);
    BOOST_TEST(pe::f32_to_bf16(1.0f + 0x1p-8f) == 0x3f80);           // tie to even
    BOOST_TEST(pe::f32_to_bf16(1.0f + 3 * 0x1p-8f) == 0x3f82);       // tie to even (up)
}

BOOST_AUTO_TEST_SUITE_END()
