// The whole task -> evaluator -> metrics -> JSON path against lm-eval's own outputs on tiny-neox
// (../shared/fixtures/*-expected), with each request's (ll, is_greedy) answered from lm-eval's
// samples file: acc/acc_norm identical, stderr within 1e-12 relative, ppl and its bootstrap stderr
// within 1e-6 relative, and the samples file we write byte-identical to lm-eval's.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "results/layout.hpp"
#include "tests/common/shared.hpp"
#include "tests/tasks/oracle.hpp"

using namespace pe;

namespace {

const std::vector<std::string> all_tasks{"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

double tolerance_for(const std::string& metric) {
    if (metric == "ppl" || metric == "ppl_stderr") return 1e-6;
    if (metric.ends_with("_stderr")) return 1e-12;
    return 0.0;  // acc, acc_norm: identical
}

// Compares every metric of the expected lm-eval file with ours; returns the largest relative error.
double check_against_expected(const results::Json& ours, const std::filesystem::path& expected_path) {
    const auto expected = results::read_json_file(expected_path);
    double worst = 0.0;
    for (const auto& [task, metrics] : expected.find("results")->object()) {
        const auto* our_task = ours.find("results")->find(task);
        BOOST_TEST_REQUIRE(our_task != nullptr, "task " << task << " missing from our results");
        for (const auto& [metric, value] : metrics.object()) {
            const auto* our = our_task->find(metric);
            BOOST_TEST_REQUIRE(our != nullptr, task << "/" << metric << " missing");
            const double want = value.number(), got = our->number();
            const double rel = want == got ? 0.0 : std::abs(got - want) / std::max(std::abs(want), 1e-300);
            worst = std::max(worst, rel);
            BOOST_TEST(rel <= tolerance_for(metric), task << "/" << metric << ": ours " << results::python_float_repr(got)
                                                          << ", lm-eval " << results::python_float_repr(want)
                                                          << " (relative error " << rel << ")");
        }
    }
    BOOST_TEST(results::dump_python(ours.find("versions") ? *ours.find("versions") : results::Json{}) ==
               results::dump_python(*expected.find("versions")));
    return worst;
}

struct OracleRun {
    tasks::EvalResult result;
    results::Json document;
    size_t n_scored = 0;
};

OracleRun run_oracle(const std::string& expected_dir, const std::string& stem, const std::vector<std::string>& task_names,
                     std::optional<size_t> limit, model::LogitPrecision precision) {
    const auto samples = test::read_samples(test::shared_path(expected_dir + "/" + stem + ".samples.jsonl"));
    test::OracleBackend backend(samples);
    const tasks::EvalOptions opt = test::shared_data_options(task_names, limit, precision);
    OracleRun run;
    run.result = tasks::evaluate(opt, test::samples_encoder(samples), backend);
    results::RunConfig cfg;
    cfg.model = "oracle";
    cfg.limit = limit;
    cfg.description_dict = nullptr;
    run.document = results::results_document(run.result, cfg);
    run.n_scored = backend.n_scored;
    return run;
}

void check_fixture(const std::string& expected_dir, const std::string& stem, const std::vector<std::string>& task_names,
                   std::optional<size_t> limit, model::LogitPrecision precision) {
    const auto run = run_oracle(expected_dir, stem, task_names, limit, precision);
    const auto expected_path = test::shared_path(expected_dir + "/" + stem + ".json");
    const double worst = check_against_expected(run.document, expected_path);
    const bool identical = results::dump_python(run.document) == slurp(expected_path);
    BOOST_TEST_MESSAGE(stem << ": largest relative metric error " << worst
                            << (identical ? "; results file byte-identical" : "; results file differs in bytes"));
    // Every request, in lm-eval's order, with lm-eval's strings and ids: the samples file we write
    // is byte for byte the one lm-eval wrote.
    const std::string ours = results::samples_jsonl(run.result.samples);
    const std::string want = slurp(test::shared_path(expected_dir + "/" + stem + ".samples.jsonl"));
    if (ours != want) {
        size_t i = 0;
        while (i < ours.size() && i < want.size() && ours[i] == want[i]) i++;
        BOOST_ERROR("samples differ at byte " << i << ": ours '" << ours.substr(i > 40 ? i - 40 : 0, 100) << "' lm-eval '"
                                              << want.substr(i > 40 ? i - 40 : 0, 100) << "'");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oracle, *boost::unit_test::precondition(test::needs_shared))

BOOST_AUTO_TEST_CASE(limit100_fp32) {
    check_fixture("fixtures/tiny-neox-expected", "lmeval-fp32-limit100", all_tasks, 100, model::LogitPrecision::fp32);
}

BOOST_AUTO_TEST_CASE(limit100_fp16) {
    check_fixture("fixtures/tiny-neox-expected", "lmeval-fp16-limit100", all_tasks, 100, model::LogitPrecision::fp16);
}

BOOST_AUTO_TEST_CASE(full_fp32) {
    check_fixture("fixtures/tiny-neox-expected", "lmeval-fp32-full", all_tasks, std::nullopt, model::LogitPrecision::fp32);
}

BOOST_AUTO_TEST_CASE(full_fp16) {
    check_fixture("fixtures/tiny-neox-expected", "lmeval-fp16-full", all_tasks, std::nullopt, model::LogitPrecision::fp16);
}

BOOST_AUTO_TEST_CASE(greedy_lambada_fp32) {
    check_fixture("fixtures/tiny-neox-greedy-expected", "lmeval-fp32-lambada", {"lambada_openai"}, std::nullopt,
                  model::LogitPrecision::fp32);
}

BOOST_AUTO_TEST_CASE(greedy_lambada_fp16) {
    check_fixture("fixtures/tiny-neox-greedy-expected", "lmeval-fp16-lambada", {"lambada_openai"}, std::nullopt,
                  model::LogitPrecision::fp16);
}

BOOST_AUTO_TEST_SUITE_END()
