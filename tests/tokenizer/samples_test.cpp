// Every context and continuation of the five tasks on the full data, against the ids lm-eval
// recorded from HF's fast tokenizer (fixtures/tiny-neox-expected/*.samples.jsonl).
#include <boost/test/unit_test.hpp>

#include "engine/tokenizer/unicode.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

using boost::unit_test::precondition;

BOOST_AUTO_TEST_CASE(every_request_of_the_five_tasks_gets_hf_ids, *precondition(pe::test::needs_shared)) {
    const auto& tok = pe::test::json_tokenizer();
    auto requests = pe::test::load_sample_requests("lmeval-fp32-full.samples.jsonl");
    BOOST_TEST(requests.size() == 30017u);
    size_t mismatches = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        auto ctx = pe::test::ids_diff(tok.encode(r.context), r.ctx_ids);
        auto cont = pe::test::ids_diff(tok.encode(r.continuation), r.cont_ids);
        if (ctx.empty() && cont.empty()) continue;
        if (++mismatches <= 20) {  // enough to diagnose; the count says the rest
            BOOST_TEST(ctx.empty(), "request " << i << " context " << pe::test::json_quote(r.context) << ": " << ctx);
            BOOST_TEST(cont.empty(), "request " << i << " continuation " << pe::test::json_quote(r.continuation) << ": " << cont);
        }
    }
    BOOST_TEST(mismatches == 0u, mismatches << " of " << requests.size() << " requests differ");
    BOOST_TEST_MESSAGE("requests checked: " << requests.size() << ", mismatches: " << mismatches);
}

BOOST_AUTO_TEST_CASE(task_strings_round_trip_to_nfc, *precondition(pe::test::needs_shared)) {
    const auto& tok = pe::test::json_tokenizer();
    size_t bad = 0;
    for (const auto& s : pe::test::task_strings()) {
        auto back = tok.decode(tok.encode(s));
        if (back != pe::tokenizer::nfc(s) && ++bad <= 10)
            BOOST_TEST(false, "decode(encode(" << pe::test::json_quote(s) << ")) = " << pe::test::json_quote(back));
    }
    BOOST_TEST(bad == 0u);
}
