// `pythia-eval tokenize` end to end: the 334 vectors through --json (tokenizer.json, HF model
// folder and GGUF give the same output), lines mode, --decode, and one-line errors with no output.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <fstream>

#include "engine/tokenizer/unicode.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

namespace fs = std::filesystem;
using boost::unit_test::precondition;

namespace {

pe::test::CliResult run_tokenize(const std::string& args, const std::string& input, const std::string& name) {
    const auto dir = pe::test::scratch_dir("tokenize-cli-" + name);
    std::ofstream(dir / "in", std::ios::binary) << input;
    return pe::test::run_cli(pe::test::words("tokenize " + args), {}, dir / "in");
}

std::string tok_arg() { return "--tokenizer " + pe::test::tokenizer_json_path(); }

}  // namespace

BOOST_AUTO_TEST_CASE(json_mode_gives_hf_ids_for_all_vectors, *precondition(pe::test::needs_shared)) {
    auto vectors = pe::test::load_token_vectors();
    std::string in = "[";
    for (size_t i = 0; i < vectors.size(); ++i) in += (i ? "," : "") + pe::test::json_quote(vectors[i].text);
    in += "]";
    auto r = run_tokenize(tok_arg() + " --json", in, "json");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    simdjson::dom::parser parser;
    simdjson::dom::array lists = parser.parse(r.out).get_array();
    BOOST_TEST_REQUIRE(lists.size() == vectors.size());
    size_t i = 0;
    std::string decode_in = "[";
    for (auto list : lists) {
        std::vector<int32_t> got;
        for (auto id : list.get_array()) got.push_back(int32_t(int64_t(id)));
        auto diff = pe::test::ids_diff(got, vectors[i].ids);
        BOOST_TEST(diff.empty(), vectors[i].source << ": " << diff);
        decode_in += (i ? "," : "") + std::string(simdjson::minify(list));
        ++i;
    }
    // The HF model folder form of --model reads the same tokenizer.json.
    auto folder = run_tokenize("--model " + pe::test::shared_path("fixtures/tiny-neox").string() + " --json", in, "folder");
    BOOST_TEST(folder.out == r.out);
    // And a GGUF with the same tokenizer in tokenizer.ggml.* keys.
    auto gguf = pe::test::write_tokenizer_gguf("cli", pe::test::gguf_keys_from_tokenizer_json(50304));
    auto from_gguf = run_tokenize("--model " + gguf + " --json", in, "gguf");
    BOOST_TEST(from_gguf.exit_code == 0, from_gguf.err);
    BOOST_TEST(from_gguf.out == r.out);

    auto d = run_tokenize(tok_arg() + " --json --decode", decode_in + "]", "json-decode");
    BOOST_TEST_REQUIRE(d.exit_code == 0, d.err);
    simdjson::dom::array texts = parser.parse(d.out).get_array();
    i = 0;
    for (auto t : texts) {
        BOOST_TEST(std::string(std::string_view(t.get_string())) == pe::tokenizer::nfc(vectors[i].text), vectors[i].source);
        ++i;
    }
}

BOOST_AUTO_TEST_CASE(lines_mode_round_trips, *precondition(pe::test::needs_shared)) {
    auto r = run_tokenize(tok_arg(), "Hello world\nHello  world\n\na<|endoftext|>b", "lines");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out == "12092 1533\n12092 50276 10186\n\n66 0 67\n");
    auto d = run_tokenize(tok_arg() + " --decode", r.out, "lines-decode");
    BOOST_TEST(d.out == "Hello world\nHello  world\n\na<|endoftext|>b\n");
}

BOOST_AUTO_TEST_CASE(bad_input_gives_one_error_line_and_no_output, *precondition(pe::test::needs_shared)) {
    struct Case {
        std::string args, input, expect_in_error;
    };
    std::vector<Case> cases = {
        {tok_arg(), "fine\nab\xff" "c\n", "<stdin>: line 2: not valid UTF-8"},
        {tok_arg() + " --json", "[\"a\", 3]", "<stdin>: [1]: expected a string"},
        {tok_arg() + " --json", "[\"a\"", "not valid JSON"},
        {tok_arg() + " --decode", "12 x 5\n", "'x' is not a token id"},
        {tok_arg() + " --decode", "1 2\n50277\n", "<stdin>: line 2 ids[0]: id 50277 is not in the vocabulary"},
        {"--tokenizer /nonexistent/tokenizer.json", "x\n", "/nonexistent/tokenizer.json"},
        {"--model /nonexistent/m.gguf", "x\n", "/nonexistent/m.gguf"},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        auto r = run_tokenize(cases[i].args, cases[i].input, "error-" + std::to_string(i));
        BOOST_TEST(r.exit_code == 1, "case " << i << ": exit " << r.exit_code);
        BOOST_TEST(r.out.empty(), "case " << i << ": printed " << r.out);
        BOOST_TEST(r.err.find(cases[i].expect_in_error) != std::string::npos, "case " << i << ": " << r.err);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "case " << i << ": " << r.err);
    }
    auto usage = run_tokenize("", "x\n", "usage");
    BOOST_TEST(usage.exit_code == 2);
}
