// CPython's `random.Random` (MT19937) reproduced bit for bit: seed(int), random(), getrandbits,
// _randbelow, shuffle and choices, for lm-eval's Random(42) document shuffle and bootstrap
// (lm-eval-tasks.md §2.3 and §3).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pe::tasks {

class PythonRandom {
public:
    // random.Random(seed) for a non-negative int: init_by_array over seed's 32-bit words.
    explicit PythonRandom(uint64_t seed);

    uint32_t next_u32();                 // genrand_uint32
    double random();                     // genrand_res53: 53-bit float in [0, 1)
    uint32_t getrandbits(int k);         // 1 <= k <= 32
    uint32_t randbelow(uint32_t n);      // _randbelow_with_getrandbits, n >= 1
    // random.shuffle(x): Fisher-Yates from the end, j = _randbelow(i + 1).
    template <class T>
    void shuffle(std::vector<T>& x) {
        for (size_t i = x.size(); i-- > 1;) {
            const size_t j = randbelow(uint32_t(i + 1));
            std::swap(x[i], x[j]);
        }
    }
    // random.choices(range(n), k=k) without weights: floor(random() * n), k times.
    size_t choice_index(size_t n) { return size_t(random() * double(n)); }

private:
    static constexpr int N = 624;
    std::array<uint32_t, N> mt_{};
    int mti_ = N;
    void init_genrand(uint32_t s);
    void init_by_array(const std::vector<uint32_t>& key);
    void generate();
};

// Indices 0..n-1 in the order Random(seed).shuffle leaves them: lm-eval's document order.
std::vector<size_t> shuffled_order(size_t n, uint64_t seed);

}  // namespace pe::tasks
