// gelu_erf (ops.hpp) on sixteen lanes at a time. erf comes from two Chebyshev fits made once, in
// double, from std::erf and std::erfc: erf(z) = z·f(z²) for |z| <= 2, with f(u) = erf(√u)/√u smooth
// on [0, 4], and erf(z) = 1 - erfc(z) for 2 < |z| < 4; beyond 4, erf(z) = ±1 in fp32. Both are
// within ~1e-7 absolute of the exact erf (ops_test.cpp holds it), as fp32's std::erf is.
#include <cmath>
#include <cstring>
#include <numbers>

#include "engine/cpu/ops.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/simd.hpp"

namespace pe::cpu {
namespace {

using simd::lanes;
using simd::vfloat;

struct ErfFit {
    static constexpr int n_small = 16, n_large = 20;
    float small[n_small];  // f(u) = erf(√u)/√u, u in [0, 4], as t = (u - 2) / 2
    float large[n_large];  // erfc(a), a in [2, 4], as t = a - 3
};

// Chebyshev coefficients of f on [lo, hi] from its values at the n Chebyshev nodes (c[0] halved).
template <class F>
void fit(F f, double lo, double hi, float* c, int n) {
    for (int k = 0; k < n; ++k) {
        double s = 0;
        for (int j = 0; j < n; ++j) {
            const double theta = std::numbers::pi * (j + 0.5) / n;
            s += f(0.5 * (lo + hi) + 0.5 * (hi - lo) * std::cos(theta)) * std::cos(k * theta);
        }
        c[k] = float((k == 0 ? 1.0 : 2.0) / n * s);
    }
}

const ErfFit& erf_fit() {
    static const ErfFit fit_once = [] {
        ErfFit e;
        fit([](double u) { return std::erf(std::sqrt(u)) / std::sqrt(u); }, 0.0, 4.0, e.small, ErfFit::n_small);
        fit([](double a) { return std::erfc(a); }, 2.0, 4.0, e.large, ErfFit::n_large);
        return e;
    }();
    return fit_once;
}

PE_INLINE vfloat clamp_unit(vfloat t) {
    t = t < -1.0f ? simd::splat(-1.0f) : t;
    return t > 1.0f ? simd::splat(1.0f) : t;
}

PE_INLINE vfloat gelu(vfloat x, const ErfFit& e) {
    const vfloat z = x * float(1.0 / std::numbers::sqrt2);
    const vfloat a = z < 0.0f ? -z : z;
    const vfloat u = a * a;
    const vfloat erf_small = a * simd::chebyshev(e.small, ErfFit::n_small, clamp_unit((u - 2.0f) * 0.5f));
    const vfloat erf_large = 1.0f - simd::chebyshev(e.large, ErfFit::n_large, clamp_unit(a - 3.0f));
    // NaN fails every comparison and takes the last branch, 1, which keeps y NaN.
    vfloat erf_a = a < 4.0f ? erf_large : simd::splat(1.0f);
    erf_a = a <= 2.0f ? erf_small : erf_a;
    const vfloat erf = z < 0.0f ? -erf_a : erf_a;
    return 0.5f * x * (1.0f + erf);
}

PE_CPU_CLONES
void gelu_range(const float* x, float* y, int64_t n, const ErfFit& e) {
    int64_t i = 0;
    for (; i + lanes <= n; i += lanes) simd::store(y + i, gelu(simd::load(x + i), e));
    if (i < n) {
        float buf[lanes] = {};
        std::memcpy(buf, x + i, size_t(n - i) * sizeof(float));
        simd::store(buf, gelu(simd::load(buf), e));
        std::memcpy(y + i, buf, size_t(n - i) * sizeof(float));
    }
}

}  // namespace

void gelu_erf(const float* x, float* y, int64_t n, int n_threads) {
    const ErfFit& e = erf_fit();
    parallel_for(n, n_threads, 16384, [&](int64_t i0, int64_t i1, int) { gelu_range(x + i0, y + i0, i1 - i0, e); });
}

}  // namespace pe::cpu
