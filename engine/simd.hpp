// Sixteen fp32 lanes as one value (GCC's vector extension) and the math the CPU kernels need on
// them. Written once, in plain arithmetic, and compiled by each kernel's target clones (PE_CPU_CLONES)
// into one AVX-512 register, two AVX2 registers or four SSE registers: the same lanes and the same
// operations on every machine, so no intrinsics and no per-ISA copy of a kernel.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

namespace pe::simd {

constexpr int lanes = 16;
typedef float vfloat __attribute__((vector_size(lanes * sizeof(float))));
typedef int32_t vint __attribute__((vector_size(lanes * sizeof(int32_t))));
// Half of a vfloat's lanes widened to double, for sums that must not round as fp32 does.
typedef double vdouble __attribute__((vector_size(lanes / 2 * sizeof(double))));
typedef int64_t vlong __attribute__((vector_size(lanes / 2 * sizeof(int64_t))));

// The clones every hot kernel is built as, picked at load time for the running CPU: x86-64-v4
// (AVX-512), x86-64-v3 (AVX2 + FMA), and the baseline. v3 and v4 run the same fused operations in
// the same order, so their results are bit-identical.
#if defined(__x86_64__)
#define PE_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PE_CPU_CLONES
#endif

#define PE_INLINE inline __attribute__((always_inline))

PE_INLINE vfloat splat(float v) { return vfloat{} + v; }

PE_INLINE vfloat load(const float* p) {
    vfloat v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

PE_INLINE void store(float* p, vfloat v) { std::memcpy(p, &v, sizeof v); }

// Lane indexes 0..15, for masking the lanes past a row's end.
PE_INLINE vint iota() { return vint{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}; }

// The sum and the maximum of the lanes, in a fixed order (halves folded), the same on every target.
PE_INLINE float reduce_add(vfloat v) {
    float a[lanes];
    std::memcpy(a, &v, sizeof a);
    for (int w = lanes / 2; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) a[i] += a[i + w];
    return a[0];
}

PE_INLINE float reduce_max(vfloat v) {
    float a[lanes];
    std::memcpy(a, &v, sizeof a);
    for (int w = lanes / 2; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) a[i] = a[i] > a[i + w] ? a[i] : a[i + w];
    return a[0];
}

// e^x for x <= 0 (a softmax's x - max): Cody-Waite reduction x = n·ln2 + r, |r| <= ln2/2, then
// Cephes' degree-6 polynomial for e^r (max error ~1 ulp against std::exp on [-87, 0]), scaled by 2^n
// through the exponent bits. Below -87.3 (2^n would leave the normal range) it returns 0, which
// a softmax whose largest term is 1 cannot tell from e^x.
PE_INLINE vfloat exp_nonpositive(vfloat x) {
    const vfloat magic = splat(12582912.0f);  // 1.5·2^23: adding it rounds to an integer
    const vfloat t = x * 1.44269504088896341f + magic;
    const vfloat n = t - magic;
    vfloat r = x - n * 0.693359375f;  // ln2 in two parts, the first exact in 9 bits
    r = r - n * -2.12194440e-4f;
    vfloat p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const vfloat y = p * (r * r) + r + 1.0f;
    vint ti;
    std::memcpy(&ti, &t, sizeof ti);
    const vint scale_bits = (ti - 0x4B400000 + 127) << 23;  // 2^n as a float: n + 127 in the exponent
    vfloat scale;
    std::memcpy(&scale, &scale_bits, sizeof scale);
    return x < -87.3f ? splat(0.0f) : y * scale;
}

// Σ c[k]·T_k(t) for t in [-1, 1] (c[0] already halved), by Clenshaw's recurrence: stable in fp32,
// with rounding errors of the order of the largest |c[k]|.
PE_INLINE vfloat chebyshev(const float* c, int n, vfloat t) {
    vfloat b1 = {}, b2 = {};
    const vfloat t2 = t + t;
    for (int k = n - 1; k >= 1; --k) {
        const vfloat b0 = t2 * b1 - b2 + c[k];
        b2 = b1;
        b1 = b0;
    }
    return t * b1 - b2 + c[0];
}

// fp16_round (half.hpp) on every lane, bit for bit: round to nearest even at fp16's 11 significant
// bits, to multiples of 2^-24 below 2^-14 (fp16's subnormals), to infinity from 65520 up; NaN stays NaN.
PE_INLINE vfloat round_fp16(vfloat x) {
    vint u;
    std::memcpy(&u, &x, sizeof u);
    const vint sign = u & int32_t(0x80000000u), a = u & 0x7fffffff;
    // Normal fp16 range: drop the low 13 of fp32's 23 mantissa bits, ties to the even neighbour.
    const vint normal = (a + 0xfff + ((a >> 13) & 1)) & int32_t(0xffffe000u);
    // Subnormal range: adding 0.5 leaves exactly the 2^-24 grid in the mantissa, and the FPU rounds
    // to nearest even onto it.
    vfloat af;
    std::memcpy(&af, &a, sizeof af);
    const vfloat sub_f = (af + 0.5f) - 0.5f;
    vint sub;
    std::memcpy(&sub, &sub_f, sizeof sub);
    vint r = a < 0x38800000 ? sub : normal;     // 2^-14
    r = a >= 0x477ff000 ? vint{} + 0x7f800000 : r;  // 65520: rounds to infinity
    r = a > 0x7f800000 ? a : r;                   // NaN
    r |= sign;
    vfloat out;
    std::memcpy(&out, &r, sizeof out);
    return out;
}

// Lanes 0..7 and 8..15 of x, widened to double.
PE_INLINE vdouble low_to_double(vfloat x) {
    return __builtin_convertvector(__builtin_shufflevector(x, x, 0, 1, 2, 3, 4, 5, 6, 7), vdouble);
}
PE_INLINE vdouble high_to_double(vfloat x) {
    return __builtin_convertvector(__builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15), vdouble);
}

PE_INLINE double reduce_add(vdouble v) {
    double a[lanes / 2];
    std::memcpy(a, &v, sizeof a);
    for (int w = lanes / 4; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) a[i] += a[i + w];
    return a[0];
}

// e^x in double for x <= 0: x = n·ln2 + r with fdlibm's two-part ln2 (n·ln2_hi exact), e^r by its
// Taylor series to r^13 (truncation < 1e-17 for |r| <= ln2/2), times 2^n through the exponent bits.
// Within a few ulp of std::exp; 0 below -708, where 2^n leaves the normal range.
PE_INLINE vdouble exp_nonpositive(vdouble x) {
    const double magic = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer
    const vdouble t = x * 1.4426950408889634 + magic;
    const vdouble n = t - magic;
    const vdouble r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
    constexpr auto inv_factorial = [] {
        std::array<double, 14> c{};
        double f = 1;
        for (int k = 0; k < 14; ++k) c[size_t(k)] = 1.0 / (f *= (k ? k : 1));
        return c;
    }();
    vdouble p = vdouble{} + inv_factorial[13];
    for (int k = 12; k >= 0; --k) p = p * r + inv_factorial[size_t(k)];
    vlong tl;
    std::memcpy(&tl, &t, sizeof tl);
    const vlong scale_bits = (tl - 0x4338000000000000LL + 1023) << 52;
    vdouble scale;
    std::memcpy(&scale, &scale_bits, sizeof scale);
    return x < -708.0 ? vdouble{} : p * scale;
}

}  // namespace pe::simd
