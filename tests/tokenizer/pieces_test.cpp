// The tokenizer's small parts against values fixed by their definitions: GPT-2's byte table,
// UTF-8 well-formedness (Unicode table 3-7), Rust's from_utf8_lossy, leftmost-longest matching,
// BPE tie-breaking; and the errors encode/decode give.
#include <boost/test/unit_test.hpp>

#include <thread>

#include "engine/error.hpp"
#include "engine/tokenizer/added_tokens.hpp"
#include "engine/tokenizer/byte_level.hpp"
#include "engine/tokenizer/pre_tokenizer.hpp"
#include "engine/tokenizer/unicode.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

using namespace pe::tokenizer;
using boost::unit_test::precondition;

BOOST_AUTO_TEST_CASE(byte_table_is_gpt2s) {
    BOOST_TEST(uint32_t(byte_to_char(' ')) == 0x120u);   // 'Ġ'
    BOOST_TEST(uint32_t(byte_to_char('\n')) == 0x10Au);  // 'Ċ'
    BOOST_TEST(uint32_t(byte_to_char('\t')) == 0x109u);  // 'ĉ'
    BOOST_TEST(uint32_t(byte_to_char('!')) == uint32_t('!'));
    BOOST_TEST(uint32_t(byte_to_char(0xAD)) == 0x143u);  // the 68th and last remapped byte
    BOOST_TEST(uint32_t(byte_to_char(0xFF)) == 0xFFu);
    BOOST_TEST(byte_level_encode("Hello world") == "Hello\u0120world");
    for (int b = 0; b < 256; ++b) {
        std::string s(1, char(b));
        BOOST_TEST(byte_level_decode(byte_level_encode(s)).value() == s);
    }
    BOOST_TEST(!byte_level_decode("  ").has_value());  // raw space is not a byte-level char
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_found_at_its_first_byte) {
    BOOST_TEST(!find_invalid_utf8("plain \u00e9\u4e2d\U0001F600").has_value());
    BOOST_TEST(!find_invalid_utf8("\xf4\x8f\xbf\xbf").has_value());       // U+10FFFF
    BOOST_TEST(find_invalid_utf8("ab\xff" "c").value() == 2u);
    BOOST_TEST(find_invalid_utf8("\xc0\xaf").value() == 0u);             // overlong '/'
    BOOST_TEST(find_invalid_utf8("x\xed\xa0\x80").value() == 1u);        // surrogate U+D800
    BOOST_TEST(find_invalid_utf8("\xf4\x90\x80\x80").value() == 0u);     // above U+10FFFF
    BOOST_TEST(find_invalid_utf8("a\xe2\x82").value() == 1u);            // truncated at the end
}

BOOST_AUTO_TEST_CASE(lossy_decoding_replaces_maximal_bad_subsequences) {
    const std::string fffd = "\uFFFD";
    BOOST_TEST(utf8_lossy("ok \u20ac") == "ok \u20ac");
    BOOST_TEST(utf8_lossy("\xe2\x82") == fffd);                 // one truncated sequence
    BOOST_TEST(utf8_lossy("\xf0\x9f\x98" "a") == fffd + "a");
    BOOST_TEST(utf8_lossy("\xff\xfe") == fffd + fffd);
    BOOST_TEST(utf8_lossy("\xed\xa0\x80") == fffd + fffd + fffd);  // no maximal prefix of a surrogate
    BOOST_TEST(utf8_lossy("\xe2\x28\xa1") == fffd + "(" + fffd);
}

BOOST_AUTO_TEST_CASE(nfc_composes) {
    BOOST_TEST(nfc("e\u0301") == "\u00e9");
    BOOST_TEST(nfc("\u212b") == "\u00c5");
    BOOST_TEST(nfc("\u1100\u1161") == "\uac00");
    BOOST_TEST(nfc("ascii stays") == "ascii stays");
}

BOOST_AUTO_TEST_CASE(added_tokens_match_leftmost_longest) {
    AddedTokenSplitter s({{10, "ab", true, false}, {11, "abc", true, false}, {12, "bcd", true, false}});
    std::vector<Piece> p;
    s.split("xabcd", p);  // "abc" starts first and is longest there; "bcd" overlaps it
    BOOST_TEST_REQUIRE(p.size() == 3u);
    BOOST_TEST(p[0].text == "x");
    BOOST_TEST(p[1].id == 11);
    BOOST_TEST(p[2].text == "d");
    p.clear();
    s.split("abab", p);
    BOOST_TEST_REQUIRE(p.size() == 2u);
    BOOST_TEST((p[0].id == 10 && p[1].id == 10));
}

BOOST_AUTO_TEST_CASE(pre_tokenizer_splits_like_gpt2) {
    PreTokenizer pre;
    std::vector<std::string_view> w;
    pre.split("It'S x\n\n\ny  z 12ab!!", w);
    std::vector<std::string> got(w.begin(), w.end());
    std::vector<std::string> want = {"It", "'", "S", " x", "\n\n", "\n", "y", " ", " z", " 12", "ab", "!!"};
    BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(encode_refuses_invalid_utf8_with_its_offset, *precondition(pe::test::needs_shared)) {
    try {
        (void)pe::test::json_tokenizer().encode("caf\xc3");
        BOOST_FAIL("invalid UTF-8 was accepted");
    } catch (const pe::Error& e) {
        BOOST_TEST(int(e.kind()) == int(pe::ErrorKind::bad_input));
        BOOST_TEST(e.field() == "text");
        BOOST_TEST(e.offset().value() == 3u);
    }
}

BOOST_AUTO_TEST_CASE(decode_refuses_unknown_ids, *precondition(pe::test::needs_shared)) {
    const auto& tok = pe::test::json_tokenizer();
    BOOST_TEST(tok.vocab_size() == 50277u);
    std::vector<int32_t> ids = {12092, 50277};
    BOOST_CHECK_EXCEPTION((void)tok.decode(ids), pe::Error, [](const pe::Error& e) { return e.field() == "ids[1]"; });
    ids = {-1};
    BOOST_CHECK_EXCEPTION((void)tok.decode(ids), pe::Error, [](const pe::Error& e) { return e.field() == "ids[0]"; });
    // Added tokens decode to their raw text; a lone byte of a multi-byte character to U+FFFD.
    ids = {12092, 50276, 10186, 0};
    BOOST_TEST(tok.decode(ids) == "Hello  world<|endoftext|>");
}

BOOST_AUTO_TEST_CASE(encode_is_thread_safe, *precondition(pe::test::needs_shared)) {
    // A fresh tokenizer so the threads fill its word cache concurrently.
    auto tok = Tokenizer::from_json_file(pe::test::tokenizer_json_path());
    auto strings = pe::test::task_strings();
    strings.resize(4000);
    std::vector<std::vector<int32_t>> want;
    {
        auto reference = Tokenizer::from_json_file(pe::test::tokenizer_json_path());
        for (const auto& s : strings) want.push_back(reference.encode(s));
    }
    std::vector<size_t> bad(4, 0);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (size_t i = 0; i < strings.size(); ++i) {
                size_t k = (i * 7 + t * 1000) % strings.size();  // different orders per thread
                bad[t] += tok.encode(strings[k]) != want[k];
            }
        });
    for (auto& th : threads) th.join();
    for (size_t t = 0; t < 4; ++t) BOOST_TEST(bad[t] == 0u, "thread " << t << ": " << bad[t] << " strings differ");
}
