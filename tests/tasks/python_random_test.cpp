// PythonRandom against the CPython 3.11 test vectors in lm-eval-tasks.md §2.3 (bootstrap draws)
// and §3 (Random(42).shuffle of each task's documents).
#include <boost/test/unit_test.hpp>
#include <vector>

#include "tasks/python_random.hpp"

using pe::tasks::PythonRandom;

BOOST_AUTO_TEST_SUITE(python_random)

BOOST_AUTO_TEST_CASE(random_seed0) {
    PythonRandom r(0);
    BOOST_TEST(r.random() == 0.8444218515250481);
    BOOST_TEST(r.random() == 0.7579544029403025);
    BOOST_TEST(r.random() == 0.420571580830845);
}

static std::vector<size_t> choices(uint64_t seed, size_t n, size_t k) {
    PythonRandom r(seed);
    std::vector<size_t> out;
    for (size_t i = 0; i < k; i++) out.push_back(r.choice_index(n));
    return out;
}

BOOST_AUTO_TEST_CASE(choices_vectors) {
    const std::vector<size_t> want0{4351, 3905, 2167, 1334, 2634, 2086, 4038, 1562};
    const std::vector<size_t> want99{2081, 1030, 921, 1280, 3915};
    BOOST_TEST(choices(0, 5153, 8) == want0, boost::test_tools::per_element());
    BOOST_TEST(choices(99, 5153, 5) == want99, boost::test_tools::per_element());
}

struct ShuffleVector {
    size_t n;
    std::vector<size_t> head, tail;
};

BOOST_AUTO_TEST_CASE(shuffle_vectors_per_task) {
    const ShuffleVector vectors[] = {
        {5153, {95, 4263, 3200, 3219, 379, 296, 3703, 3291, 2794, 4481}, {2253, 204, 912}},  // lambada_openai
        {1838, {717, 241, 568, 626, 1139, 296, 1255, 1834, 1752, 695}, {51, 228, 1309}},     // piqa
        {1267, {187, 719, 618, 35, 404, 462, 1033, 540, 1179, 2}, {563, 51, 228}},           // winogrande
        {2376, {193, 1827, 2040, 107, 722, 705, 1170, 595, 1247, 252}, {1126, 102, 456}},    // arc_easy
        {1000, {776, 507, 895, 922, 33, 483, 85, 750, 354, 523}, {25, 114, 654}},           // sciq
    };
    for (const auto& v : vectors) {
        BOOST_TEST_CONTEXT("n = " << v.n) {
            const auto order = pe::tasks::shuffled_order(v.n, 42);
            BOOST_TEST_REQUIRE(order.size() == v.n);
            const std::vector<size_t> head(order.begin(), order.begin() + 10);
            const std::vector<size_t> tail(order.end() - 3, order.end());
            BOOST_TEST(head == v.head, boost::test_tools::per_element());
            BOOST_TEST(tail == v.tail, boost::test_tools::per_element());
            std::vector<bool> seen(v.n);
            for (size_t i : order) seen[i] = true;
            BOOST_TEST(std::count(seen.begin(), seen.end(), true) == long(v.n));  // a permutation
        }
    }
}

BOOST_AUTO_TEST_CASE(seeds_above_32_bits_use_two_key_words) {
    // Random(2**32) seeds from the key [0, 1], unlike Random(0) (key [0]).
    PythonRandom a(0), b(uint64_t(1) << 32);
    BOOST_TEST(a.random() != b.random());
}

BOOST_AUTO_TEST_SUITE_END()
