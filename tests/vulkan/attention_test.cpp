// Vulkan qkv_rotary and attention against cpu::qkv_rotary and cpu::attention, including packed
// sequences and a shared prefix (pack.hpp), validation layer on.
#include <boost/test/unit_test.hpp>

#include "engine/cpu/ops.hpp"
#include "engine/backend/plan.hpp"
#include "engine/vulkan/recorder.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

namespace {

// Runs qkv_rotary + attention on packed rows; returns out (rows, C).
std::vector<float> vk_rotary_attention(const backend::PackedBatch& pb, const std::vector<float>& qkv, uint32_t H,
                                       uint32_t D, uint32_t R) {
    const uint32_t T = pb.n_rows(), C = H * D;
    auto dqkv = device_floats(qkv);
    vulkan::Buffer dpos(vk_device(), T * 4), dblocks(vk_device(), pb.blocks.size() * sizeof(backend::AttentionBlock));
    dpos.upload(std::as_bytes(std::span(pb.pos)));
    dblocks.upload(std::as_bytes(std::span(pb.blocks)));
    const auto table = vulkan::rope_table(2048, R, 10000.0f);
    auto drope = device_floats(table);
    vulkan::Buffer dout(vk_device(), size_t(T) * C * 4);
    vulkan::Recorder rec(vk_device());
    vk_ops().qkv_rotary(rec, dqkv, dpos, drope, T, H, D, R);
    rec.barrier();
    vk_ops().attention(rec, dqkv, dblocks, uint32_t(pb.blocks.size()), dout, H, D);
    rec.submit_and_wait();
    return read_floats(dout, size_t(T) * C);
}

std::vector<float> cpu_rotary_attention(std::vector<float> qkv, uint32_t T, uint32_t H, uint32_t D, uint32_t R) {
    std::vector<float> out(size_t(T) * H * D);
    cpu::qkv_rotary(qkv.data(), T, H, D, R, 10000.0f);
    cpu::attention(qkv.data(), out.data(), T, H, D, 1);
    return out;
}

// The rows of request `r` (prefix + own rows) gathered from a packed qkv of (rows, 3C).
std::vector<float> rows_of(const backend::PackedBatch& pb, const std::vector<float>& packed, size_t width,
                           uint32_t first_prefix_row, uint32_t prefix_len, uint32_t first_own_row, uint32_t own_len) {
    std::vector<float> out;
    for (uint32_t p = 0; p < prefix_len; ++p)
        out.insert(out.end(), packed.begin() + (first_prefix_row + p) * width, packed.begin() + (first_prefix_row + p + 1) * width);
    for (uint32_t p = 0; p < own_len; ++p)
        out.insert(out.end(), packed.begin() + (first_own_row + p) * width, packed.begin() + (first_own_row + p + 1) * width);
    (void)pb;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vulkan_attention)

BOOST_AUTO_TEST_CASE(qkv_rotary_alone) {
    const uint32_t T = 11, H = 3, D = 16, R = 4;
    const auto qkv = random_floats(size_t(T) * 3 * H * D, 20);
    auto want = qkv;
    cpu::qkv_rotary(want.data(), T, H, D, R, 10000.0f);
    std::vector<uint32_t> pos(T);
    for (uint32_t t = 0; t < T; ++t) pos[t] = t;
    auto dqkv = device_floats(qkv), drope = device_floats(vulkan::rope_table(64, R, 10000.0f));
    vulkan::Buffer dpos(vk_device(), T * 4);
    dpos.upload(std::as_bytes(std::span(pos)));
    vulkan::Recorder rec(vk_device());
    vk_ops().qkv_rotary(rec, dqkv, dpos, drope, T, H, D, R);
    rec.submit_and_wait();
    // same fp32 angles; only the rounding of a*cos - b*sin (fma or not) may differ
    check_diff(compare(read_floats(dqkv, qkv.size()), want, 1e-6, 1e-6), "qkv_rotary");
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(attention_one_sequence_long_rows) {
    // 301 rows: not a multiple of the 8-row query block or the 8 key lanes; q scaled up so the
    // softmax rows are peaked and long
    const uint32_t T = 301, H = 2, D = 32, R = 8;
    auto qkv = random_floats(size_t(T) * 3 * H * D, 21);
    for (uint32_t t = 0; t < T; ++t)
        for (uint32_t i = 0; i < H * D; ++i) qkv[t * 3 * H * D + i] *= 4.0f;
    model::ScoreRequest req{std::vector<int32_t>(T, 1), {}};
    const auto pb = backend::pack(std::span(&req, 1), vk_ops().attention_block_rows(D));
    const auto got = vk_rotary_attention(pb, qkv, H, D, R);
    // softmax weights in fp32 summed in another order (running max per lane)
    check_diff(compare(got, cpu_rotary_attention(qkv, T, H, D, R), 2e-5, 1e-4), "attention T=301");
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(attention_packed_and_prefix_shared) {
    // three requests: two share a 9-token prefix (choices of one question), one stands alone
    const uint32_t H = 3, D = 16, R = 4, C = H * D;
    std::vector<model::ScoreRequest> reqs(3);
    reqs[0].input = {5, 6, 7, 8, 9, 10, 11, 12, 13, 40, 41, 42};
    reqs[1].input = {5, 6, 7, 8, 9, 10, 11, 12, 13, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60};
    reqs[2].input = {1, 2, 3};
    const auto pb = backend::pack(reqs, vk_ops().attention_block_rows(D));
    BOOST_TEST(pb.n_rows() == 9u + 3u + 11u + 3u);  // the prefix is stored once
    // each token's qkv row is a function of (token, position) only, as in a real model's first layer
    std::vector<float> packed(size_t(pb.n_rows()) * 3 * C);
    for (uint32_t r = 0; r < pb.n_rows(); ++r) {
        const auto row = random_floats(3 * C, 1000u * uint32_t(pb.ids[r]) + pb.pos[r]);
        std::copy(row.begin(), row.end(), packed.begin() + size_t(r) * 3 * C);
    }
    const auto got = vk_rotary_attention(pb, packed, H, D, R);
    struct Layout { uint32_t prefix_row, prefix_len, own_row, own_len; };
    const Layout layouts[] = {{0, 9, 9, 3}, {0, 9, 12, 11}, {23, 0, 23, 3}};
    for (int k = 0; k < 3; ++k) {
        const auto& l = layouts[k];
        const uint32_t T = l.prefix_len + l.own_len;
        const auto seq_qkv = rows_of(pb, packed, 3 * C, l.prefix_row, l.prefix_len, l.own_row, l.own_len);
        const auto want = cpu_rotary_attention(seq_qkv, T, H, D, R);
        const auto seq_got = rows_of(pb, got, C, l.prefix_row, l.prefix_len, l.own_row, l.own_len);
        check_diff(compare(seq_got, want, 1e-5, 1e-4), "packed request " + std::to_string(k));
    }
    check_validation_clean();
}

BOOST_AUTO_TEST_SUITE_END()
