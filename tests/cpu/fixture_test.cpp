// The whole CPU forward pass against HF's logits: tiny-neox (shared/fixtures/tiny-neox) converted to
// GGUF, all four sequences of reference_logits.json (up to the full 2048 context): logsumexp, max,
// probe logits and next-token logits within 1e-4, argmax equal.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/convert/convert.hpp"
#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "tests/common/shared.hpp"

namespace {

// tiny-neox converted once per run, keeping its fp16 weights (the reference ran on those values).
const pe::model::Model& tiny_neox() {
    static const pe::model::Model model = [] {
        const auto path = (pe::test::scratch_dir("cpu_fixture") / "tiny-neox-f16.gguf").string();
        pe::convert::convert_hf_checkpoint(pe::test::shared_path("fixtures/tiny-neox").string(), path);
        return pe::model::Model::load(path);
    }();
    return model;
}

struct Worst {
    double error = 0;
    std::string where;
    double got = 0, want = 0;
    void update(double g, double w, const std::string& at) {
        const double e = std::abs(g - w);
        if (e > error || std::isnan(e)) *this = {std::isnan(e) ? INFINITY : e, at, g, w};
    }
};

// needs_shared through a function pointer: GCC 12 warns (-Werror) on copying the empty
// NeedsShared object into boost::function's buffer in this translation unit.
boost::test_tools::assertion_result shared_present(boost::unit_test::test_unit_id id) {
    return pe::test::needs_shared(id);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cpu_fixture, *boost::unit_test::precondition(shared_present))

BOOST_AUTO_TEST_CASE(tiny_neox_matches_hf_logits) {
    simdjson::dom::parser parser;
    const simdjson::dom::element ref =
        parser.load(pe::test::shared_path("fixtures/tiny-neox/reference_logits.json").string());
    std::vector<int32_t> probe_ids;
    for (int64_t id : ref["probe_ids"].get_array()) probe_ids.push_back(int32_t(id));

    const auto& model = tiny_neox();
    BOOST_TEST(model.hparams().n_vocab == 50304u);
    auto backend = pe::model::make_cpu_backend(model, 0);
    size_t n_sequences = 0;
    for (auto [name_view, seq] : ref["sequences"].get_object()) {
        const std::string name(name_view);
        std::vector<int32_t> ids;
        for (int64_t id : seq["ids"].get_array()) ids.push_back(int32_t(id));
        const auto got = backend->probe({ids, probe_ids});
        const auto positions = seq["positions"].get_array();
        BOOST_TEST_REQUIRE(got.size() == positions.size());

        Worst lse, mx, probe, next;
        size_t argmax_mismatches = 0, t = 0;
        for (simdjson::dom::element p : positions) {
            const std::string at = name + " position " + std::to_string(t);
            const auto& g = got[t];
            lse.update(g.logsumexp, double(p["logsumexp"]), at);
            mx.update(g.max, double(p["max"]), at);
            if (g.argmax != int64_t(p["argmax"])) {
                ++argmax_mismatches;
                BOOST_ERROR(at << ": argmax " << g.argmax << ", want " << int64_t(p["argmax"]));
            }
            size_t k = 0;
            for (double v : p["probe"].get_array()) {
                probe.update(g.probe[k], v, at + " probe id " + std::to_string(probe_ids[k]));
                ++k;
            }
            if (p["next_id"].is_null()) {
                BOOST_TEST(!g.next_id.has_value(), at);
            } else {
                BOOST_TEST_REQUIRE(g.next_id.has_value(), at);
                BOOST_TEST(*g.next_id == int64_t(p["next_id"]), at);
                // Reference gives the next token's logit; ours is its log-prob = logit - logsumexp.
                next.update(*g.next_logprob + g.logsumexp, double(p["next_logit"]), at);
            }
            ++t;
        }
        for (const auto& [what, w] : {std::pair{"logsumexp", lse}, {"max", mx}, {"probe logit", probe},
                                      {"next-token logit", next}}) {
            BOOST_TEST_MESSAGE(name << " " << what << ": largest error " << w.error << " at " << w.where);
            BOOST_TEST(w.error < 1e-4, name << " " << what << ": largest error " << w.error << " at " << w.where
                                            << ": got " << w.got << ", want " << w.want);
        }
        BOOST_TEST(argmax_mismatches == 0u);
        ++n_sequences;
    }
    BOOST_TEST(n_sequences == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
