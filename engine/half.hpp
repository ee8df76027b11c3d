// IEEE binary16 and bfloat16 conversions, round-to-nearest-even like torch's .half() and ggml's
// encoders. fp16_round() is how lm-eval's fp16 log-probs are reproduced (lm-eval-tasks.md §5).
#pragma once

#include <bit>
#include <cstdint>

namespace pe {

inline float fp16_to_f32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    const uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);  // inf / nan
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant == 0) {
        bits = sign;
    } else {  // subnormal: normalise
        int e = -1;
        do { ++e; mant <<= 1; } while ((mant & 0x400) == 0);
        bits = sign | uint32_t(112 - e) << 23 | ((mant & 0x3ff) << 13);
    }
    return std::bit_cast<float>(bits);
}

inline uint16_t f32_to_fp16(float f) {
    const uint32_t x = std::bit_cast<uint32_t>(f);
    const uint32_t sign = (x >> 16) & 0x8000;
    const uint32_t abs = x & 0x7fffffff;
    if (abs >= 0x7f800000) return uint16_t(sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));  // inf/nan
    if (abs >= 0x477ff000) return uint16_t(sign | 0x7c00);  // rounds to >= 65520: inf
    if (abs < 0x38800000) {  // below the smallest normal half: subnormal or zero
        if (abs < 0x33000000) return uint16_t(sign);  // < half of the smallest subnormal
        const uint32_t e = abs >> 23;
        const uint32_t m = (abs & 0x7fffff) | 0x800000;
        const uint32_t shift = 126 - e;  // 14..24
        uint32_t q = m >> shift;
        const uint32_t rem = m & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (rem > halfway || (rem == halfway && (q & 1))) ++q;
        return uint16_t(sign | q);
    }
    uint32_t h = ((abs - 0x38000000) >> 13);
    const uint32_t rem = abs & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;
    return uint16_t(sign | h);
}

inline float fp16_round(float f) { return fp16_to_f32(f32_to_fp16(f)); }

inline float bf16_to_f32(uint16_t b) { return std::bit_cast<float>(uint32_t(b) << 16); }

inline uint16_t f32_to_bf16(float f) {
    uint32_t u = std::bit_cast<uint32_t>(f);
    if ((u & 0x7fffffff) > 0x7f800000) return uint16_t((u >> 16) | 64);  // quiet nan
    return uint16_t((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

}  // namespace pe
