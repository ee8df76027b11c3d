// The published result file: {"results", "versions", "config"} as lm-eval's main.py wrote it
// (lm-eval-tasks.md §8, pythia-results.md §3.1), its path layout, and the --log-samples file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "results/json.hpp"
#include "results/model_identity.hpp"
#include "results/provenance.hpp"
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
                                     uint64_t step);

// Pythia names: "EleutherAI/pythia-70m-deduped" or "pythia-70m-deduped" -> size "70m", deduped.
// nullopt for other names (another organisation's repo is not the published model).
struct PythiaName {
    std::string size;
    bool deduped = false;
};
std::optional<PythiaName> pythia_name(const std::string& repo_or_name);

// The one rule for where a run's results go under `out` (README "Result files", CONTRACT.md):
// - a Pythia model at a known step: the published path above;
// - any other name: <out>/<dir>/zero-shot/<model>[_step<N> | _<revision>].json, where <model> is
//   the part after '/', and <dir> is <model>, or <org>--<model> for an organisation other than
//   EleutherAI (so two organisations' models never share a file);
// - settings the published runs did not use get their own name beside it: ".limit<N>" for a
//   limit, ".fp32" for fp32 logits (both: "_step3000.limit100.fp32.json").
// Every component is reduced to [A-Za-z0-9._-] (no leading '.'), so the path stays under `out`.
std::filesystem::path result_path(const std::filesystem::path& out, const ModelIdentity& model,
                                  const RunSettings& settings);

// One compact json.dumps line per request, keys as in lm-eval's samples files: context,
// continuation, ctx_ids, cont_ids, ll, is_greedy.
std::string samples_jsonl(const std::vector<tasks::Sample>& samples);

// --log-samples (issue #13): one compact line per document of `task`, enough to recompute every
// metric from the file alone:
//   {"task", "doc_id" (index in the original file), "doc_pos" (shuffled position), "gold" (index of
//    the correct request, null for LAMBADA), "requests": [{"context", "continuation", "ctx_ids",
//    "cont_ids", "tokens" (len(cont_ids)), "ll", "is_greedy"}...], "metrics": {"acc": 1.0, ...}}
// acc = first argmax of ll == gold; acc_norm = the same over ll / len(continuation without its
// leading space, in code points); LAMBADA: "ppl" is the document's ll, "acc" its is_greedy.
std::string document_samples_jsonl(const tasks::EvalResult& result, const std::string& task);

}  // namespace pe::results
