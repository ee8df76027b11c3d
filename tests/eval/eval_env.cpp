// eval_env / expect_same_metrics (eval_env.hpp).
#include "tests/eval/eval_env.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>

#include "tests/common/shared.hpp"

namespace pe::test {

Env eval_env() {
    auto cache = binary_dir() / "test-scratch" / "eval-cache";
    return {{"XDG_CACHE_HOME", cache.string()}, {"HF_HOME", (cache / "hf").string()}, {"HF_HUB_OFFLINE", ""}};
}

std::string dump_ids(const results::Json& obj, const std::string& key) {
    const auto* v = obj.find(key);
    return v ? results::dump_python(*v, -1) : "(absent)";
}

void expect_same_metrics(const results::Json& want, const results::Json& got, const MetricTolerance& tol) {
    const auto* wr = want.find("results");
    const auto* gr = got.find("results");
    BOOST_TEST_REQUIRE((wr && gr), "a document has no \"results\"");
    size_t n = 0;
    for (const auto& [task, metrics] : wr->object()) {
        const auto* gt = gr->find(task);
        BOOST_TEST_REQUIRE(gt, "task " << task << " missing");
        for (const auto& [metric, value] : metrics.object()) {
            const auto* gv = gt->find(metric);
            BOOST_TEST_REQUIRE(gv, task << "/" << metric << " missing");
            double w = value.number(), g = gv->number();
            double rel = w == g ? 0.0 : std::abs(g - w) / std::max(std::abs(w), 1e-300);
            double bound = metric.starts_with("ppl") ? tol.ppl_rel : metric.ends_with("_stderr") ? tol.stderr_rel : 0.0;
            BOOST_TEST(rel <= bound, task << "/" << metric << ": ours " << results::python_float_repr(g)
                                          << ", lm-eval " << results::python_float_repr(w) << ", relative error "
                                          << rel << " > " << bound);
            ++n;
        }
    }
    BOOST_TEST(n == 18u);
}

}  // namespace pe::test
