// A tokenizer built from GGUF tokenizer.ggml.* keys written in llama.cpp's convention (§4.5)
// must equal the one built from tokenizer.json: same vocabulary, same ids on every test string.
#include <boost/test/unit_test.hpp>
#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/tokenizer/gguf_keys.hpp"
#include "engine/tokenizer/vocabulary.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

using boost::unit_test::precondition;

namespace {

const pe::tokenizer::Tokenizer& gguf_tokenizer() {
    static const auto tok = [] {
        auto reader = pe::gguf::Reader::open(pe::test::write_tokenizer_gguf("pythia", pe::test::gguf_keys_from_tokenizer_json(50304)));
        return pe::tokenizer::Tokenizer::from_gguf(reader);
    }();
    return tok;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gguf_and_json_vocabularies_are_equal, *precondition(pe::test::needs_shared)) {
    auto reader = pe::gguf::Reader::open(pe::test::write_tokenizer_gguf("vocab", pe::test::gguf_keys_from_tokenizer_json(50304)));
    auto from_gguf = pe::tokenizer::vocabulary_from_gguf(reader);
    auto from_json = pe::tokenizer::vocabulary_from_json(pe::test::tokenizer_json_path());
    BOOST_TEST(from_gguf.tokens.size() == 50277u);  // the PAD entries are not usable ids
    BOOST_TEST(from_gguf.tokens == from_json.tokens);
    BOOST_TEST(from_gguf.has_token == from_json.has_token);
    BOOST_TEST((from_gguf.bpe_ids == from_json.bpe_ids));
    BOOST_TEST((from_gguf.merges == from_json.merges));
    auto key = [](const pe::tokenizer::AddedToken& a) { return std::tuple(a.id, a.content, a.special, a.normalized); };
    std::vector<std::tuple<int32_t, std::string, bool, bool>> a, b;
    for (const auto& t : from_gguf.added) a.push_back(key(t));
    for (const auto& t : from_json.added) b.push_back(key(t));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    BOOST_TEST(a.size() == 25u);
    BOOST_TEST((a == b));
}

BOOST_AUTO_TEST_CASE(gguf_tokenizer_passes_all_vectors, *precondition(pe::test::needs_shared)) {
    const auto& tok = gguf_tokenizer();
    BOOST_TEST(tok.vocab_size() == pe::test::json_tokenizer().vocab_size());
    for (const auto& v : pe::test::load_token_vectors()) {
        auto diff = pe::test::ids_diff(tok.encode(v.text), v.ids);
        BOOST_TEST(diff.empty(), v.source << " " << pe::test::json_quote(v.text) << ": " << diff);
        BOOST_TEST(tok.decode(v.ids) == pe::test::json_tokenizer().decode(v.ids), v.source << ": decode differs");
    }
}

BOOST_AUTO_TEST_CASE(gguf_tokenizer_matches_every_request, *precondition(pe::test::needs_shared)) {
    const auto& tok = gguf_tokenizer();
    auto requests = pe::test::load_sample_requests("lmeval-fp32-full.samples.jsonl");
    size_t mismatches = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        auto ctx = tok.encode(r.context);
        auto cont = tok.encode(r.continuation);
        bool same = ctx == r.ctx_ids && cont == r.cont_ids &&
                    tok.decode(ctx) == pe::test::json_tokenizer().decode(ctx);
        if (!same && ++mismatches <= 10)
            BOOST_TEST(false, "request " << i << ": context " << pe::test::ids_diff(ctx, r.ctx_ids)
                                         << "; continuation " << pe::test::ids_diff(cont, r.cont_ids));
    }
    BOOST_TEST(mismatches == 0u, mismatches << " of " << requests.size() << " requests differ");
}

BOOST_AUTO_TEST_CASE(gguf_without_a_usable_tokenizer_is_refused, *precondition(pe::test::needs_shared)) {
    auto k = pe::test::gguf_keys_from_tokenizer_json(50304);
    {
        auto reader = pe::gguf::Reader::open(pe::test::write_tokenizer_gguf("llama", k, "llama"));
        try {
            (void)pe::tokenizer::Tokenizer::from_gguf(reader);
            BOOST_FAIL("a SentencePiece ('llama') tokenizer was accepted");
        } catch (const pe::Error& e) {
            BOOST_TEST(int(e.kind()) == int(pe::ErrorKind::unsupported));
            BOOST_TEST(e.field() == "tokenizer.ggml.model");
        }
    }
    {
        auto bad = k;
        bad.merges[7] = "Ġ t x";
        auto reader = pe::gguf::Reader::open(pe::test::write_tokenizer_gguf("merge", bad));
        try {
            (void)pe::tokenizer::Tokenizer::from_gguf(reader);
            BOOST_FAIL("a malformed merge was accepted");
        } catch (const pe::Error& e) {
            BOOST_TEST(e.field() == "tokenizer.ggml.merges[7]");
            BOOST_TEST(e.offset().has_value());
        }
    }
    {
        auto bad = k;
        bad.types.pop_back();
        auto reader = pe::gguf::Reader::open(pe::test::write_tokenizer_gguf("types", bad));
        BOOST_CHECK_EXCEPTION((void)pe::tokenizer::Tokenizer::from_gguf(reader), pe::Error,
                              [](const pe::Error& e) { return e.field() == "tokenizer.ggml.token_type"; });
    }
    {
        auto bad = k;
        bad.merges[3] = "Ġ zzzunknown";  // right part not in the vocabulary
        auto reader = pe::gguf::Reader::open(pe::test::write_tokenizer_gguf("unknown", bad));
        BOOST_CHECK_EXCEPTION((void)pe::tokenizer::Tokenizer::from_gguf(reader), pe::Error,
                              [](const pe::Error& e) { return e.field() == "tokenizer.ggml.merges[3]"; });
    }
}

BOOST_AUTO_TEST_CASE(gguf_and_json_tokenizers_agree_on_generated_strings, *precondition(pe::test::needs_shared)) {
    const auto& json = pe::test::json_tokenizer();
    const auto& gguf = gguf_tokenizer();
    size_t mismatches = 0, i = 0;
    for (const auto& s : pe::test::generated_strings()) {
        auto ids = json.encode(s);
        auto diff = pe::test::ids_diff(gguf.encode(s), ids);
        bool same = diff.empty() && gguf.decode(ids) == json.decode(ids);
        if (!same && ++mismatches <= 10) BOOST_TEST(false, "string " << i << " " << pe::test::json_quote(s) << ": " << diff);
        ++i;
    }
    BOOST_TEST(mismatches == 0u);
    // Every id, decoded alone (split UTF-8 sequences included), gives the same text.
    for (int32_t id = 0; id < int32_t(json.vocab_size()); ++id) {
        std::vector<int32_t> one = {id};
        if (gguf.decode(one) != json.decode(one) && ++mismatches <= 20) BOOST_TEST(false, "id " << id << " decodes differently");
    }
    BOOST_TEST(mismatches == 0u);
}
