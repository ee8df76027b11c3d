// End to end on a real model: tiny-neox converted to GGUF, our tokenizer and the CPU backend,
// against lm-eval's outputs on the same checkpoint (../shared/fixtures/tiny-neox-expected and
// tiny-neox-greedy-expected). Per request: lm-eval's token ids, the same is_greedy, and ll within
// 1e-4 in fp32 (or one float32 ulp of lm-eval's value where that grid is coarser: |ll| >= 1024);
// fp16 runs give lm-eval's fp16 values exactly, except the requests listed below with both values.
// Per task: acc/acc_norm identical, stderr within 1e-12 and ppl within 1e-6 relative.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <map>
#include <fstream>
#include <sstream>

#include "engine/convert/convert.hpp"
#include "engine/half.hpp"
#include "engine/model/model.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "results/layout.hpp"
#include "tests/common/shared.hpp"
#include "tests/tasks/oracle.hpp"

using namespace pe;

namespace {

const std::vector<std::string> all_tasks{"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};

// Converted once per test process.
std::string converted(const std::string& fixture) {
    static std::map<std::string, std::string> done;
    if (auto it = done.find(fixture); it != done.end()) return it->second;
    const auto out = test::scratch_dir("e2e_" + fixture) / (fixture + ".gguf");
    convert::convert_hf_checkpoint(test::shared_path("fixtures/" + fixture).string(), out.string());
    return done[fixture] = out.string();
}

struct Run {
    tasks::EvalResult result;
    results::Json document;
};

Run run_model(const std::string& fixture, const std::vector<std::string>& task_names, std::optional<size_t> limit,
              model::LogitPrecision precision) {
    const auto m = model::Model::load(converted(fixture));
    const auto tok = tokenizer::Tokenizer::from_gguf(m.gguf());
    const auto backend = model::make_cpu_backend(m);
    const tasks::EvalOptions opt = test::shared_data_options(task_names, limit, precision);
    Run run;
    run.result = tasks::evaluate(opt, [&](std::string_view s) { return tok.encode(s); }, *backend);
    results::RunConfig cfg;
    cfg.limit = limit;
    run.document = results::results_document(run.result, cfg);
    return run;
}

struct RequestDiff {
    size_t index;
    double ours, lm_eval;
};

// Requests whose fp16 ll differs from lm-eval's because an fp16 rounding lands the other way: the
// published runs computed the model in fp16, we compute fp32 logits and round them (and the
// log-probs) to fp16, so a logit or log-prob within a rounding step of a boundary can move by one
// fp16 step. tiny-neox at --limit 100 has no such request: every fp16 ll equals lm-eval's. The
// greedy fixture's planted bigrams give logits around 16-32, where one fp16 step is 0.0156, and its
// first 250 documents hold these four (two identical requests each; index in the samples file).
// is_greedy and acc are unchanged by all of them.
const std::vector<RequestDiff> fp16_boundary_cases = {
    {282, -27.015625, -27.0}, {283, -27.015625, -27.0},                        // doc 141
    {286, -0.002613067626953125, -0.00255584716796875},                        // doc 143 (greedy)
    {287, -0.002613067626953125, -0.00255584716796875},
    {434, -7.259845733642578e-05, -6.401538848876953e-05},                     // doc 217 (greedy)
    {435, -7.259845733642578e-05, -6.401538848876953e-05},
    {460, -16.296875, -16.28125}, {461, -16.296875, -16.28125},                // doc 230
};

// lm-eval's fp32 ll is a float32: above 1024 its spacing (1.2e-4) exceeds 1e-4, so one ulp of
// difference from the order of the float additions is allowed there.
double fp32_tolerance(double ll) {
    const float f = float(ll);
    return std::max(1e-4, double(std::nextafter(std::abs(f), INFINITY) - std::abs(f)));
}

// Per-request comparison; returns the requests whose ll differs by more than tol(lm-eval's ll).
std::vector<RequestDiff> check_requests(const std::vector<tasks::Sample>& ours, const std::vector<test::SampleLine>& want,
                                        double (*tol)(double), double& max_err) {
    BOOST_TEST_REQUIRE(ours.size() == want.size());
    std::vector<RequestDiff> over;
    max_err = 0.0;
    size_t n_ids_differ = 0, n_greedy_differ = 0;
    for (size_t i = 0; i < ours.size(); i++) {
        if (ours[i].ctx_ids != want[i].ctx_ids || ours[i].cont_ids != want[i].cont_ids) n_ids_differ++;
        if (ours[i].result.is_greedy != want[i].is_greedy) n_greedy_differ++;
        const double err = std::abs(ours[i].result.ll - want[i].ll);
        if (err > tol(want[i].ll)) over.push_back({i, ours[i].result.ll, want[i].ll});
        max_err = std::max(max_err, err);
    }
    BOOST_TEST(n_ids_differ == 0u);
    BOOST_TEST(n_greedy_differ == 0u);
    return over;
}

double exact(double) { return 0.0; }

void check_fp16_requests(const std::vector<tasks::Sample>& ours, const std::vector<test::SampleLine>& want) {
    double max_err = 0.0;
    for (const auto& d : check_requests(ours, want, exact, max_err)) {
        const bool listed = std::any_of(fp16_boundary_cases.begin(), fp16_boundary_cases.end(), [&](const RequestDiff& c) {
            return c.index == d.index && c.ours == d.ours && c.lm_eval == d.lm_eval;
        });
        if (!listed)
            BOOST_ERROR("fp16 request " << d.index << ": ours " << results::python_float_repr(d.ours) << ", lm-eval "
                                        << results::python_float_repr(d.lm_eval) << " (not a listed boundary case)");
    }
    BOOST_TEST_MESSAGE("fp16: largest per-request |ll - lm-eval| " << max_err);
}

double check_metrics(const results::Json& ours, const std::filesystem::path& expected_path) {
    const auto expected = results::read_json_file(expected_path);
    double worst_stderr = 0.0;
    for (const auto& [task, metrics] : expected.find("results")->object()) {
        for (const auto& [metric, value] : metrics.object()) {
            const double want = value.number(), got = ours.find("results")->find(task)->find(metric)->number();
            const double rel = want == got ? 0.0 : std::abs(got - want) / std::abs(want);
            const double tol = metric.starts_with("ppl") ? 1e-6 : metric.ends_with("_stderr") ? 1e-12 : 0.0;
            if (metric.ends_with("_stderr") && !metric.starts_with("ppl")) worst_stderr = std::max(worst_stderr, rel);
            BOOST_TEST(rel <= tol, task << "/" << metric << ": ours " << results::python_float_repr(got) << ", lm-eval "
                                        << results::python_float_repr(want) << " (relative error " << rel << ")");
        }
    }
    return worst_stderr;
}

// tiny-neox-greedy (planted LAMBADA bigrams): the first 250 shuffled documents hold 4 greedy
// matches (documents 143, 169, 217, 242 in shuffled order). The full 5153 run is left to the
// oracle test; the model is too slow for it in the test budget.
void check_greedy(model::LogitPrecision precision, const std::string& stem, double (*tol)(double)) {
    const size_t n_docs = 250;
    const auto run = run_model("tiny-neox-greedy", {"lambada_openai"}, n_docs, precision);
    auto want = test::read_samples(test::shared_path("fixtures/tiny-neox-greedy-expected/" + stem + ".samples.jsonl"));
    want.resize(2 * n_docs);  // two requests per document, in shuffled order
    if (precision == model::LogitPrecision::fp16) {
        check_fp16_requests(run.result.samples, want);
    } else {
        double max_err = 0.0;
        for (const auto& d : check_requests(run.result.samples, want, tol, max_err))
            BOOST_ERROR("request " << d.index << ": ours " << results::python_float_repr(d.ours) << ", lm-eval " << results::python_float_repr(d.lm_eval));
        BOOST_TEST_MESSAGE("fp32: largest per-request |ll - lm-eval| " << max_err);
        // ppl over these documents (the first of each document's two identical requests) against
        // lm-eval's from its samples. Peaked rows are where lm-eval's fp32 log-softmax loses the
        // small exps (backend::TorchLanes): summed exactly instead, ours was 1.6e-5 (relative) off.
        double ours_ll = 0.0, want_ll = 0.0;
        for (size_t i = 0; i < want.size(); i += 2) {
            ours_ll += run.result.samples[i].result.ll;
            want_ll += want[i].ll;
        }
        const double ppl_rel = std::abs(std::expm1((want_ll - ours_ll) / double(n_docs)));
        BOOST_TEST(ppl_rel <= 1e-6, "ppl over " << n_docs << " documents: relative error " << ppl_rel);
    }
    size_t n_greedy = 0;
    for (size_t i = 0; i < want.size(); i += 2) n_greedy += want[i].is_greedy;
    BOOST_TEST(n_greedy == 4u);
    const auto& acc = run.result.tasks.at(0).metrics.at(2);
    BOOST_TEST(acc.first == "acc");
    BOOST_TEST(acc.second == double(n_greedy) / double(n_docs));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(end_to_end)

BOOST_AUTO_TEST_CASE(tiny_neox_limit100_fp32, *boost::unit_test::precondition(test::needs_shared)) {
    const auto run = run_model("tiny-neox", all_tasks, 100, model::LogitPrecision::fp32);
    const auto want = test::read_samples(test::shared_path("fixtures/tiny-neox-expected/lmeval-fp32-limit100.samples.jsonl"));
    double max_err = 0.0;
    const auto over = check_requests(run.result.samples, want, fp32_tolerance, max_err);
    for (const auto& d : over)
        BOOST_ERROR("fp32 request " << d.index << ": ours " << results::python_float_repr(d.ours) << ", lm-eval "
                                    << results::python_float_repr(d.lm_eval));
    BOOST_TEST_MESSAGE("fp32: largest per-request |ll - lm-eval| " << max_err);
    check_metrics(run.document, test::shared_path("fixtures/tiny-neox-expected/lmeval-fp32-limit100.json"));
}

BOOST_AUTO_TEST_CASE(tiny_neox_limit100_fp16, *boost::unit_test::precondition(test::needs_shared)) {
    const auto run = run_model("tiny-neox", all_tasks, 100, model::LogitPrecision::fp16);
    const auto want = test::read_samples(test::shared_path("fixtures/tiny-neox-expected/lmeval-fp16-limit100.samples.jsonl"));
    check_fp16_requests(run.result.samples, want);
    check_metrics(run.document, test::shared_path("fixtures/tiny-neox-expected/lmeval-fp16-limit100.json"));
}

BOOST_AUTO_TEST_CASE(tiny_neox_greedy_lambada_fp32, *boost::unit_test::precondition(test::needs_shared)) {
    check_greedy(model::LogitPrecision::fp32, "lmeval-fp32-lambada", fp32_tolerance);
}

BOOST_AUTO_TEST_CASE(tiny_neox_greedy_lambada_fp16, *boost::unit_test::precondition(test::needs_shared)) {
    check_greedy(model::LogitPrecision::fp16, "lmeval-fp16-lambada", exact);
}

BOOST_AUTO_TEST_SUITE_END()
