// Result document, path layout and samples file (lm-eval-tasks.md §8, pythia-results.md §2-§3).
#include "results/layout.hpp"

#include <regex>

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
    write_file_atomic(path, dump_python(document, 2));
}

std::filesystem::path published_path(const std::filesystem::path& out, const std::string& size, bool deduped,
                                     uint64_t step) {
    const std::string name = size + (deduped ? "-deduped" : "");
    return out / ("pythia-" + name) / "zero-shot" / (name + "_step" + std::to_string(step) + ".json");
}

std::optional<PythiaName> pythia_name(const std::string& repo_or_name) {
    const size_t slash = repo_or_name.rfind('/');
    if (slash != std::string::npos && repo_or_name.substr(0, slash) != "EleutherAI") return std::nullopt;
    const std::string name = slash == std::string::npos ? repo_or_name : repo_or_name.substr(slash + 1);
    static const std::regex re("pythia-(?:v1\\.1-)?([0-9.]+[mb])(-deduped)?");
    std::smatch m;
    if (!std::regex_match(name, m, re)) return std::nullopt;
    return PythiaName{m[1], m[2].matched};
}

namespace {

// A file or folder name built from outside data: only [A-Za-z0-9._-], no leading '.', never empty.
std::string safe_component(const std::string& s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
    if (out.empty()) out = "model";
    if (out[0] == '.') out[0] = '_';
    return out;
}

}  // namespace

std::filesystem::path result_path(const std::filesystem::path& out, const ModelIdentity& model,
                                  const RunSettings& settings) {
    std::string suffix;
    if (settings.limit) suffix += ".limit" + std::to_string(*settings.limit);
    if (settings.precision != "fp16") suffix += "." + safe_component(settings.precision);
    if (auto p = pythia_name(model.name); p && model.step) {
        std::filesystem::path published = published_path(out, p->size, p->deduped, *model.step);
        return published.replace_filename(published.stem().string() + suffix + ".json");
    }
    const size_t slash = model.name.rfind('/');
    const std::string base = safe_component(slash == std::string::npos ? model.name : model.name.substr(slash + 1));
    std::string dir = base;
    if (slash != std::string::npos && model.name.substr(0, slash) != "EleutherAI")
        dir = safe_component(model.name.substr(0, slash)) + "--" + base;
    std::string stem = base;
    if (model.step) stem += "_step" + std::to_string(*model.step);
    else if (!model.revision.empty() && model.revision != "main") stem += "_" + safe_component(model.revision);
    return out / dir / "zero-shot" / (stem + suffix + ".json");
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

std::string document_samples_jsonl(const tasks::EvalResult& result, const std::string& task) {
    std::string out;
    for (const auto& d : result.documents) {
        if (d.task != task) continue;
        JsonArray requests;
        for (size_t i = d.first_sample; i < d.first_sample + d.n_requests; i++) {
            const auto& s = result.samples.at(i);
            requests.push_back(JsonObject{{"context", s.context},
                                          {"continuation", s.continuation},
                                          {"ctx_ids", ids_json(s.ctx_ids)},
                                          {"cont_ids", ids_json(s.cont_ids)},
                                          {"tokens", int64_t(s.cont_ids.size())},
                                          {"ll", s.result.ll},
                                          {"is_greedy", s.result.is_greedy}});
        }
        JsonObject metrics;
        for (const auto& [name, value] : d.metrics) metrics.emplace_back(name, value);
        const Json line = JsonObject{{"task", d.task},
                                     {"doc_id", int64_t(d.doc_id)},
                                     {"doc_pos", int64_t(d.doc_pos)},
                                     {"gold", d.gold ? Json(int64_t(*d.gold)) : Json(nullptr)},
                                     {"requests", std::move(requests)},
                                     {"metrics", std::move(metrics)}};
        out += dump_python(line, -1);
        out += '\n';
    }
    return out;
}

}  // namespace pe::results
