// Result document, path layout and samples file (lm-eval-tasks.md §8, pythia-results.md §2-§3).
#include "results/layout.hpp"

#include "engine/io/atomic_file.hpp"

namespace pe::results {

namespace {

JsonArray ids_json(const std::vector<int32_t>& ids) {
    JsonArray out;
    out.reserve(ids.size());
    for (int32_t id : ids) out.emplace_back(int64_t(id));
    return out;
}

}  // namespace

Json results_document(const tasks::EvalResult& result, const RunConfig& config) {
    JsonObject results, versions;
    for (const auto& t : result.tasks) {
        JsonObject metrics;
        for (const auto& [name, value] : t.metrics) metrics.emplace_back(name, value);
        results.emplace_back(t.name, std::move(metrics));
        versions.emplace_back(t.name, t.version);  // same keys, same order as "results"
    }
    const JsonObject cfg{
        {"model", config.model},
        {"model_args", config.model_args},
        {"num_fewshot", config.num_fewshot},
        {"batch_size", config.batch_size},
        {"device", config.device},
        {"no_cache", config.no_cache},
        {"limit", config.limit ? Json(int64_t(*config.limit)) : Json(nullptr)},
        {"bootstrap_iters", config.bootstrap_iters},
        {"description_dict", config.description_dict},
    };
    return JsonObject{{"results", std::move(results)}, {"versions", std::move(versions)}, {"config", cfg}};
}

void write_results(const std::filesystem::path& path, const Json& document) {
    io::write_file_atomically(path, dump_python(document, 2));
}

std::filesystem::path published_path(const std::filesystem::path& out, const std::string& size, bool deduped,
                                     long step) {
    const std::string name = size + (deduped ? "-deduped" : "");
    return out / ("pythia-" + name) / "zero-shot" / (name + "_step" + std::to_string(step) + ".json");
}

std::string samples_jsonl(const std::vector<tasks::Sample>& samples) {
    std::string out;
    for (const auto& s : samples) {
        const Json line = JsonObject{{"context", s.context},         {"continuation", s.continuation},
                                     {"ctx_ids", ids_json(s.ctx_ids)}, {"cont_ids", ids_json(s.cont_ids)},
                                     {"ll", s.result.ll},             {"is_greedy", s.result.is_greedy}};
        out += dump_python(line, -1);
        out += '\n';
    }
    return out;
}

void write_samples(const std::filesystem::path& path, const std::vector<tasks::Sample>& samples) {
    io::write_file_atomically(path, samples_jsonl(samples));
}

}  // namespace pe::results
