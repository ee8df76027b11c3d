// Issue #13 "Per-document samples": --log-samples writes, per task, one JSON line per document with
// everything its metrics come from. This test recomputes every metric of the result JSON from the
// samples files alone (per document from ll, gold and the choice texts; then lm-eval's aggregation)
// and checks both the per-document values and the JSON's numbers.
#include <boost/test/unit_test.hpp>


#include <cmath>
#include <fstream>
#include <set>

#include "tasks/dataset.hpp"
#include "tasks/metrics.hpp"
#include "tests/common/shared.hpp"
#include "tests/trust/trust_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

const results::JsonArray& array(const results::Json& j, const std::string& key) {
    return std::get<results::JsonArray>(j.find(key)->value);
}

double number(const results::Json& j, const std::string& key) { return j.find(key)->number(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(samples, *boost::unit_test::precondition(test::needs_shared))

BOOST_AUTO_TEST_CASE(every_metric_recomputes_from_the_samples) {
    const auto scratch = test::scratch_dir("trust_samples");
    const fs::path out = scratch / "r.json";
    const std::vector<std::string> task_names = {"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};
    auto run = test::run_cli(test::eval_args(test::shared_path("fixtures/tiny-neox").string(),
                                             {"--limit", "12", "--log-samples", "--output", out.string()}),
                             test::trust_env());
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    const auto doc = results::read_json_file(out);

    for (const auto& task : task_names) {
        const fs::path file = scratch / ("r." + task + ".samples.jsonl");
        BOOST_TEST_REQUIRE(fs::is_regular_file(file), file);
        std::ifstream in(file);
        std::vector<double> acc, acc_norm, lls;
        std::vector<size_t> doc_ids;
        size_t pos = 0;
        for (std::string line; std::getline(in, line); ++pos) {
            const auto d = results::parse_json(line, file.string());
            BOOST_TEST(std::get<std::string>(d.find("task")->value) == task);
            BOOST_TEST(number(d, "doc_pos") == double(pos));
            doc_ids.push_back(size_t(number(d, "doc_id")));
            const auto& reqs = array(d, "requests");
            std::vector<double> ll, normed;
            for (const auto& r : reqs) {
                BOOST_TEST(number(r, "tokens") == double(array(r, "cont_ids").size()));
                BOOST_TEST(number(r, "ll") <= 0.0);
                ll.push_back(number(r, "ll"));
                // acc_norm divides by the choice's length in code points, without the leading space.
                const std::string cont = std::get<std::string>(r.find("continuation")->value);
                normed.push_back(ll.back() / double(tasks::len_codepoints(cont.substr(1))));
            }
            const auto& metrics = *d.find("metrics");
            if (task == "lambada_openai") {
                BOOST_TEST(d.find("gold")->is_null());
                // lm-eval's two identical requests: ll from the first, is_greedy from the second.
                BOOST_TEST_REQUIRE(reqs.size() == 2u);
                const double is_greedy = std::get<bool>(reqs[1].find("is_greedy")->value) ? 1.0 : 0.0;
                BOOST_TEST(number(metrics, "ppl") == ll[0]);
                BOOST_TEST(number(metrics, "acc") == is_greedy);
                lls.push_back(ll[0]);
                acc.push_back(is_greedy);
                continue;
            }
            const size_t gold = size_t(number(d, "gold"));
            const double a = tasks::first_argmax(ll) == gold ? 1.0 : 0.0;
            BOOST_TEST(number(metrics, "acc") == a, task << " document " << pos);
            acc.push_back(a);
            if (task != "winogrande") {
                const double an = tasks::first_argmax(normed) == gold ? 1.0 : 0.0;
                BOOST_TEST(number(metrics, "acc_norm") == an, task << " document " << pos);
                acc_norm.push_back(an);
            }
        }
        BOOST_TEST(pos == 12u, task);
        BOOST_TEST(std::set<size_t>(doc_ids.begin(), doc_ids.end()).size() == doc_ids.size(), task);

        // The JSON's numbers from the samples alone, with lm-eval's aggregation.
        const auto& got = *doc.find("results")->find(task);
        BOOST_TEST(number(got, "acc") == tasks::mean(acc), task);
        BOOST_TEST(number(got, "acc_stderr") == tasks::mean_stderr(acc), task);
        if (!acc_norm.empty()) {
            BOOST_TEST(number(got, "acc_norm") == tasks::mean(acc_norm), task);
            BOOST_TEST(number(got, "acc_norm_stderr") == tasks::mean_stderr(acc_norm), task);
        }
        if (task == "lambada_openai") {
            BOOST_TEST(number(got, "ppl") == tasks::perplexity(lls));
            BOOST_TEST(number(got, "ppl_stderr") == tasks::bootstrap_stderr(tasks::perplexity, lls, 100000));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
