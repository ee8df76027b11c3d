// Test helpers for tests/cpu: seeded random inputs and a diff-style "largest error" report.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace pe::test {

inline std::vector<float> random_normal(size_t n, uint32_t seed, float mean = 0.0f, float std = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(mean, std);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

struct MaxError {
    double error = 0;
    size_t index = 0;
    double got = 0, want = 0;
    std::string describe(const std::string& what) const {
        std::ostringstream s;
        s.precision(9);
        s << what << ": largest error " << error << " at index " << index << ": got " << got
          << ", want " << want;
        return s.str();
    }
};

// Largest |got[i] - want[i]| / (1 + rel_scale * |want[i]|): an absolute error for small values,
// a relative one for large values when rel_scale is 1.
template <class G, class W>
MaxError max_error(const G& got, const W& want, double rel_scale = 0.0) {
    MaxError m;
    for (size_t i = 0; i < want.size(); ++i) {
        const double e = std::abs(double(got[i]) - double(want[i])) / (1.0 + rel_scale * std::abs(double(want[i])));
        if (e > m.error || std::isnan(e)) {
            m = {std::isnan(e) ? INFINITY : e, i, double(got[i]), double(want[i])};
        }
    }
    return m;
}

}  // namespace pe::test
