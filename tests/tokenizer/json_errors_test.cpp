// Small hand-made tokenizer.json files: BPE merge order, and one file per validation rule of
// vocabulary_json.cpp, asserting the error's kind and field.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "engine/error.hpp"
#include "engine/tokenizer/byte_level.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

using pe::tokenizer::Tokenizer;

namespace {

struct TinyJson {
    std::string normalizer = R"({"type":"NFC"})";
    std::string pre_tokenizer = R"({"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true})";
    std::string decoder = R"({"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true})";
    std::string model_extra = R"("dropout":null,"unk_token":null,)";
    std::vector<std::string> extra_vocab;  // ids 256, 257, ... after the 256 byte characters
    std::string merges = "[]";
    std::string added = R"([{"id":300,"content":"<|endoftext|>","special":true,"normalized":false,"lstrip":false,"rstrip":false,"single_word":false}])";

    std::string write(const std::string& name) const {
        std::string vocab;
        for (int b = 0; b < 256; ++b) {
            std::string c(1, char(b));
            vocab += pe::test::json_quote(pe::tokenizer::byte_level_encode(c)) + ":" + std::to_string(b) + ",";
        }
        for (size_t i = 0; i < extra_vocab.size(); ++i)
            vocab += pe::test::json_quote(extra_vocab[i]) + ":" + std::to_string(256 + i) + ",";
        vocab.pop_back();
        auto path = pe::test::scratch_dir("tokenizer-json-" + name) / "tokenizer.json";
        std::ofstream(path) << R"({"version":"1.0","added_tokens":)" << added << R"(,"normalizer":)" << normalizer
                            << R"(,"pre_tokenizer":)" << pre_tokenizer << R"(,"post_processor":null,"decoder":)" << decoder
                            << R"(,"model":{"type":"BPE",)" << model_extra << R"("vocab":{)" << vocab << R"(},"merges":)" << merges << "}}";
        return path.string();
    }
};

void expect_error(const TinyJson& j, const std::string& name, pe::ErrorKind kind, const std::string& field) {
    try {
        (void)Tokenizer::from_json_file(j.write(name));
        BOOST_ERROR(name << ": accepted");
    } catch (const pe::Error& e) {
        BOOST_TEST(int(e.kind()) == int(kind), name << ": " << e.what());
        BOOST_TEST(e.field() == field, name << ": " << e.what());
        BOOST_TEST(e.file() == "tokenizer.json", name << ": " << e.what());
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(bpe_merges_lowest_rank_first_then_leftmost) {
    TinyJson j;
    j.extra_vocab = {"aa", "bc", "ab", "aaaa"};
    j.merges = R"(["a a", "b c", "a b", "aa aa"])";
    auto tok = Tokenizer::from_json_file(j.write("merges"));
    BOOST_TEST(tok.encode("aaa") == (std::vector<int32_t>{256, 'a'}));   // leftmost pair first
    BOOST_TEST(tok.encode("abc") == (std::vector<int32_t>{'a', 257}));   // "b c" outranks "a b"
    BOOST_TEST(tok.encode("aaaaa") == (std::vector<int32_t>{259, 'a'}));  // merges of merges
    BOOST_TEST(tok.encode("ab<|endoftext|>") == (std::vector<int32_t>{258, 300}));
    BOOST_TEST(tok.vocab_size() == 301u);
    std::vector<int32_t> hole = {299};
    BOOST_CHECK_THROW((void)tok.decode(hole), pe::Error);  // an id that names nothing
}

BOOST_AUTO_TEST_CASE(unreadable_or_malformed_files_are_refused) {
    BOOST_CHECK_EXCEPTION((void)Tokenizer::from_json_file("/nonexistent/tokenizer.json"), pe::Error,
                          [](const pe::Error& e) { return e.kind() == pe::ErrorKind::io; });
    auto path = pe::test::scratch_dir("tokenizer-json-garbage") / "tokenizer.json";
    std::ofstream(path) << "{\"model\": [";
    BOOST_CHECK_EXCEPTION((void)Tokenizer::from_json_file(path.string()), pe::Error,
                          [](const pe::Error& e) { return e.kind() == pe::ErrorKind::bad_input; });
}

BOOST_AUTO_TEST_CASE(each_validation_rule_names_its_field) {
    using K = pe::ErrorKind;
    TinyJson j;
    j = {}; j.normalizer = R"({"type":"NFKC"})";
    expect_error(j, "nfkc", K::unsupported, "normalizer");
    j = {}; j.normalizer = "null";
    expect_error(j, "no-normalizer", K::unsupported, "normalizer");
    j = {}; j.pre_tokenizer = R"({"type":"ByteLevel","add_prefix_space":true})";
    expect_error(j, "prefix-space", K::unsupported, "pre_tokenizer.add_prefix_space");
    j = {}; j.pre_tokenizer = R"({"type":"ByteLevel","use_regex":false})";
    expect_error(j, "no-regex", K::unsupported, "pre_tokenizer.use_regex");
    j = {}; j.pre_tokenizer = R"({"type":"Whitespace"})";
    expect_error(j, "whitespace", K::unsupported, "pre_tokenizer");
    j = {}; j.decoder = R"({"type":"WordPiece"})";
    expect_error(j, "decoder", K::unsupported, "decoder");
    j = {}; j.model_extra = R"("dropout":0.1,)";
    expect_error(j, "dropout", K::unsupported, "model.dropout");
    j = {}; j.model_extra = R"("continuing_subword_prefix":"##",)";
    expect_error(j, "prefix", K::unsupported, "model.continuing_subword_prefix");
    j = {}; j.model_extra = R"("ignore_merges":true,)";
    expect_error(j, "ignore-merges", K::unsupported, "model.ignore_merges");
    j = {}; j.merges = R"(["a a"])";
    expect_error(j, "merge-result", K::bad_input, "model.merges[0]");  // "aa" is not in the vocab
    j = {}; j.merges = R"(["a"])";
    expect_error(j, "merge-format", K::bad_input, "model.merges[0]");
    j = {}; j.added = R"([{"id":300,"content":"<x>","special":true,"normalized":false,"lstrip":true}])";
    expect_error(j, "lstrip", K::unsupported, "added_tokens[0].lstrip");
    j = {}; j.added = R"([{"id":-3,"content":"<x>","special":true}])";
    expect_error(j, "negative-id", K::bad_input, "added_tokens[0].id");
    j = {}; j.added = R"([{"id":300,"content":"","special":true}])";
    expect_error(j, "empty-content", K::bad_input, "added_tokens[0].content");
}

BOOST_AUTO_TEST_CASE(newer_merge_format_is_read_the_same) {
    TinyJson j;
    j.extra_vocab = {"aa", "bc", "ab", "aaaa"};
    j.merges = R"([["a","a"], ["b","c"], ["a","b"], ["aa","aa"]])";
    auto tok = Tokenizer::from_json_file(j.write("merge-pairs"));
    BOOST_TEST(tok.encode("aaaaabc") == (std::vector<int32_t>{259, 'a', 257}));
}
