// Vulkan unembed_logprob (partial + reduce) against cpu::matmul + backend::unembed_logprob, fp32 and fp16
// precision, a vocab that is not a multiple of the 256-id tile, and planted argmax targets; every
// weight type (F32, F16, BF16, Q8_0), every weight-load path and both ways of reducing a tile's
// statistics (KernelFeatures).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "engine/backend/logprob.hpp"
#include "engine/cpu/ops.hpp"
#include "engine/vulkan/recorder.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

namespace {

// Ops::unembed_logprob over `slots` ({row of h, target} pairs) with the current features and loads.
std::vector<vulkan::SlotResult> run_unembed(std::span<const float> h, const model::Weight& w,
                                            std::span<const uint32_t> slots, bool fp16) {
    const uint32_t S = uint32_t(slots.size() / 2);
    const auto dw = vulkan::upload_weight(vk_device(), w);
    auto dh = device_floats(h);
    vulkan::Buffer dslots(vk_device(), slots.size() * 4);
    dslots.upload(std::as_bytes(slots));
    vulkan::Buffer dparts(vk_device(), vulkan::Ops::partial_bytes(S, w.rows()));
    vulkan::Buffer dres(vk_device(), S * sizeof(vulkan::SlotResult), vulkan::MemoryUse::host);
    vulkan::Recorder rec(vk_device());
    vk_ops().unembed_logprob(rec, dh, dw, dslots, S, dparts, dres, fp16);
    rec.submit_and_wait();
    std::vector<vulkan::SlotResult> res(S);
    dres.download(std::as_writable_bytes(std::span(res)));
    return res;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vulkan_unembed_logprob)

BOOST_AUTO_TEST_CASE(unembed_logprob_matches_cpu) {
    const uint32_t T = 9, C = 64, V = 1000;
    const auto h = random_floats(size_t(T) * C, 30);
    const auto wv = random_floats(size_t(V) * C, 31, -0.5f, 0.5f);
    for (const auto& features : feature_sets())  // statistics by one invocation per slot, then by subgroups
    for (bool texels : {true, false})
    for (auto type : {gguf::TensorType::f32, gguf::TensorType::f16, gguf::TensorType::bf16, gguf::TensorType::q8_0}) {
        vk_ops().use_features(features);
        vk_ops().allow_texels(texels);
        std::vector<std::byte> storage;
        const auto w = make_weight("output.weight", type, V, C, wv, storage);
        std::vector<float> logits(size_t(T) * V);
        cpu::matmul(h.data(), w, nullptr, logits.data(), T, 1);
        // slots: every row, with a random target, and every row again with its argmax as target
        std::vector<uint32_t> slots;
        for (uint32_t t = 0; t < T; ++t) slots.insert(slots.end(), {t, (t * 397 + 11) % V});
        for (uint32_t t = 0; t < T; ++t) {
            const auto r = backend::unembed_logprob(&logits[size_t(t) * V], V, -1, model::LogitPrecision::fp32);
            slots.insert(slots.end(), {t, uint32_t(r.argmax)});
        }
        const uint32_t S = uint32_t(slots.size() / 2);
        for (auto prec : {model::LogitPrecision::fp32, model::LogitPrecision::fp16}) {
            const auto res = run_unembed(h, w, slots, prec == model::LogitPrecision::fp16);
            std::vector<float> got, want;
            int argmax_mismatch = 0;
            for (uint32_t s = 0; s < S; ++s) {
                const auto r = backend::unembed_logprob(&logits[size_t(slots[2 * s]) * V], V, int32_t(slots[2 * s + 1]), prec);
                got.push_back(res[s].logprob);
                want.push_back(r.logprob);
                if (!res[s].ambiguous && bool(res[s].is_argmax) != r.is_argmax) ++argmax_mismatch;
            }
            const std::string what = std::string("unembed_logprob ") + std::string(gguf::type_traits(type).name) +
                                     (prec == model::LogitPrecision::fp16 ? " fp16" : " fp32") +
                                     (texels ? " (texel loads, " : " (storage loads, ") + features.describe() + ")";
            // fp32: logits agree to ~1e-6, the log-sum to ~1e-6; fp16: one fp16 step of |lp| <= 16
            check_diff(compare(got, want, prec == model::LogitPrecision::fp16 ? 8e-3 : 2e-5, 0), what);
            BOOST_CHECK_MESSAGE(argmax_mismatch == 0, what << ": " << argmax_mismatch << " is_argmax mismatches");
        }
    }
    vk_ops().allow_texels(true);
    vk_ops().use_features(vulkan::KernelFeatures::all());
    check_validation_clean();
}

BOOST_AUTO_TEST_CASE(argmax_ties_go_to_the_first_id) {
    // Rows repeat every 100 ids, so each logit appears at ids a, a+100, ..., in other lanes, subgroups and
    // 256-id tiles: is_argmax must hold for the first copy of the max only (backend::unembed_logprob's rule).
    const uint32_t T = 5, C = 32, V = 700, period = 100;
    const auto h = random_floats(size_t(T) * C, 40);
    const auto base = random_floats(size_t(period) * C, 41);
    std::vector<float> wv(size_t(V) * C);
    for (uint32_t v = 0; v < V; ++v)
        std::copy_n(base.begin() + std::ptrdiff_t((v % period) * C), C, wv.begin() + std::ptrdiff_t(v) * C);
    std::vector<std::byte> storage;
    const auto w = make_weight("output.weight", gguf::TensorType::f32, V, C, wv, storage);
    std::vector<float> logits(size_t(T) * V);
    cpu::matmul(h.data(), w, nullptr, logits.data(), T, 1);
    std::vector<uint32_t> slots;
    for (uint32_t t = 0; t < T; ++t) {
        const auto r = backend::unembed_logprob(&logits[size_t(t) * V], V, -1, model::LogitPrecision::fp32);
        BOOST_REQUIRE_LT(uint32_t(r.argmax), period);  // the first copy
        for (uint32_t copy = 0; copy < V / period; ++copy) slots.insert(slots.end(), {t, uint32_t(r.argmax) + copy * period});
    }
    for (const auto& features : feature_sets())
    for (bool texels : {true, false}) {
        vk_ops().use_features(features);
        vk_ops().allow_texels(texels);
        const auto res = run_unembed(h, w, slots, false);
        for (uint32_t s = 0; s < res.size(); ++s) {
            const auto r = backend::unembed_logprob(&logits[size_t(slots[2 * s]) * V], V, int32_t(slots[2 * s + 1]),
                                                model::LogitPrecision::fp32);
            BOOST_CHECK_MESSAGE(bool(res[s].is_argmax) == r.is_argmax && std::abs(res[s].logprob - r.logprob) < 2e-5,
                                features.describe() << (texels ? " texels" : " storage") << ": slot " << s << " target "
                                                    << slots[2 * s + 1] << " is_argmax " << res[s].is_argmax << " want "
                                                    << r.is_argmax << ", logprob " << res[s].logprob << " want "
                                                    << r.logprob);
        }
    }
    vk_ops().allow_texels(true);
    vk_ops().use_features(vulkan::KernelFeatures::all());
    check_validation_clean();
}

BOOST_AUTO_TEST_SUITE_END()
