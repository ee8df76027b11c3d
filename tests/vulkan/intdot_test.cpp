// KernelFeatures::intdot (VK_KHR_shader_integer_dot_product): quantize_q8_0 + matmul_q8_0_dot against a
// scalar Q8_0 x Q8_0 reference built on engine/model/quant (ggml's vec_dot_q8_0_q8_0 arithmetic), and
// the whole forward pass of a Q8_0 model with it against the fp32-activation CPU reference, whose
// gap is the activation quantization the feature trades for speed. Validation layer on.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>

#include "engine/half.hpp"
#include "engine/model/quant.hpp"
#include "engine/vulkan/recorder.hpp"
#include "engine/vulkan/vulkan_backend.hpp"
#include "tests/common/shared.hpp"
#include "tests/vulkan/forward_check.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

namespace {

// Q8_0 blocks of one row: the int8 quants and the f16 scales as floats.
struct Q8Row {
    std::vector<int8_t> q;
    std::vector<float> d;
};

Q8Row q8_row(const std::byte* blocks, uint64_t K) {
    Q8Row r;
    for (uint64_t b = 0; b < K / 32; ++b) {
        const std::byte* block = blocks + b * 34;
        uint16_t h = 0;
        std::memcpy(&h, block, 2);
        r.d.push_back(fp16_to_f32(h));
        for (int j = 0; j < 32; ++j) r.q.push_back(int8_t(block[2 + j]));
    }
    return r;
}

// y = x . w^T with x quantized row by row as Q8_0; per block an exact integer sum, then fp32.
std::vector<float> q8_q8_reference(std::span<const float> x, const model::Weight& w, uint32_t M) {
    const uint64_t K = w.cols(), N = w.rows(), row_bytes = model::row_bytes(gguf::TensorType::q8_0, K);
    std::vector<std::byte> xq(row_bytes);
    std::vector<float> y(size_t(M) * N);
    for (uint32_t m = 0; m < M; ++m) {
        model::quantize_row(gguf::TensorType::q8_0, x.data() + m * K, xq.data(), K);
        const Q8Row xr = q8_row(xq.data(), K);
        for (uint64_t n = 0; n < N; ++n) {
            const Q8Row wr = q8_row(w.data.data() + n * row_bytes, K);
            float acc = 0.0f;
            for (uint64_t b = 0; b < K / 32; ++b) {
                int32_t sum = 0;
                for (uint64_t k = b * 32; k < b * 32 + 32; ++k) sum += int32_t(xr.q[k]) * int32_t(wr.q[k]);
                acc += float(sum) * (xr.d[b] * wr.d[b]);
            }
            y[m * N + n] = acc;
        }
    }
    return y;
}

bool device_has_intdot(boost::unit_test::test_unit_id) { return vk_device().info().integer_dot; }

}  // namespace

BOOST_AUTO_TEST_SUITE(vulkan_intdot, *boost::unit_test::precondition(device_has_intdot))

BOOST_AUTO_TEST_CASE(matmul_q8_0_dot_matches_the_q8_q8_reference) {
    vulkan::Device& device = vk_intdot_device();
    BOOST_TEST_REQUIRE(device.features().intdot);
    vulkan::Ops ops(device);
    // M = 45: two full 16-row tiles and a ragged one; N = 601: two full 256-column tiles, a ragged third and
    // a last invocation with one of its four columns inside N; five blocks per row. ldy = N + 7 leaves
    // canary columns, and canary rows follow the output.
    const uint32_t M = 45, N = 601, K = 160, ldy = N + 7;
    const auto x = random_floats(size_t(M) * K, 50, -3.0f, 3.0f);
    const auto wv = random_floats(size_t(N) * K, 51, -0.5f, 0.5f);
    const auto bias = random_floats(N, 52);
    std::vector<std::byte> storage;
    const auto w = make_weight("w", gguf::TensorType::q8_0, N, K, wv, storage);
    auto want = q8_q8_reference(x, w, M);
    for (uint32_t i = 0; i < want.size(); ++i) want[i] += bias[i % N];

    const auto dw = vulkan::upload_weight(device, w);
    vulkan::Buffer dx(device, x.size() * 4), db(device, bias.size() * 4);
    test::CanaryOutput y(device, M, N, ldy);
    dx.upload(std::as_bytes(std::span(x)));
    db.upload(std::as_bytes(std::span(bias)));
    vulkan::Buffer scratch(device, vulkan::Ops::q8_scratch_bytes(M, K));
    vulkan::Recorder rec(device);
    ops.matmul(rec, dx, dw, &db, y.range(), M, ldy, &scratch);
    rec.submit_and_wait();
    // The integer sums are exact; what is left is fp32 rounding of five block terms, and a quant that
    // lands on the other side of a rounding boundary where the device's 1/d is not correctly rounded.
    check_diff(compare(y.values(), want, 1e-4, 1e-5), "matmul_q8_0_dot vs Q8_0 x Q8_0 reference");
    const std::string spilled = y.overwritten();
    BOOST_CHECK_MESSAGE(spilled.empty(), "matmul_q8_0_dot: " << spilled);
    BOOST_TEST(device.validation_messages().empty());
}

BOOST_AUTO_TEST_CASE(pythia_70m_shape_q8_0_forward_with_intdot) {
    const std::string path = synthetic_model("70m", gguf::TensorType::q8_0);
    // Q8_0 activations move log-probs by ~1e-2 on this model (measured 2026-11-27: see the message);
    // the bound catches a wrong kernel (errors of order 1) while allowing the quantization.
    compare_model_on(vk_intdot_device(), path, 2, 12, 0.1, "70m-shaped Q8_0 with intdot");
}

BOOST_AUTO_TEST_SUITE_END()
