// The Python-compatible JSON writer against Python's own output: float repr cases worked out with
// CPython, and every published Pythia result file re-serialized byte for byte.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "results/json.hpp"
#include "tests/common/shared.hpp"

using namespace pe::results;

BOOST_AUTO_TEST_SUITE(json)

BOOST_AUTO_TEST_CASE(float_repr_like_python) {
    // (value, repr(value)) pairs as CPython 3.11 prints them.
    const std::pair<double, const char*> cases[] = {
        {0.0, "0.0"}, {-0.0, "-0.0"}, {1.0, "1.0"}, {0.1, "0.1"}, {1e-05, "1e-05"}, {0.0001, "0.0001"},
        {1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {123456789012345678.0, "1.2345678901234568e+17"},
        {8485210.365245037, "8485210.365245037"}, {3684074.4512471026, "3684074.4512471026"},
        {0.606, "0.606"}, {2.5e-07, "2.5e-07"}, {1.5e300, "1.5e+300"}, {5e-324, "5e-324"},
        {0.45791245791245794, "0.45791245791245794"}, {1.0 / 3.0, "0.3333333333333333"},
        {-11.871597290039062, "-11.871597290039062"}, {123.0, "123.0"}, {0.00012, "0.00012"},
    };
    for (const auto& [x, want] : cases) BOOST_TEST(python_float_repr(x) == want);
}

BOOST_AUTO_TEST_CASE(strings_ascii_escaped) {
    BOOST_TEST(python_json_string("a\"b\\c\n\t") == R"("a\"b\\c\n\t")");
    BOOST_TEST(python_json_string("\u201cHi\u201d") == R"("\u201cHi\u201d")");
    BOOST_TEST(python_json_string("\x01") == R"("\u0001")");
    BOOST_TEST(python_json_string("\xf0\x9f\x98\x80") == R"("\ud83d\ude00")");  // U+1F600: surrogate pair
}

BOOST_AUTO_TEST_CASE(layout_like_json_dumps_indent2) {
    const Json v = JsonObject{{"a", JsonObject{{"x", 1.0}, {"y", int64_t(2)}}},
                              {"b", JsonObject{}}, {"c", nullptr}, {"d", JsonArray{true, "s"}}};
    BOOST_TEST(dump_python(v, 2) ==
               "{\n  \"a\": {\n    \"x\": 1.0,\n    \"y\": 2\n  },\n  \"b\": {},\n  \"c\": null,\n"
               "  \"d\": [\n    true,\n    \"s\"\n  ]\n}");
    BOOST_TEST(dump_python(v, -1) ==
               R"({"a": {"x": 1.0, "y": 2}, "b": {}, "c": null, "d": [true, "s"]})");
}

BOOST_AUTO_TEST_CASE(bad_json_names_the_file) {
    try {
        parse_json("{\"a\": ", "broken.json");
        BOOST_FAIL("no error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.file() == "broken.json");
        BOOST_TEST(std::string(e.what()).find("not valid JSON") != std::string::npos);
    }
}

static std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Published files: v1.1 (lm-eval main.py, indent 2) and v1.0 (GPT-NeoX evaluate.py, indent 4).
BOOST_AUTO_TEST_CASE(published_files_round_trip_byte_for_byte,
                     *boost::unit_test::precondition(pe::test::needs_shared)) {
    const auto root = pe::test::shared_path("reference/pythia-results");
    size_t n_files = 0, n_same = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".json") continue;
        const std::string original = slurp(entry.path());
        const int indent = entry.path().string().find("/v1.1-evals/") != std::string::npos ? 2 : 4;
        const std::string again = dump_python(parse_json(original, entry.path().string()), indent);
        n_files++;
        if (again == original) {
            n_same++;
            continue;
        }
        size_t i = 0;
        while (i < again.size() && i < original.size() && again[i] == original[i]) i++;
        BOOST_ERROR(entry.path().string() << ": first difference at byte " << i << ": ours '"
                                          << again.substr(i > 20 ? i - 20 : 0, 60) << "', published '"
                                          << original.substr(i > 20 ? i - 20 : 0, 60) << "'");
    }
    BOOST_TEST(n_files >= 400u);
    BOOST_TEST(n_same == n_files);
}

BOOST_AUTO_TEST_SUITE_END()
