// HF's Rust tokenizer itself (npm `tokenizers`, tests/tokenizer/oracle) against ours, on every task
// string plus generated edge cases (random mixes of tricky fragments, random code points from all
// planes, random id sequences for decode). Skipped when node or the package is missing, except
// under CI=true, where scripts/test.sh installs it.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "engine/tokenizer/unicode.hpp"
#include "tests/common/shared.hpp"
#include "tests/tokenizer/fixtures.hpp"

namespace fs = std::filesystem;

namespace {

fs::path oracle_dir() { return fs::path(PE_SOURCE_DIR) / "tests/tokenizer/oracle"; }

struct OracleAvailable {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        if (pe::test::in_ci()) return true;  // must run there; a missing oracle then fails
        boost::test_tools::assertion_result r(false);
        if (std::system("node --version > /dev/null 2>&1") != 0) r.message() << "skipped: node not found";
        else if (!fs::exists(oracle_dir() / "node_modules/tokenizers"))
            r.message() << "skipped: run `npm ci` in " << oracle_dir().string();
        else if (!fs::exists(pe::test::shared_dir())) r.message() << "skipped: ../shared not found";
        else return true;
        return r;
    }
};

std::string to_json_array(const std::vector<std::string>& items) {
    std::string s = "[";
    for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i];
    return s + "]";
}

// Runs oracle.js in `mode` on `input` (a JSON document) and returns its output document.
std::string run_oracle(const std::string& mode, const std::string& input, const std::string& name) {
    auto dir = pe::test::scratch_dir("tokenizer-oracle-" + name);
    std::ofstream(dir / "in.json", std::ios::binary) << input;
    std::string cmd = "node '" + (oracle_dir() / "oracle.js").string() + "' " + mode + " '" + pe::test::tokenizer_json_path() +
                      "' '" + (dir / "in.json").string() + "' '" + (dir / "out.json").string() + "' > '" +
                      (dir / "version.json").string() + "'";
    BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "oracle failed: " << cmd);
    std::ifstream in(dir / "out.json", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_AUTO_TEST_CASE(hf_rust_tokenizer_agrees_on_task_strings_and_edge_cases, *boost::unit_test::precondition(OracleAvailable{})) {
    const auto& tok = pe::test::json_tokenizer();
    auto strings = pe::test::task_strings();
    size_t n_task = strings.size();
    for (auto& s : pe::test::generated_strings()) strings.push_back(std::move(s));
    std::vector<std::string> quoted;
    for (const auto& s : strings) quoted.push_back(pe::test::json_quote(s));
    auto out = run_oracle("encode", to_json_array(quoted), "encode");

    simdjson::dom::parser parser;
    simdjson::dom::array lists = parser.parse(out).get_array();
    BOOST_REQUIRE_EQUAL(lists.size(), strings.size());
    size_t i = 0, mismatches = 0;
    for (auto list : lists) {
        std::vector<int32_t> want;
        for (auto id : list.get_array()) want.push_back(int32_t(int64_t(id)));
        auto diff = pe::test::ids_diff(tok.encode(strings[i]), want);
        if (!diff.empty() && ++mismatches <= 20)
            BOOST_TEST(false, (i < n_task ? "task string " : "generated string ") << i << " " << pe::test::json_quote(strings[i]) << ": " << diff);
        ++i;
    }
    BOOST_TEST(mismatches == 0u, mismatches << " of " << strings.size() << " strings differ");
    BOOST_TEST_MESSAGE("HF oracle: " << n_task << " task strings + " << strings.size() - n_task << " generated strings compared");
}

BOOST_AUTO_TEST_CASE(hf_rust_tokenizer_agrees_on_decoding, *boost::unit_test::precondition(OracleAvailable{})) {
    const auto& tok = pe::test::json_tokenizer();
    // Random ids split multi-byte characters, so this also checks the U+FFFD replacement rule.
    std::mt19937 rng(7);
    std::vector<std::vector<int32_t>> lists;
    for (int i = 0; i < 3000; ++i) {
        auto& ids = lists.emplace_back();
        for (size_t k = 1 + rng() % 10; k > 0; --k) ids.push_back(int32_t(rng() % tok.vocab_size()));
    }
    for (const auto& s : pe::test::generated_strings()) lists.push_back(tok.encode(s));
    std::vector<std::string> items;
    for (const auto& ids : lists) {
        std::string a = "[";
        for (size_t k = 0; k < ids.size(); ++k) a += (k ? "," : "") + std::to_string(ids[k]);
        items.push_back(a + "]");
    }
    auto out = run_oracle("decode", to_json_array(items), "decode");
    simdjson::dom::parser parser;
    simdjson::dom::array texts = parser.parse(out).get_array();
    BOOST_REQUIRE_EQUAL(texts.size(), lists.size());
    size_t i = 0, mismatches = 0;
    for (auto t : texts) {
        std::string want(std::string_view(t.get_string()));
        std::string got = tok.decode(lists[i]);
        if (got != want && ++mismatches <= 20)
            BOOST_TEST(false, "ids #" << i << ": got " << pe::test::json_quote(got) << ", HF " << pe::test::json_quote(want));
        ++i;
    }
    BOOST_TEST(mismatches == 0u, mismatches << " of " << lists.size() << " id lists decode differently");
}
