// Shared helpers for the eval tests: a private cache environment for the CLI, and the metric
// comparison used against lm-eval's outputs (acc exact, stderr and ppl within relative bounds).
#pragma once

#include <string>

#include "results/json.hpp"
#include "tests/common/cli_run.hpp"

namespace pe::test {

// XDG_CACHE_HOME and HF_HOME under the build tree (the GGUF conversion cache is shared by the
// eval tests, so the fixture converts once), HF_HUB_OFFLINE unset.
Env eval_env();

struct MetricTolerance {
    double ppl_rel = 1e-6;     // ppl and ppl_stderr (the bootstrap of per-document sums)
    double stderr_rel = 1e-12; // the acc stderrs are functions of k/n
};

// Every task and metric of `want` is in `got`: acc/acc_norm identical, the rest within tolerance.
// obj[key] written compactly, for comparing id lists.
std::string dump_ids(const results::Json& obj, const std::string& key);

void expect_same_metrics(const results::Json& want, const results::Json& got, const MetricTolerance& tol);

}  // namespace pe::test
