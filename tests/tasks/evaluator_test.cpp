// Evaluator mechanics that the fixture comparison does not reach: left truncation to the window,
// the fp16/fp32 sums, resuming from a RequestStore, dedup counts, and the request invariants
// over every request of every task.
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

#include "engine/error.hpp"

#include "engine/half.hpp"
#include "results/layout.hpp"
#include "tasks/evaluator.hpp"
#include "tests/common/shared.hpp"
#include "tests/tasks/oracle.hpp"

using namespace pe;

BOOST_AUTO_TEST_SUITE(evaluator)

BOOST_AUTO_TEST_CASE(left_truncation_keeps_the_last_window) {
    // 10 context + 3 continuation tokens in a window of 8: seq = last 9 tokens, input = first 8 of those.
    tasks::TokenRequest r{.ctx_ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, .cont_ids = {10, 11, 12}};
    const auto s = tasks::make_score_request(r, 8);
    BOOST_TEST(s.input == (std::vector<int32_t>{4, 5, 6, 7, 8, 9, 10, 11}), boost::test_tools::per_element());
    BOOST_TEST(s.targets == (std::vector<int32_t>{10, 11, 12}), boost::test_tools::per_element());
    // Short enough: nothing dropped but the last token.
    const auto t = tasks::make_score_request({.ctx_ids = {5, 6}, .cont_ids = {7}}, 8);
    BOOST_TEST(t.input == (std::vector<int32_t>{5, 6}), boost::test_tools::per_element());
    BOOST_TEST(t.targets == (std::vector<int32_t>{7}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fp16_sum_rounds_once_at_the_end) {
    // Three fp16 values whose fp32 sum is not an fp16 value: one rounding of the sum (§5 step 4).
    const std::vector<model::ScoredToken> toks{{-7.4765625f, true}, {-0.0010004043579101562f, true}, {-3.2734375f, false}};
    const float fp32_sum = -7.4765625f + -0.0010004043579101562f + -3.2734375f;
    const auto r16 = tasks::reduce_scored_tokens(toks, model::LogitPrecision::fp16);
    BOOST_TEST(r16.ll == double(fp16_round(fp32_sum)));
    BOOST_TEST(r16.ll != double(fp32_sum));  // the rounding is visible
    BOOST_TEST(!r16.is_greedy);
    const auto r32 = tasks::reduce_scored_tokens(toks, model::LogitPrecision::fp32);
    BOOST_TEST(r32.ll == double(float(-7.4765625 + -0.0010004043579101562 + -3.2734375)));
    const auto greedy = tasks::reduce_scored_tokens({{-1.0f, true}, {-2.0f, true}}, model::LogitPrecision::fp32);
    BOOST_TEST(greedy.is_greedy);
    BOOST_TEST(greedy.ll == -3.0);
}

namespace {

class MemoryStore final : public tasks::RequestStore {
public:
    std::optional<tasks::RequestResult> find(const tasks::TokenRequest& r) override {
        const auto it = map_.find(key(r));
        return it == map_.end() ? std::nullopt : std::optional(it->second);
    }
    void put(const tasks::TokenRequest& r, const tasks::RequestResult& res) override { map_[key(r)] = res; }
    size_t size() const { return map_.size(); }

private:
    static std::pair<std::vector<int32_t>, std::vector<int32_t>> key(const tasks::TokenRequest& r) {
        return {r.ctx_ids, r.cont_ids};
    }
    std::map<std::pair<std::vector<int32_t>, std::vector<int32_t>>, tasks::RequestResult> map_;
};

const std::vector<std::string> all_tasks{"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};

tasks::EvalOptions limit100_options() {
    tasks::EvalOptions opt;
    opt.tasks = all_tasks;
    opt.limit = 100;
    opt.precision = model::LogitPrecision::fp32;
    opt.data_dir = test::shared_path("data");
    opt.batch_tokens = 2048;  // many small batches, so that an interruption lands mid-run
    opt.bootstrap_iters = 1000;
    return opt;
}

}  // namespace

BOOST_AUTO_TEST_CASE(resume_from_store_gives_identical_results, *boost::unit_test::precondition(test::needs_shared)) {
    const auto samples = test::read_samples(test::shared_path("fixtures/tiny-neox-expected/lmeval-fp32-limit100.samples.jsonl"));
    const auto encode = test::samples_encoder(samples);
    auto opt = limit100_options();

    test::OracleBackend straight(samples);
    const auto want = results::dump_python(results::results_document(tasks::evaluate(opt, encode, straight), {}));

    MemoryStore store;
    opt.store = &store;
    std::vector<tasks::Progress> seen;
    opt.on_progress = [&](const tasks::Progress& p) { seen.push_back(p); };
    test::OracleBackend interrupted(samples);
    interrupted.fail_after_batches = 5;
    BOOST_CHECK_THROW(tasks::evaluate(opt, encode, interrupted), pe::Error);
    const size_t stored = store.size();
    BOOST_TEST(stored == interrupted.n_scored);
    BOOST_TEST(stored > 0u);
    BOOST_TEST(seen.size() == 5u);

    seen.clear();
    test::OracleBackend resumed(samples);
    const auto got = results::dump_python(results::results_document(tasks::evaluate(opt, encode, resumed), {}));
    BOOST_TEST(got == want);
    BOOST_TEST(resumed.n_scored + stored == straight.n_scored);  // nothing scored twice
    BOOST_TEST_REQUIRE(!seen.empty());
    BOOST_TEST(seen.back().requests_done == seen.back().requests_total);
    BOOST_TEST(seen.back().tokens_done == seen.back().tokens_total);
    BOOST_TEST(seen.front().requests_done > stored);  // resumed requests count as done from the start
}

BOOST_AUTO_TEST_CASE(identical_requests_scored_once, *boost::unit_test::precondition(test::needs_shared)) {
    const auto samples = test::read_samples(test::shared_path("fixtures/tiny-neox-expected/lmeval-fp32-full.samples.jsonl"));
    std::set<std::vector<int32_t>> distinct;
    for (const auto& s : samples) {
        auto seq = s.ctx_ids;
        seq.insert(seq.end(), s.cont_ids.begin(), s.cont_ids.end());
        distinct.insert(seq);
    }
    test::OracleBackend backend(samples);
    auto opt = limit100_options();
    opt.limit.reset();
    opt.keep_samples = true;
    const auto result = tasks::evaluate(opt, test::samples_encoder(samples), backend);
    BOOST_TEST(result.samples.size() == 30017u);       // 2*5153 + 2*1838 + 2*1267 + 9501 + 4*1000
    BOOST_TEST(backend.n_scored == distinct.size());   // LAMBADA's pairs and SciQ 718/884 counted once
    BOOST_TEST(backend.n_scored < 30017u - 5153u);
}

// Every request of every task (lm-eval-tasks.md §1, §6): contexts are non-empty and never end in
// whitespace; continuations are " " + text, and the text starts with a non-space except in the
// two PIQA solutions with leading whitespace.
BOOST_AUTO_TEST_CASE(request_invariants_over_all_documents, *boost::unit_test::precondition(test::needs_shared)) {
    const tasks::DataDir dir(test::shared_path("data"));
    const std::map<std::string, std::pair<size_t, size_t>> want_counts{
        {"lambada_openai", {5153, 10306}}, {"piqa", {1838, 3676}}, {"winogrande", {1267, 2534}},
        {"arc_easy", {2376, 9501}}, {"sciq", {1000, 4000}}};
    size_t leading_space_choices = 0;
    for (const auto& info : tasks::registry()) {
        const auto task = info.load(dir);
        size_t n_requests = 0;
        for (size_t d = 0; d < task->n_docs(); d++) {
            for (const auto& r : task->requests(d)) {
                n_requests++;
                BOOST_TEST_REQUIRE(!r.context.empty());
                BOOST_TEST(tasks::python_strip(r.context.substr(r.context.size() - 1)).size() == 1u,
                           info.name << " doc " << d << " context ends in whitespace");
                BOOST_TEST_REQUIRE(r.continuation.size() >= 2u);
                BOOST_TEST(r.continuation[0] == ' ');
                if (r.continuation[1] == ' ') leading_space_choices++;
            }
        }
        BOOST_TEST(task->n_docs() == want_counts.at(info.name).first, info.name);
        BOOST_TEST(n_requests == want_counts.at(info.name).second, info.name);
    }
    BOOST_TEST(leading_space_choices == 2u);
}

BOOST_AUTO_TEST_CASE(python_string_semantics) {
    BOOST_TEST(tasks::python_strip(" \t\n a b \xc2\xa0\xe3\x80\x80") == "a b");  // NBSP and U+3000 are str.isspace
    BOOST_TEST(tasks::python_strip("\xe2\x80\x8b" "x") == "\xe2\x80\x8b" "x");        // U+200B is not
    BOOST_TEST(tasks::python_strip("") == "");
    BOOST_TEST(tasks::len_codepoints("caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d \xf0\x9f\x98\x80") == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
