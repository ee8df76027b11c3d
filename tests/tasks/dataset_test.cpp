// Data integrity: every task file is read only when its sha256 is the original's; a missing or
// altered file is one error naming the file and both hashes. ARC-Easy in AllenAI's original
// layout gives exactly the requests and gold answers of the Hugging Face export.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "results/json.hpp"
#include "tasks/task.hpp"
#include "tests/common/shared.hpp"

using namespace pe;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& s) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << s;
}

// The gold index a ChoiceTask holds for a document, found through score(): only the choice with
// the best ll scores acc = 1 when it is gold.
size_t gold_of(const tasks::Task& task, size_t doc) {
    const size_t n = task.requests(doc).size();
    for (size_t g = 0; g < n; g++) {
        std::vector<tasks::RequestResult> res(n, {-5.0, false});
        res[g].ll = -1.0;
        if (task.score(doc, res)[0] == 1.0) return g;
    }
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dataset)

BOOST_AUTO_TEST_CASE(sha256_of_known_bytes) {
    BOOST_TEST(tasks::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(every_shared_file_matches_its_pin, *boost::unit_test::precondition(test::needs_shared)) {
    const tasks::DataDir dir(test::shared_path("data"));
    for (const auto& info : tasks::registry())
        for (const auto& f : info.files) BOOST_TEST(tasks::sha256_hex(slurp(dir.path(f.path))) == f.sha256, f.path);
}

BOOST_AUTO_TEST_CASE(altered_file_names_file_and_both_hashes, *boost::unit_test::precondition(test::needs_shared)) {
    const auto root = test::scratch_dir("dataset_altered");
    std::string text = slurp(test::shared_path("data/piqa/valid.jsonl"));
    text[100] = text[100] == 'a' ? 'b' : 'a';
    spit(root / "piqa/valid.jsonl", text);
    fs::copy_file(test::shared_path("data/piqa/valid-labels.lst"), root / "piqa/valid-labels.lst");
    const std::string got_hash = tasks::sha256_hex(text);
    try {
        tasks::find_task("piqa").load(tasks::DataDir(root));
        BOOST_FAIL("altered file accepted");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST(std::string(error_kind_name(e.kind())) == "bad_input");
        BOOST_TEST(e.file() == (root / "piqa/valid.jsonl").string());
        BOOST_TEST(what.find(got_hash) != std::string::npos, what);
        BOOST_TEST(what.find("93503cc97c679e459b065c3d13e848282e44b2a25213985bed3e5d458abef72d") != std::string::npos, what);
    }
}

BOOST_AUTO_TEST_CASE(missing_file_names_file_and_expected_hash, *boost::unit_test::precondition(test::needs_shared)) {
    const auto root = test::scratch_dir("dataset_missing");
    try {
        tasks::find_task("sciq").load(tasks::DataDir(root));
        BOOST_FAIL("missing file accepted");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST(e.file() == (root / "sciq/test.json").string());
        BOOST_TEST(what.find("7340983c427dc2ffd3dccf1adb758b6cdc9455bd22bf3db0ddf6ffcae0452006") != std::string::npos, what);
        BOOST_TEST(what.find("data fetch") != std::string::npos, what);
    }
}

BOOST_AUTO_TEST_CASE(unknown_task_lists_the_known_ones) {
    BOOST_CHECK_EXCEPTION(tasks::find_task("hellaswag"), Error, [](const Error& e) {
        return std::string(e.what()).find("lambada_openai, piqa, winogrande, arc_easy, sciq") != std::string::npos;
    });
}

// Only pinned files are read (issue #12, item 7): an AllenAI-layout ARC-Easy-Test.jsonl beside the
// pinned export, with every question edited and the same answers, changes nothing; without the
// export the task refuses to load rather than fall back to the look-alike.
BOOST_AUTO_TEST_CASE(arc_easy_reads_only_the_pinned_file, *boost::unit_test::precondition(test::needs_shared)) {
    const auto root = test::scratch_dir("dataset_arc_lookalike");
    fs::create_directories(root / "arc_easy");
    fs::copy_file(test::shared_path("data/arc_easy/question-answers.jsonl"), root / "arc_easy/question-answers.jsonl");
    std::string lookalike;
    std::istringstream lines(slurp(test::shared_path("data/arc_easy/ARC-Easy-test.jsonl")));
    for (std::string line; std::getline(lines, line);) {
        const auto v = results::parse_json(line, "export");
        const auto& ch = *v.find("choices");
        const auto& texts = std::get<results::JsonArray>(ch.find("text")->value);
        const auto& labels = std::get<results::JsonArray>(ch.find("label")->value);
        results::JsonArray choices;
        for (size_t i = 0; i < texts.size(); i++) choices.push_back(results::JsonObject{{"text", texts[i]}, {"label", labels[i]}});
        const results::Json row = results::JsonObject{
            {"id", *v.find("id")},
            {"question", results::JsonObject{{"stem", "Edited: " + std::get<std::string>(v.find("question")->value)},
                                             {"choices", choices}}},
            {"answerKey", *v.find("answerKey")}};
        lookalike += results::dump_python(row, -1) + "\n";
    }
    spit(root / "arc_easy/ARC-Easy-Test.jsonl", lookalike);

    const auto& info = tasks::find_task("arc_easy");
    BOOST_CHECK_EXCEPTION(info.load(tasks::DataDir(root)), Error, [&](const Error& e) {
        return e.file() == (root / "arc_easy/ARC-Easy-test.jsonl").string();
    });
    fs::copy_file(test::shared_path("data/arc_easy/ARC-Easy-test.jsonl"), root / "arc_easy/ARC-Easy-test.jsonl");
    const auto pinned = info.load(tasks::DataDir(test::shared_path("data")));
    const auto beside = info.load(tasks::DataDir(root));
    BOOST_TEST_REQUIRE(beside->n_docs() == pinned->n_docs());
    size_t n_diff = 0;
    for (size_t d = 0; d < pinned->n_docs(); d++) {
        const auto a = pinned->requests(d), b = beside->requests(d);
        bool same = a.size() == b.size() && gold_of(*pinned, d) == gold_of(*beside, d);
        for (size_t i = 0; same && i < a.size(); i++)
            same = a[i].context == b[i].context && a[i].continuation == b[i].continuation;
        n_diff += !same;
    }
    BOOST_TEST(n_diff == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
