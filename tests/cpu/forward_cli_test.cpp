// `pythia-eval synth` and `pythia-eval forward --json` end to end: the JSON schema, nulls at the
// last position, and every number equal to what the CPU backend gives in-process.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

namespace {

using pe::test::CliResult;

CliResult run(const std::string& args, const pe::test::Env& env = {}) {
    return pe::test::run_cli(pe::test::words(args), env);
}

// needs_shared through a function pointer (see fixture_test.cpp: GCC 12 -Werror on the empty functor).
boost::test_tools::assertion_result shared_present(boost::unit_test::test_unit_id id) {
    return pe::test::needs_shared(id);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forward_cli)

BOOST_AUTO_TEST_CASE(synth_then_forward_json) {
    const auto path = (pe::test::scratch_dir("forward_cli") / "tiny-q8.gguf").string();
    const CliResult synth = run("synth --shape tiny --dtype q8_0 --seed 3 " + path);
    BOOST_TEST_REQUIRE(synth.exit_code == 0, synth.err);

    const std::vector<int32_t> ids = {12092, 13, 309, 717, 50303};
    const CliResult fwd = run("forward --model " + path + " --ids 12092,13,309,717,50303 --probe 0,13,50303 --threads 2 --json");
    BOOST_TEST_REQUIRE(fwd.exit_code == 0, fwd.err);

    const auto model = pe::model::Model::load(path);
    const auto want = pe::model::make_cpu_backend(model, 1)->probe({ids, {0, 13, 50303}});

    simdjson::dom::parser parser;
    const simdjson::dom::element doc = parser.parse(fwd.out);
    BOOST_TEST(std::string(std::string_view(doc["model"])) == "synthetic-pythia-tiny-seed3");
    BOOST_TEST(std::string(std::string_view(doc["backend"])) == "cpu");
    const simdjson::dom::array positions = doc["positions"];
    BOOST_TEST_REQUIRE(positions.size() == ids.size());
    size_t t = 0;
    for (simdjson::dom::element p : positions) {
        const auto& w = want[t];
        BOOST_TEST(int64_t(p["pos"]) == int64_t(t));
        BOOST_TEST(double(p["logsumexp"]) == w.logsumexp);  // printed with 17 digits: round-trips
        BOOST_TEST(int64_t(p["argmax"]) == w.argmax);
        BOOST_TEST(float(double(p["max"])) == w.max);        // 9 digits: round-trips a float
        BOOST_TEST(float(double(p["probe"]["13"])) == w.probe[1]);
        BOOST_TEST(float(double(p["probe"]["50303"])) == w.probe[2]);
        if (t + 1 < ids.size()) {
            BOOST_TEST(int64_t(p["next_id"]) == ids[t + 1]);
            BOOST_TEST(double(p["next_logprob"]) == *w.next_logprob);
        } else {
            BOOST_TEST(p["next_id"].is_null());
            BOOST_TEST(p["next_logprob"].is_null());
        }
        ++t;
    }
}

// The HF folder itself as --model (converted into a scratch cache), against HF's own logits.
BOOST_AUTO_TEST_CASE(forward_json_on_the_hf_fixture_folder, *boost::unit_test::precondition(shared_present)) {
    const auto cache = pe::test::scratch_dir("forward_cli_cache");
    const auto folder = pe::test::shared_path("fixtures/tiny-neox");
    simdjson::dom::parser ref_parser;
    const simdjson::dom::element ref = ref_parser.load((folder / "reference_logits.json").string());
    const simdjson::dom::element hello = ref["sequences"]["hello"];
    std::string ids, probe;
    for (int64_t id : hello["ids"].get_array()) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    std::vector<int64_t> probe_ids;
    for (int64_t id : ref["probe_ids"].get_array()) {
        probe += (probe.empty() ? "" : ",") + std::to_string(id);
        probe_ids.push_back(id);
    }
    const CliResult fwd = run("forward --model " + folder.string() + " --ids " + ids + " --probe " + probe + " --json",
                        {{"XDG_CACHE_HOME", cache.string()}});
    BOOST_TEST_REQUIRE(fwd.exit_code == 0, fwd.err);
    simdjson::dom::parser parser;
    const simdjson::dom::element doc = parser.parse(fwd.out);
    BOOST_TEST(std::string(std::string_view(doc["model"])) == "tiny-neox");
    const simdjson::dom::array got = doc["positions"];
    const simdjson::dom::array want = hello["positions"];
    BOOST_TEST_REQUIRE(got.size() == want.size());
    for (size_t t = 0; t < want.size(); ++t) {
        const simdjson::dom::element g = got.at(t), w = want.at(t);
        BOOST_TEST(std::abs(double(g["logsumexp"]) - double(w["logsumexp"])) < 1e-4, "position " << t);
        BOOST_TEST(int64_t(g["argmax"]) == int64_t(w["argmax"]), "position " << t);
        size_t k = 0;
        for (double v : w["probe"].get_array()) {
            const double p = g["probe"][std::to_string(probe_ids[k++])];
            BOOST_TEST(std::abs(p - v) < 1e-4, "position " << t << " probe " << probe_ids[k - 1]);
        }
        if (!w["next_id"].is_null())
            BOOST_TEST(std::abs(double(g["next_logprob"]) + double(g["logsumexp"]) - double(w["next_logit"])) < 1e-4);
    }
}

BOOST_AUTO_TEST_CASE(bad_arguments_fail_with_one_line) {
    const auto path = (pe::test::scratch_dir("forward_cli_bad") / "tiny.gguf").string();
    BOOST_TEST_REQUIRE(run("synth --shape tiny " + path).exit_code == 0);
    const CliResult bad_id = run("forward --model " + path + " --ids 1,2,x");
    BOOST_TEST(bad_id.exit_code == 1);
    BOOST_TEST(bad_id.err == "pythia-eval: error: --ids: 'x' is not a token id (expected e.g. 1,2,3)\n");
    const CliResult out_of_vocab = run("forward --model " + path + " --ids 1,50304");
    BOOST_TEST(out_of_vocab.exit_code == 1);
    BOOST_TEST(out_of_vocab.err.find("probe ids[1]: token id 50304 is outside the vocabulary [0, 50304)") !=
               std::string::npos, out_of_vocab.err);
    BOOST_TEST(out_of_vocab.out.empty());  // no partial output
    const CliResult no_tokenizer = run("forward --model " + path + " --text hello");
    BOOST_TEST(no_tokenizer.exit_code == 1);
    BOOST_TEST(no_tokenizer.err.find("tokenizer") != std::string::npos, no_tokenizer.err);
    BOOST_TEST(run("forward --model " + path).exit_code == 2);  // neither --ids nor --text: usage
    const CliResult shape = run("synth --shape 7b " + path + ".x");
    BOOST_TEST(shape.exit_code == 1);
    BOOST_TEST(shape.err.find("--shape: unknown shape '7b'") != std::string::npos, shape.err);
}

BOOST_AUTO_TEST_SUITE_END()
