// Vulkan matmul (F32, F16, BF16, Q8_0 weights) against cpu::matmul reading the same weights.
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

BOOST_AUTO_TEST_SUITE_END()
