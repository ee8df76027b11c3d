// Vulkan matmul (F32, F16, BF16, Q8_0 weights) against cpu::matmul reading the same weights, and over
// several workgroup tiles with ragged edges against a double-precision reference, canaries around the output.
#include <boost/test/unit_test.hpp>

#include "engine/cpu/ops.hpp"
#include "engine/vulkan/recorder.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

BOOST_AUTO_TEST_SUITE(vulkan_matmul)

BOOST_AUTO_TEST_CASE(matmul_every_weight_type_odd_sizes) {
    // M and N are not multiples of the 8 x 64 tile, K = 3 * 32 is not a multiple of the 8 x 4 lane step
    const uint32_t M = 13, N = 75, K = 96;
    const auto x = random_floats(size_t(M) * K, 10);
    const auto wv = random_floats(size_t(N) * K, 11);
    const auto bias = random_floats(N, 12);
    for (const auto& features : feature_sets())  // storage loads of F16: unpackHalf2x16, then f16vec4
    for (bool texels : {true, false})
    for (auto type : {gguf::TensorType::f32, gguf::TensorType::f16, gguf::TensorType::bf16, gguf::TensorType::q8_0}) {
        vk_ops().use_features(features);
        vk_ops().allow_texels(texels);
        std::vector<std::byte> storage;
        const auto w = make_weight("w", type, N, K, wv, storage);
        for (bool with_bias : {true, false}) {
            std::vector<float> want(size_t(M) * N);
            cpu::matmul(x.data(), w, with_bias ? bias.data() : nullptr, want.data(), M, 1);
            const auto dw = vulkan::upload_weight(vk_device(), w);
            auto dx = device_floats(x), db = device_floats(bias);
            vulkan::Buffer dy(vk_device(), want.size() * 4);
            vulkan::Recorder rec(vk_device());
            vk_ops().matmul(rec, dx, dw, with_bias ? &db : nullptr, dy, M);
            rec.submit_and_wait();
            // fp32 sums of 96 products of |x| <= 1 in another order: ~1e-6
            check_diff(compare(read_floats(dy, want.size()), want, 1e-5, 1e-5),
                       std::string("matmul ") + std::string(gguf::type_traits(type).name) + (with_bias ? " +bias" : "") +
                           (texels ? " (texel loads, " : " (storage loads, ") + features.describe() + ")");
        }
    }
    vk_ops().allow_texels(true);
    vk_ops().use_features(vulkan::KernelFeatures::all());
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(matmul_across_tile_edges_every_weight_type) {
    // M = 45: one full 32-row tile and a ragged one; N = 601: two full 256-column tiles, a ragged third, and
    // a last invocation with one of its four columns inside N. K: 25 vec4 steps for the float types (not a
    // multiple of 8, 16 or 32), three 32-blocks for Q8_0 (an odd count). ldy = N + 7 leaves canary columns.
    const uint32_t M = 45, N = 601, ldy = N + 7;
    const auto bias = random_floats(N, 62);
    for (auto type : {gguf::TensorType::f32, gguf::TensorType::f16, gguf::TensorType::bf16, gguf::TensorType::q8_0}) {
        const uint32_t K = type == gguf::TensorType::q8_0 ? 96 : 100;
        const auto x = random_floats(size_t(M) * K, 60);
        const auto wv = random_floats(size_t(N) * K, 61);
        std::vector<std::byte> storage;
        const auto w = make_weight("w", type, N, K, wv, storage);
        const auto want = matmul_reference(x, w, bias.data(), M);
        const auto dw = vulkan::upload_weight(vk_device(), w);
        auto dx = device_floats(x), db = device_floats(bias);
        for (const auto& features : feature_sets())
        for (bool texels : {true, false}) {
            vk_ops().use_features(features);
            vk_ops().allow_texels(texels);
            test::CanaryOutput y(vk_device(), M, N, ldy);
            vulkan::Recorder rec(vk_device());
            vk_ops().matmul(rec, dx, dw, &db, y.range(), M, ldy);
            rec.submit_and_wait();
            const std::string what = std::string("matmul ") + std::string(gguf::type_traits(type).name) + " " +
                                     std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(K) +
                                     (texels ? " (texel loads, " : " (storage loads, ") + features.describe() + ")";
            // fp32 sums of <= 100 products of |x|, |w| <= 1 against double: ~sqrt(K) 2^-24 sum|xw| ~ 1e-6
            check_diff(compare(y.values(), want, 1e-5, 1e-5), what);
            const std::string spilled = y.overwritten();
            BOOST_CHECK_MESSAGE(spilled.empty(), what << ": " << spilled);
        }
    }
    vk_ops().allow_texels(true);
    vk_ops().use_features(vulkan::KernelFeatures::all());
    check_validation_clean();
}

BOOST_AUTO_TEST_SUITE_END()
