// Sixteen fp32 lanes as one value (GCC's vector extension) and the math the CPU kernels need on
// them. Written once, in plain arithmetic, and compiled by each kernel's target clones (PE_CPU_CLONES)
// into one AVX-512 register, two AVX2 registers or four SSE registers: the same lanes and the same
// operations on every machine, so no intrinsics and no per-ISA copy of a kernel.
#pragma once

#include <cstdint>
#include <cstring>

// Every function here is inlined into a kernel's clone, so no vector ever crosses a call between code
// built for different targets; GCC's note that such a call would change the ABI does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace pe::cpu::simd {

constexpr int lanes = 16;
typedef float vfloat __attribute__((vector_size(lanes * sizeof(float))));
typedef int32_t vint __attribute__((vector_size(lanes * sizeof(int32_t))));

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

}  // namespace pe::cpu::simd
