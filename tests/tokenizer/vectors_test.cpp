// The 334 test vectors of shared/tokenizer (neox-gguf-tokenizer.md §4.7): HF's ids for edge cases.
#include <boost/test/unit_test.hpp>

#include "engine/tokenizer/unicode.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

using boost::unit_test::precondition;

BOOST_AUTO_TEST_CASE(all_334_vectors_give_hf_ids, *precondition(pe::test::needs_shared)) {
    const auto& tok = pe::test::json_tokenizer();
    auto vectors = pe::test::load_token_vectors();
    BOOST_TEST(vectors.size() == 334u);
    size_t passed = 0;
    for (const auto& v : vectors) {
        auto diff = pe::test::ids_diff(tok.encode(v.text), v.ids);
        BOOST_TEST(diff.empty(), v.source << " " << pe::test::json_quote(v.text) << ": " << diff);
        passed += diff.empty();
    }
    BOOST_TEST_MESSAGE("vectors passed: " << passed << " of " << vectors.size());
}

BOOST_AUTO_TEST_CASE(vectors_decode_to_nfc_text, *precondition(pe::test::needs_shared)) {
    const auto& tok = pe::test::json_tokenizer();
    for (const auto& v : pe::test::load_token_vectors()) {
        auto text = tok.decode(v.ids);
        BOOST_TEST(text == pe::tokenizer::nfc(v.text),
                   v.source << ": decode gives " << pe::test::json_quote(text) << ", want "
                            << pe::test::json_quote(pe::tokenizer::nfc(v.text)));
    }
}
