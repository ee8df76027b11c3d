// The CPU backend on synthetic tiny-shaped models (engine/convert/synthetic.hpp): causality and
// thread invariance bit for bit, score() against probe(), quantized weights against the f32 model
// within stated tolerances, and bad requests rejected. The HF-logits check is fixture_test.cpp.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "engine/convert/synthetic.hpp"
#include "engine/cpu/forward.hpp"
#include "engine/model/quant.hpp"
#include "engine/cpu/weights.hpp"
#include "engine/error.hpp"
#include "engine/half.hpp"
#include "engine/model/backend.hpp"
#include "tests/common/shared.hpp"

using pe::gguf::TensorType;
using pe::model::LogitPrecision;

namespace {

// One seed-7 tiny model per dtype, written once per test run.
const pe::model::Model& synthetic(TensorType dtype) {
    static std::map<TensorType, pe::model::Model> models;
    if (auto it = models.find(dtype); it != models.end()) return it->second;
    static const auto dir = pe::test::scratch_dir("cpu_synthetic");
    const auto path = (dir / ("tiny-" + std::string(pe::gguf::type_traits(dtype).name) + ".gguf")).string();
    pe::convert::write_synthetic_gguf(path, {*pe::convert::synth_shape("tiny"), dtype, 7, ""});
    return models.emplace(dtype, pe::model::Model::load(path)).first->second;
}

std::vector<int32_t> test_ids(size_t n) {
    std::vector<int32_t> ids;
    for (size_t i = 0; i < n; ++i) ids.push_back(int32_t((i * 7919 + 13) % 50304));
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cpu_forward)

BOOST_AUTO_TEST_CASE(causal_prefix_and_threads_give_identical_bits) {
    const auto& m = synthetic(TensorType::f32);
    const auto ids = test_ids(70);
    const auto full = pe::model::make_cpu_backend(m, 2)->probe({ids, {5, 50303}});
    const std::vector<int32_t> prefix(ids.begin(), ids.begin() + 33);
    const auto part = pe::model::make_cpu_backend(m, 1)->probe({prefix, {5, 50303}});
    BOOST_REQUIRE(part.size() == 33u);
    for (size_t t = 0; t < part.size(); ++t) {
        BOOST_TEST_REQUIRE(part[t].logsumexp == full[t].logsumexp, "position " << t);
        BOOST_TEST_REQUIRE(part[t].argmax == full[t].argmax);
        BOOST_TEST_REQUIRE(part[t].probe == full[t].probe);
    }
    BOOST_TEST(!part.back().next_id.has_value());
    BOOST_TEST(full[32].next_id.value() == ids[33]);
    // Non-degenerate logits: the synthetic scales spread them (logsumexp well above log(Vp) = 10.8).
    BOOST_TEST(full[0].max - full[0].probe[0] > 1.0f);
}

// The load-time conversion is exact: every unpacked f32 row holds the dequantized values bit for bit.
BOOST_AUTO_TEST_CASE(unpacked_weights_hold_identical_values) {
    for (TensorType type : {TensorType::f16, TensorType::q8_0}) {
        const auto& m = synthetic(type);
        const auto unpacked = pe::cpu::Weights::unpacked(m, 1ull << 30, 2);
        BOOST_TEST(unpacked.unpacked_bytes() == 4u * 128u * (3 * (3 * 128 + 128 + 2 * 512) + 50304));
        const pe::model::Weight& stored = m.layers[1].ffn_up_w;
        const pe::model::Weight& f32 = unpacked.layers[1].ffn_up_w;
        BOOST_TEST_REQUIRE((f32.type == TensorType::f32));
        std::vector<float> row(stored.cols());
        for (uint64_t r = 0; r < stored.rows(); r += 37) {
            pe::model::dequantize_row(stored.type, stored.data.data() + r * pe::model::row_bytes(stored.type, stored.cols()),
                                      row.data(), stored.cols());
            BOOST_TEST_REQUIRE(std::memcmp(row.data(), f32.data.data() + r * stored.cols() * 4, row.size() * 4) == 0);
        }
        BOOST_TEST(pe::cpu::Weights::unpacked(m, 1000, 2).unpacked_bytes() == 0u);  // over budget: views
    }
}

BOOST_AUTO_TEST_CASE(score_agrees_with_probe) {
    const auto& m = synthetic(TensorType::f32);
    const auto ids = test_ids(40);
    auto backend = pe::model::make_cpu_backend(m, 2);
    const auto probe = backend->probe({ids, {}});
    // Score the last 10 transitions; one target is made the argmax so is_argmax is exercised both ways.
    pe::model::ScoreRequest req;
    req.input.assign(ids.begin(), ids.end() - 1);
    req.targets.assign(ids.end() - 10, ids.end());
    req.targets[3] = probe[req.input.size() - 10 + 3].argmax;
    for (LogitPrecision precision : {LogitPrecision::fp32, LogitPrecision::fp16}) {
        const auto scored = backend->score({{req, req}, precision});
        BOOST_REQUIRE(scored.size() == 2u);
        BOOST_TEST(scored[0].size() == 10u);
        for (size_t i = 0; i < 10; ++i) {
            const auto& p = probe[req.input.size() - 10 + i];
            // Targets other than #3 are the sequence's own next ids, whose log-prob probe() reports.
            if (i != 3) {
                const double want = *p.next_logprob;
                if (precision == LogitPrecision::fp32)  // lm-eval's fp32 lane sums against probe()'s exact lse
                    BOOST_TEST(std::abs(scored[0][i].logprob - want) <= std::abs(want) * 1e-6, "target " << i);
                else  // fp16 rounding of the same value: 1 ulp at most
                    BOOST_TEST(std::abs(scored[0][i].logprob - want) <= std::abs(want) * 0x1p-10, "target " << i);
            }
            BOOST_TEST(scored[0][i].is_argmax == (p.argmax == req.targets[i]), "target " << i);
            BOOST_TEST(scored[1][i].logprob == scored[0][i].logprob);
        }
        BOOST_TEST(scored[0][3].is_argmax);
    }
}

// Weights stored as f16, bf16 or q8_0 hold the f32 model's values rounded (same seed); the
// logits (std ~3 here) move with the rounding of the weights. Tolerances on |Δ log-prob| and
// |Δ logsumexp| over 63 positions, about 2x what this model shows (measured: f16 2.1e-3,
// bf16 1.2e-2, q8_0 4.7e-2), following the weights' rms relative error: f16 2^-11/√3 ≈ 0.03%,
// bf16 2^-8/√3 ≈ 0.11%, q8_0 (block max/254, uniform) ≈ 0.26% of N(0, 1) weights.
BOOST_AUTO_TEST_CASE(stored_types_stay_close_to_f32) {
    const auto ids = test_ids(64);
    const auto ref = pe::model::make_cpu_backend(synthetic(TensorType::f32), 2)->probe({ids, {}});
    const std::vector<std::pair<TensorType, double>> cases = {
        {TensorType::f16, 5e-3}, {TensorType::bf16, 3e-2}, {TensorType::q8_0, 1e-1}};
    for (const auto& [type, tol] : cases) {
        const auto got = pe::model::make_cpu_backend(synthetic(type), 2)->probe({ids, {}});
        double worst = 0;
        size_t worst_at = 0;
        for (size_t t = 0; t + 1 < ids.size(); ++t) {
            const double e = std::max(std::abs(got[t].logsumexp - ref[t].logsumexp),
                                      std::abs(*got[t].next_logprob - *ref[t].next_logprob));
            if (e > worst) { worst = e; worst_at = t; }
        }
        const std::string name(pe::gguf::type_traits(type).name);
        BOOST_TEST_MESSAGE(name << ": largest |Δ logprob or logsumexp| vs f32 " << worst << " at position " << worst_at);
        BOOST_TEST(worst < tol, name << ": largest error " << worst << " at position " << worst_at << ": got "
                                     << *got[worst_at].next_logprob << ", want " << *ref[worst_at].next_logprob);
        BOOST_TEST(worst > 0.0, name << " gave the f32 values exactly: its weights were not rounded");
    }
}

BOOST_AUTO_TEST_CASE(bad_requests_are_rejected) {
    const auto& m = synthetic(TensorType::f32);
    auto backend = pe::model::make_cpu_backend(m, 1);
    BOOST_CHECK_THROW(backend->probe({{1, 50304}, {}}), pe::Error);  // id == Vp
    BOOST_CHECK_THROW(backend->probe({{1, -1}, {}}), pe::Error);
    BOOST_CHECK_THROW(backend->probe({{}, {}}), pe::Error);
    BOOST_CHECK_THROW(backend->probe({{1, 2}, {60000}}), pe::Error);
    BOOST_CHECK_THROW(backend->probe({std::vector<int32_t>(2049, 1), {}}), pe::Error);  // > n_ctx
    BOOST_CHECK_THROW(backend->score({{{{1, 2}, {3, 4, 5}}}, LogitPrecision::fp32}), pe::Error);
    try {
        backend->score({{{{1, 2}, {3}}, {{1, 2}, {50304}}}, LogitPrecision::fp32});
        BOOST_ERROR("accepted an out-of-vocabulary target");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.field() == "score request 1 targets[0]");
        BOOST_TEST(e.message().find("50304") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
