// Vulkan layernorm, gelu_erf, add and embed against engine/cpu/ops (style.md §7), validation layer on.
#include <boost/test/unit_test.hpp>

#include "engine/cpu/ops.hpp"
#include "engine/vulkan/recorder.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

BOOST_AUTO_TEST_SUITE(vulkan_elementwise)

BOOST_AUTO_TEST_CASE(layernorm_rows_with_large_mean) {
    const uint32_t T = 7, C = 203;  // C not a multiple of the 64-invocation workgroup
    auto x = random_floats(size_t(T) * C, 1, -1.0f, 1.0f);
    for (uint32_t t = 0; t < T; ++t)
        for (uint32_t c = 0; c < C; ++c) x[t * C + c] += 100.0f * float(t);  // means 0 .. 600
    const auto w = random_floats(C, 2, 0.5f, 1.5f), b = random_floats(C, 3);
    std::vector<float> want(x.size());
    cpu::layernorm(x.data(), w.data(), b.data(), want.data(), T, C, 1e-5f);
    auto dx = device_floats(x), dw = device_floats(w), db = device_floats(b);
    for (const auto& features : feature_sets()) {  // shared-memory tree, then subgroupAdd
        vk_ops().use_features(features);
        vulkan::Buffer dy(vk_device(), x.size() * 4);
        vulkan::Recorder rec(vk_device());
        vk_ops().layernorm(rec, dx, dw, db, dy, T, C, 1e-5f);
        rec.submit_and_wait();
        // mean 600 in fp32 leaves ~600 * 2^-24 per centred value; summation orders differ
        check_diff(compare(read_floats(dy, x.size()), want, 1e-4, 1e-4), "layernorm " + features.describe());
    }
    vk_ops().use_features(vulkan::KernelFeatures::all());
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(gelu_erf_over_minus8_to_8) {
    const uint32_t n = 4097;
    std::vector<float> x(n);
    for (uint32_t i = 0; i < n; ++i) x[i] = -8.0f + 16.0f * float(i) / float(n - 1);
    std::vector<float> want(n);
    cpu::gelu_erf(x.data(), want.data(), n);
    auto dx = device_floats(x);
    vulkan::Recorder rec(vk_device());
    vk_ops().gelu_erf(rec, dx, n);
    rec.submit_and_wait();
    // erfc fit: fractional error < 1.2e-7 plus the driver's exp; the reference's 1 + erf cancels in
    // the negative tail (absolute error ~ |x| * 6e-8 there)
    check_diff(compare(read_floats(dx, n), want, 1e-6, 2e-6), "gelu_erf");
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(add_in_place) {
    const uint32_t n = 1001;
    const auto a = random_floats(n, 4), y0 = random_floats(n, 5);
    std::vector<float> want(n);
    cpu::add(y0.data(), a.data(), want.data(), n);
    auto dy = device_floats(y0), da = device_floats(a);
    vulkan::Recorder rec(vk_device());
    vk_ops().add(rec, dy, da, dy, n);
    rec.submit_and_wait();
    check_diff(compare(read_floats(dy, n), want, 0, 0), "add (exact: one fp32 rounding)");
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(embed_every_weight_type) {
    const uint64_t V = 300, C = 64;
    const auto table = random_floats(V * C, 6);
    const std::vector<int32_t> ids = {0, 299, 5, 5, 17, 123, 298, 64};
    for (const auto& features : feature_sets())  // F16: unpackHalf2x16, then 16-bit storage loads
    for (auto type : {gguf::TensorType::f32, gguf::TensorType::f16, gguf::TensorType::bf16, gguf::TensorType::q8_0}) {
        vk_ops().use_features(features);
        std::vector<std::byte> storage;
        const auto w = make_weight("token_embd.weight", type, V, C, table, storage);
        std::vector<float> want(ids.size() * C);
        cpu::embed(w, ids, want.data());
        const auto dw = vulkan::upload_weight(vk_device(), w);
        vulkan::Buffer dids(vk_device(), ids.size() * 4);
        dids.upload(std::as_bytes(std::span(ids)));
        vulkan::Buffer dx(vk_device(), want.size() * 4);
        vulkan::Recorder rec(vk_device());
        vk_ops().embed(rec, dw, dids, dx, uint32_t(ids.size()));
        rec.submit_and_wait();
        check_diff(compare(read_floats(dx, want.size()), want, 0, 0),
                   std::string("embed ") + std::string(gguf::type_traits(type).name) + " " + features.describe() +
                       " (exact dequantization)");
    }
    vk_ops().use_features(vulkan::KernelFeatures::all());
    check_validation_clean();
}

BOOST_AUTO_TEST_SUITE_END()
