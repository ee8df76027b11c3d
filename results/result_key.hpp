// What a result file measured, as readers match files (compare, table, sweep --status; CONTRACT.md):
// model, step, few-shot, limit and precision, from the provenance when the file has one, else from
// config.model_args ("pretrained=EleutherAI/pythia-v1.1-70m-deduped,revision=step3000") and the
// config, else from the published file name ("70m-deduped_step3000.json", or v1's
// "pythia-70m-deduped-0shot-global_step73000_eval_results_....json").
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "results/json.hpp"

namespace pe::results {

struct ResultKey {
    std::string model;  // "pythia-70m-deduped" for Pythia (org and "v1.1-" dropped), else the name as recorded
    std::optional<uint64_t> step;
    int num_fewshot = 0;
    std::optional<size_t> limit;
    std::string precision = "fp16";  // the published runs' unless the provenance says otherwise
    std::string from;                // "provenance", "config" or "file name"
};

ResultKey result_key(const Json& document, const std::filesystem::path& file);

// "EleutherAI/pythia-v1.1-70m-deduped" -> "pythia-70m-deduped"; other names unchanged.
std::string canonical_model_name(const std::string& name);

}  // namespace pe::results
