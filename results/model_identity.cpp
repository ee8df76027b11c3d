// ModelIdentity (model_identity.hpp): digests and the provenance.model JSON object.
#include "results/model_identity.hpp"

#include "engine/net/digest.hpp"

namespace pe::results {

namespace {

Json string_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string string_at(const Json& obj, const std::string& key) {
    const Json* v = obj.find(key);
    if (!v) return {};
    if (auto* s = std::get_if<std::string>(&v->value)) return *s;
    return {};
}

}  // namespace

std::string weights_digest(const std::vector<WeightFile>& weights) {
    net::Digest d(net::DigestKind::sha256);
    for (const auto& w : weights) d.update(w.sha256 + "  " + w.file + "\n");
    return d.hex();
}

std::string ModelIdentity::content_key() const {
    net::Digest d(net::DigestKind::sha256);
    d.update("weights " + weights_sha256 + "\nconfig " + config_sha256 + "\ntokenizer " + tokenizer_sha256 + "\n");
    return d.hex();
}

Json identity_json(const ModelIdentity& id) {
    JsonArray weights;
    for (const auto& w : id.weights) weights.push_back(JsonObject{{"file", w.file}, {"sha256", w.sha256}});
    return JsonObject{
        {"name", id.name},
        {"name_from", id.name_from},
        {"step", id.step ? Json(int64_t(*id.step)) : Json(nullptr)},
        {"source", id.source},
        {"repo_id", string_or_null(id.repo_id)},
        {"revision", string_or_null(id.revision)},
        {"commit", string_or_null(id.commit)},
        {"weights", std::move(weights)},
        {"weights_sha256", id.weights_sha256},
        {"config_sha256", string_or_null(id.config_sha256)},
        {"tokenizer_sha256", string_or_null(id.tokenizer_sha256)},
    };
}

ModelIdentity identity_from_json(const Json& model) {
    ModelIdentity id;
    id.name = string_at(model, "name");
    id.name_from = string_at(model, "name_from");
    if (const Json* s = model.find("step"); s && std::holds_alternative<int64_t>(s->value) && std::get<int64_t>(s->value) >= 0)
        id.step = uint64_t(std::get<int64_t>(s->value));
    id.source = string_at(model, "source");
    id.repo_id = string_at(model, "repo_id");
    id.revision = string_at(model, "revision");
    id.commit = string_at(model, "commit");
    if (const Json* ws = model.find("weights"); ws && std::holds_alternative<JsonArray>(ws->value))
        for (const Json& w : std::get<JsonArray>(ws->value)) id.weights.push_back({string_at(w, "file"), string_at(w, "sha256")});
    id.weights_sha256 = string_at(model, "weights_sha256");
    id.config_sha256 = string_at(model, "config_sha256");
    id.tokenizer_sha256 = string_at(model, "tokenizer_sha256");
    return id;
}

}  // namespace pe::results
