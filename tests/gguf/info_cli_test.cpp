// `pythia-eval info` on a small gptneox-style GGUF written here: exit 0 and the key lines (text
// and JSON); a bad file gives exit 1 and one line naming the file.
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <simdjson.h>
#include <string>

#include "engine/convert/convert.hpp"
#include "engine/gguf/writer.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

using namespace pe::gguf;

namespace {

using pe::test::CliResult;

CliResult run(const std::string& args) { return pe::test::run_cli(pe::test::words(args)); }

std::string write_model(const std::filesystem::path& dir) {
    const std::string path = (dir / "tiny.gguf").string();
    Writer w(path);
    w.add_string("general.architecture", "gptneox");
    w.add_string("general.name", "tiny-neox");
    w.add_string("general.description", "caf\xc3\xa9 \xff\"q\"\n");  // valid UTF-8, a stray byte, quotes
    w.add_u32("general.file_type", 1);
    w.add_u32("gptneox.context_length", 2048);
    w.add_u32("gptneox.embedding_length", 64);
    w.add_u32("gptneox.block_count", 1);
    w.add_f32("gptneox.attention.layer_norm_epsilon", 1e-5f);
    w.add_bool("gptneox.use_parallel_residual", true);
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "olmo");
    w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab", "<|endoftext|>"});
    w.add_string_array("tokenizer.ggml.merges", {"a b"});
    w.add_u32("tokenizer.ggml.bos_token_id", 3);
    w.add_u32("tokenizer.ggml.eos_token_id", 3);
    w.declare_tensor("token_embd.weight", TensorType::f16, {64, 4});
    w.declare_tensor("output_norm.bias", TensorType::f32, {64});
    w.declare_tensor("output.weight", TensorType::q8_0, {64, 4});
    w.write_tensor_data("token_embd.weight", std::vector<std::byte>(512));
    w.write_tensor_data("output_norm.bias", std::vector<std::byte>(256));
    w.write_tensor_data("output.weight", std::vector<std::byte>(272));
    w.commit();
    return path;
}

