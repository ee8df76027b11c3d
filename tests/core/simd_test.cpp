// engine/simd.hpp's lane math against the scalar functions it stands for: round_fp16 against
// fp16_round (half.hpp, itself checked against hand-worked bit patterns) on a sweep of every
// exponent with each fp16 tie and edge, the two exps against std::exp. The checks run in a
// PE_CPU_CLONES function, so they test the clone this machine's kernels run.
#include <boost/test/unit_test.hpp>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/half.hpp"
#include "engine/simd.hpp"

using pe::simd::lanes;
using pe::simd::vdouble;
using pe::simd::vfloat;

namespace {

// Bit patterns whose round_fp16 differs from fp16_round (NaN matching NaN).
PE_CPU_CLONES
std::vector<uint32_t> round_fp16_mismatches(const std::vector<uint32_t>& bits) {
    std::vector<uint32_t> bad;
    for (size_t i = 0; i + lanes <= bits.size(); i += lanes) {
        vfloat x;
        std::memcpy(&x, bits.data() + i, sizeof x);
        float got[lanes];
        pe::simd::store(got, pe::simd::round_fp16(x));
        for (int k = 0; k < lanes; ++k) {
            const float want = pe::fp16_round(std::bit_cast<float>(bits[i + size_t(k)]));
            if (std::bit_cast<uint32_t>(got[k]) != std::bit_cast<uint32_t>(want) && !(std::isnan(want) && std::isnan(got[k])))
                bad.push_back(bits[i + size_t(k)]);
        }
    }
    return bad;
}

// Largest relative error of the double exp over [lo, 0] against std::exp, and whether every x below
// -708 gives 0.
PE_CPU_CLONES
double exp_double_error(double lo, double step, bool& zero_below) {
    double worst = 0;
    zero_below = true;
    for (double x = lo; x <= 0; x += step) {
        double got[lanes / 2];
        const vdouble e = pe::simd::exp_nonpositive(vdouble{} + x);
        std::memcpy(got, &e, sizeof got);
        if (x < -708) {
            zero_below = zero_below && got[0] == 0;
            continue;
        }
        worst = std::max(worst, std::fabs(got[0] - std::exp(x)) / std::exp(x));
    }
    return worst;
}

// Largest error of the float exp over [-87, 0] in units of the last place of std::exp's result.
PE_CPU_CLONES
double exp_float_ulps(float step) {
    double worst = 0;
    for (float x = -87.0f; x <= 0; x += step) {
        float got[lanes];
        pe::simd::store(got, pe::simd::exp_nonpositive(pe::simd::splat(x)));
        const double want = std::exp(double(x));
        const float ulp = std::nextafter(float(want), INFINITY) - float(want);
        worst = std::max(worst, std::fabs(double(got[0]) - want) / double(ulp));
    }
    return worst;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(simd)

BOOST_AUTO_TEST_CASE(round_fp16_is_fp16_round_lane_for_lane) {
    // Every fp32 exponent and sign, and in each the mantissas that decide fp16's rounding: the ties
    // (low 13 bits 0x1000) with an even and an odd kept bit, one either side of them, the extremes;
    // plus a stride through all 2^32 patterns.
    std::vector<uint32_t> bits;
    for (uint32_t sign : {0u, 0x80000000u})
        for (uint32_t e = 0; e < 256; ++e)
            for (uint32_t m : {0x0u, 0x1u, 0xfffu, 0x1000u, 0x1001u, 0x3000u, 0x2fffu, 0x3001u, 0x7fe000u, 0x7fefffu,
                               0x7ff000u, 0x7fffffu, 0x400000u, 0x401000u, 0x3ff000u, 0x555555u})
                bits.push_back(sign | e << 23 | m);
    for (uint64_t b = 0; b < (1ull << 32); b += 65537) bits.push_back(uint32_t(b));
    bits.resize(bits.size() / lanes * lanes + lanes, 0x477fe000u);  // 65504: whole vectors
    const auto bad = round_fp16_mismatches(bits);
    BOOST_TEST(bad.empty(), bad.size() << " mismatches, the first at 0x" << std::hex << (bad.empty() ? 0 : bad[0]));
}

BOOST_AUTO_TEST_CASE(exp_in_double_within_two_ulp) {
    bool zero_below = false;
    const double worst = exp_double_error(-745.0, 0.0013, zero_below);
    BOOST_TEST(worst < 4.5e-16, "relative error " << worst);
    BOOST_TEST(zero_below);
}

BOOST_AUTO_TEST_CASE(exp_in_float_within_two_ulp) {
    const double worst = exp_float_ulps(0.0007f);
    BOOST_TEST(worst <= 2.0, worst << " ulp");
}

BOOST_AUTO_TEST_SUITE_END()
