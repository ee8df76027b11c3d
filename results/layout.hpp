// The published result file: {"results", "versions", "config"} as lm-eval's main.py wrote it
// (lm-eval-tasks.md §8, pythia-results.md §3.1), its path layout, and the --log-samples file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "results/json.hpp"
#include "tasks/evaluator.hpp"

namespace pe::results {

// The nine config keys, in the published order. Defaults are what the published runs recorded
// apart from the model fields, which the caller fills in.
struct RunConfig {
    Json model = nullptr;
    Json model_args = nullptr;
    int num_fewshot = 0;
    Json batch_size = nullptr;
    Json device = nullptr;
    bool no_cache = true;
    std::optional<size_t> limit;
    int bootstrap_iters = 100000;
    Json description_dict = JsonObject{};
};

Json results_document(const tasks::EvalResult& result, const RunConfig& config);
// json.dumps(document, indent=2), no trailing newline, written atomically.
void write_results(const std::filesystem::path& path, const Json& document);

// <out>/pythia-<size>[-deduped]/zero-shot/<size>[-deduped]_step<N>.json
std::filesystem::path published_path(const std::filesystem::path& out, const std::string& size, bool deduped,
                                     long step);

// One compact json.dumps line per request, keys as in lm-eval's samples files: context,
// continuation, ctx_ids, cont_ids, ll, is_greedy. Written atomically.
std::string samples_jsonl(const std::vector<tasks::Sample>& samples);
void write_samples(const std::filesystem::path& path, const std::vector<tasks::Sample>& samples);

}  // namespace pe::results
