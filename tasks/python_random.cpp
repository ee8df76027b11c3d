// CPython's Modules/_randommodule.c and Lib/random.py, rewritten for the calls lm-eval makes.
#include "tasks/python_random.hpp"

#include <algorithm>
#include <bit>
#include <numeric>

namespace pe::tasks {

PythonRandom::PythonRandom(uint64_t seed) {
    // random_seed(): the absolute value as little-endian 32-bit words; 0 gives the key [0].
    std::vector<uint32_t> key;
    do {
        key.push_back(uint32_t(seed & 0xffffffffu));
        seed >>= 32;
    } while (seed != 0);
    init_by_array(key);
}

void PythonRandom::init_genrand(uint32_t s) {
    mt_[0] = s;
    for (int i = 1; i < N; i++) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + uint32_t(i);
    mti_ = N;
}

void PythonRandom::init_by_array(const std::vector<uint32_t>& key) {
    init_genrand(19650218u);
    int i = 1;
    size_t j = 0;
    for (size_t k = std::max<size_t>(N, key.size()); k; k--) {
        mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] + uint32_t(j);
        i++;
        j++;
        if (i >= N) { mt_[0] = mt_[N - 1]; i = 1; }
        if (j >= key.size()) j = 0;
    }
    for (int k = N - 1; k; k--) {
        mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - uint32_t(i);
        i++;
        if (i >= N) { mt_[0] = mt_[N - 1]; i = 1; }
    }
    mt_[0] = 0x80000000u;  // MSB is 1, assuring a non-zero initial array
}

void PythonRandom::generate() {
    constexpr int M = 397;
    constexpr uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix_a = 0x9908b0dfu;
    const auto twist = [&](int kk, int next, int far) {
        const uint32_t y = (mt_[kk] & upper) | (mt_[next] & lower);
        mt_[kk] = mt_[far] ^ (y >> 1) ^ ((y & 1u) ? matrix_a : 0u);
    };
    // The reference loop split in three so that no index needs a modulo (the bootstrap's hot path).
    int kk = 0;
    for (; kk < N - M; kk++) twist(kk, kk + 1, kk + M);
    for (; kk < N - 1; kk++) twist(kk, kk + 1, kk + M - N);
    twist(N - 1, 0, M - 1);
    mti_ = 0;
}

uint32_t PythonRandom::next_u32() {
    if (mti_ >= N) generate();
    uint32_t y = mt_[mti_++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

double PythonRandom::random() {
    const uint32_t a = next_u32() >> 5, b = next_u32() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

uint32_t PythonRandom::getrandbits(int k) { return next_u32() >> (32 - k); }

uint32_t PythonRandom::randbelow(uint32_t n) {
    const int k = std::bit_width(n);  // n.bit_length(), not of n-1: n may be 1
    uint32_t r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return r;
}

std::vector<size_t> shuffled_order(size_t n, uint64_t seed) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    PythonRandom rng(seed);
    rng.shuffle(order);
    return order;
}

}  // namespace pe::tasks
