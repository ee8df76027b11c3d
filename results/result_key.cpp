// result_key (result_key.hpp).
#include "results/result_key.hpp"

#include <charconv>
#include <regex>

#include "results/layout.hpp"
#include "results/provenance.hpp"

namespace pe::results {

namespace {

std::optional<uint64_t> parse_u64(const std::string& s) {
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::optional<int64_t> int_at(const Json* obj, const std::string& key) {
    const Json* v = obj ? obj->find(key) : nullptr;
    if (v && std::holds_alternative<int64_t>(v->value)) return std::get<int64_t>(v->value);
    return std::nullopt;
}

}  // namespace

std::string canonical_model_name(const std::string& name) {
    if (auto p = pythia_name(name)) return "pythia-" + p->size + (p->deduped ? "-deduped" : "");
    return name;
}

ResultKey result_key(const Json& doc, const std::filesystem::path& file) {
    ResultKey key;
    const Json* config = doc.find("config");
    if (auto shots = int_at(config, "num_fewshot")) key.num_fewshot = int(*shots);
    if (auto limit = int_at(config, "limit"); limit && *limit >= 0) key.limit = size_t(*limit);

    if (const Json* p = doc.find("provenance"); p && p->is_object()) {
        const Provenance prov = provenance_from_json(*p);
        key.model = canonical_model_name(prov.model.name);
        key.step = prov.model.step;
        key.num_fewshot = prov.settings.num_fewshot;
        key.limit = prov.settings.limit;
        key.precision = prov.settings.precision.empty() ? "fp16" : prov.settings.precision;
        key.from = "provenance";
        return key;
    }
    if (const Json* args = config ? config->find("model_args") : nullptr;
        args && std::holds_alternative<std::string>(args->value)) {
        const std::string& text = std::get<std::string>(args->value);
        for (size_t start = 0; start < text.size();) {
            const size_t comma = std::min(text.find(',', start), text.size());
            const std::string item = text.substr(start, comma - start);
            start = comma + 1;
            const size_t eq = item.find('=');
            if (eq == std::string::npos) continue;
            const std::string k = item.substr(0, eq), v = item.substr(eq + 1);
            if (k == "pretrained") key.model = canonical_model_name(v);
            if (k == "revision" && v.starts_with("step")) key.step = parse_u64(v.substr(4));
        }
        if (!key.model.empty() && key.step) {
            key.from = "config";
            return key;
        }
    }
    // The published names: v1.1 "<size>[-deduped]_step<N>.json" under pythia-<size>[-deduped]/,
    // v1 "pythia-<size>[-deduped]-<K>shot-global_step<N>_eval_results_<date>.json".
    const std::string name = file.filename().string();
    static const std::regex v11("([0-9.]+[mb](?:-deduped)?)_step([0-9]+)(\\..*)?\\.json");
    static const std::regex v1("(pythia-[0-9.]+[mb](?:-deduped)?)-([0-9]+)shot-global_step([0-9]+)_eval_results.*\\.json");
    std::smatch m;
    if (std::regex_match(name, m, v11)) {
        key.model = "pythia-" + m[1].str();
        key.step = parse_u64(m[2].str());
    } else if (std::regex_match(name, m, v1)) {
        key.model = m[1].str();
        key.num_fewshot = int(parse_u64(m[2].str()).value_or(0));
        key.step = parse_u64(m[3].str());
    } else {
        key.model = file.stem().string();
    }
    key.from = "file name";
    return key;
}

}  // namespace pe::results
