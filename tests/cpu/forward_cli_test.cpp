// `pythia-eval synth` and `pythia-eval forward --json` end to end: the JSON schema, nulls at the
// last position, and every number equal to what the CPU backend gives in-process.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cstdio>
#include <string>

#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "tests/common/shared.hpp"

namespace {

struct Run {
    int status;
    std::string out;
};

Run run(const std::string& args) {
    const std::string cmd = (pe::test::binary_dir() / "pythia-eval").string() + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    BOOST_REQUIRE(p);
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forward_cli)

BOOST_AUTO_TEST_CASE(synth_then_forward_json) {
    const auto path = (pe::test::scratch_dir("forward_cli") / "tiny-q8.gguf").string();
    const Run synth = run("synth --shape tiny --dtype q8_0 --seed 3 " + path);
    BOOST_TEST_REQUIRE(synth.status == 0, synth.out);

    const std::vector<int32_t> ids = {12092, 13, 309, 717, 50303};
    const Run fwd = run("forward --model " + path + " --ids 12092,13,309,717,50303 --probe 0,13,50303 --threads 2 --json");
    BOOST_TEST_REQUIRE(fwd.status == 0, fwd.out);

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

BOOST_AUTO_TEST_CASE(bad_arguments_fail_with_one_line) {
    const auto path = (pe::test::scratch_dir("forward_cli_bad") / "tiny.gguf").string();
    BOOST_TEST_REQUIRE(run("synth --shape tiny " + path).status == 0);
    const Run bad_id = run("forward --model " + path + " --ids 1,2,x");
    BOOST_TEST(bad_id.status == 1);
    BOOST_TEST(bad_id.out == "pythia-eval: error: --ids: 'x' is not a token id (expected e.g. 1,2,3)\n");
    const Run out_of_vocab = run("forward --model " + path + " --ids 1,50304");
    BOOST_TEST(out_of_vocab.status == 1);
    BOOST_TEST(out_of_vocab.out.find("probe ids[1]: token id 50304 is outside the vocabulary [0, 50304)") !=
               std::string::npos, out_of_vocab.out);
    const Run no_tokenizer = run("forward --model " + path + " --text hello");
    BOOST_TEST(no_tokenizer.status == 1);
    BOOST_TEST(no_tokenizer.out.find("tokenizer") != std::string::npos, no_tokenizer.out);
    BOOST_TEST(run("forward --model " + path).status == 2);  // neither --ids nor --text: usage
    const Run shape = run("synth --shape 7b " + path + ".x");
    BOOST_TEST(shape.status == 1);
    BOOST_TEST(shape.out.find("--shape: unknown shape '7b'") != std::string::npos, shape.out);
}

BOOST_AUTO_TEST_SUITE_END()