bool has_line(const std::string& out, const std::string& needle) {
    return out.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(info_cli)

BOOST_AUTO_TEST_CASE(text_report) {
    const std::string path = write_model(pe::test::scratch_dir("info_text"));
    const CliResult r = run("info " + path);
    BOOST_TEST_INFO("output:\n" << r.output);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(has_line(r.output, "architecture: gptneox\n"));
    BOOST_TEST(has_line(r.output, "parameters:   576 in 3 tensors (1040 bytes of tensor data)\n"));
    BOOST_TEST(has_line(r.output, "tokenizer:    model gpt2, pre olmo, 4 tokens, 1 merges, bos 3, eos 3\n"));
    BOOST_TEST(has_line(r.output, "  gptneox.embedding_length                 64\n"));
    BOOST_TEST(has_line(r.output, "  gptneox.attention.layer_norm_epsilon     1e-05\n"));
    BOOST_TEST(has_line(r.output, "  general.name                             \"tiny-neox\"\n"));
    BOOST_TEST(has_line(r.output, "  output.weight                    Q8_0  64 x 4                            272\n"));
    BOOST_TEST(has_line(r.output, "  token_embd.weight                F16   64 x 4                            512\n"));
}

BOOST_AUTO_TEST_CASE(json_report) {
    const std::string path = write_model(pe::test::scratch_dir("info_json"));
    const CliResult r = run("info --json " + path);
    BOOST_TEST_INFO("output:\n" << r.out);
    BOOST_TEST(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    BOOST_REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    BOOST_TEST(std::string_view(doc["architecture"]) == "gptneox");
    BOOST_TEST(uint64_t(doc["n_parameters"]) == 576u);
    BOOST_TEST(uint64_t(doc["hparams"]["gptneox.block_count"]) == 1u);
    // floats print as the shortest text that reads back as the same float
    BOOST_TEST(float(double(doc["hparams"]["gptneox.attention.layer_norm_epsilon"])) == 1e-5f);
    BOOST_TEST(bool(doc["hparams"]["gptneox.use_parallel_residual"]) == true);
    BOOST_TEST(uint64_t(doc["tokenizer"]["n_tokens"]) == 4u);
    BOOST_TEST(uint64_t(doc["tokenizer"]["eos_token_id"]) == 3u);
    BOOST_TEST(std::string_view(doc["general"]["general.name"]) == "tiny-neox");
    BOOST_TEST(std::string_view(doc["general"]["general.description"]) == "caf\xc3\xa9 \xef\xbf\xbd\"q\"\n");
    simdjson::dom::array tensors = doc["tensors"];
    BOOST_REQUIRE(tensors.size() == 3u);
    BOOST_TEST(std::string_view(tensors.at(2)["type"]) == "Q8_0");
    BOOST_TEST(uint64_t(tensors.at(2)["ne"].at(1)) == 4u);
    BOOST_TEST(uint64_t(tensors.at(2)["bytes"]) == 272u);
}

BOOST_AUTO_TEST_CASE(bad_file_is_one_line_and_exit_1) {
    const auto dir = pe::test::scratch_dir("info_bad");
    const std::string path = (dir / "broken.gguf").string();
    {
        std::ofstream f(path, std::ios::binary);
        f.write("GGUF\x03\x00\x00\x00", 8);  // stops inside the header
    }
    const CliResult r = run("info " + path);
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.out.empty(), r.out);  // no partial report
    BOOST_TEST(r.err.find(path) != std::string::npos, r.err);
    BOOST_TEST(r.err.find("header.n_tensors") != std::string::npos, r.err);
    BOOST_TEST(r.err.size() > 1u);
    BOOST_TEST(r.err.find('\n') == r.err.size() - 1, "expected exactly one line: " << r.err);
    const CliResult missing = run("info " + (dir / "absent.gguf").string());
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(missing.err.find("absent.gguf") != std::string::npos);
    const CliResult usage = run("info");
    BOOST_TEST(usage.exit_code == 2);
}

BOOST_AUTO_TEST_CASE(converted_tiny_neox, *boost::unit_test::precondition(pe::test::needs_shared)) {
    // info on the converter's output, checked against counts worked out from config.json and
    // tokenizer.json: every HF parameter except the attention buffers the converter drops.
    const auto hf_dir = pe::test::shared_path("fixtures/tiny-neox");
    const auto out = pe::test::scratch_dir("info_tiny_neox") / "tiny-neox.gguf";
    pe::convert::convert_hf_checkpoint(hf_dir.string(), out.string());
    simdjson::dom::parser parser;
    simdjson::dom::element config = parser.load((hf_dir / "config.json").string());
    const uint64_t C = uint64_t(config["hidden_size"]), L = uint64_t(config["num_hidden_layers"]);
    const uint64_t F = uint64_t(config["intermediate_size"]), V = uint64_t(config["vocab_size"]);
    const uint64_t H = uint64_t(config["num_attention_heads"]);
    const uint64_t per_layer = 2 * 2 * C          // two layernorms, weight and bias
                               + 3 * C * C + 3 * C  // fused qkv
                               + C * C + C          // attention output
                               + F * C + F          // dense_h_to_4h
                               + C * F + C;         // dense_4h_to_h
    const uint64_t n_params = V * C + L * per_layer + 2 * C + V * C;
    simdjson::dom::parser tok_parser;
    simdjson::dom::element tok = tok_parser.load((hf_dir / "tokenizer.json").string());
    const uint64_t n_merges = simdjson::dom::array(tok["model"]["merges"]).size();

    const CliResult r = run("info --json " + out.string());
    BOOST_TEST_INFO("output:\n" << r.out);
    BOOST_REQUIRE(r.exit_code == 0);
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    BOOST_REQUIRE(p.parse(r.out).get(doc) == simdjson::SUCCESS);
    BOOST_TEST(std::string_view(doc["architecture"]) == "gptneox");
    BOOST_TEST(uint64_t(doc["n_parameters"]) == n_params);
    BOOST_TEST(uint64_t(doc["n_tensors"]) == 2 + L * 12 + 2);
    BOOST_TEST(uint64_t(doc["hparams"]["gptneox.embedding_length"]) == C);
    BOOST_TEST(uint64_t(doc["hparams"]["gptneox.block_count"]) == L);
    BOOST_TEST(uint64_t(doc["hparams"]["gptneox.feed_forward_length"]) == F);
    BOOST_TEST(uint64_t(doc["hparams"]["gptneox.attention.head_count"]) == H);
    BOOST_TEST(uint64_t(doc["hparams"]["gptneox.rope.dimension_count"]) ==
               uint64_t(double(config["rotary_pct"]) * double(C / H)));
    BOOST_TEST(uint64_t(doc["tokenizer"]["n_tokens"]) == V);
    BOOST_TEST(uint64_t(doc["tokenizer"]["n_merges"]) == n_merges);
    BOOST_TEST(std::string_view(doc["tokenizer"]["model"]) == "gpt2");
}

BOOST_AUTO_TEST_SUITE_END()
