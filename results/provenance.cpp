// provenance (provenance.hpp): the JSON object, read back, and "same measurement".
#include "results/provenance.hpp"

#include <ctime>

namespace pe::results {

namespace {

std::string string_at(const Json& obj, const std::string& key) {
    const Json* v = obj.find(key);
    if (!v) return {};
    if (auto* s = std::get_if<std::string>(&v->value)) return *s;
    return {};
}

const Json& object_at(const Json& obj, const std::string& key) {
    static const Json empty = JsonObject{};
    const Json* v = obj.find(key);
    return v && v->is_object() ? *v : empty;
}

std::optional<int64_t> int_at(const Json& obj, const std::string& key) {
    const Json* v = obj.find(key);
    if (v && std::holds_alternative<int64_t>(v->value)) return std::get<int64_t>(v->value);
    return std::nullopt;
}

double number_at(const Json& obj, const std::string& key) {
    const Json* v = obj.find(key);
    return v && v->is_number() ? v->number() : 0.0;
}

Json string_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

Json provenance_json(const Provenance& p) {
    JsonArray features, command_line;
    for (const auto& f : p.settings.features) features.emplace_back(f);
    for (const auto& a : p.command_line) command_line.emplace_back(a);
    JsonObject data, tasks;
    for (const auto& [file, sha] : p.data) data.emplace_back(file, sha);
    for (const auto& [name, t] : p.tasks)
        tasks.emplace_back(name, JsonObject{{"documents", int64_t(t.documents)},
                                            {"requests", int64_t(t.requests)},
                                            {"wall_seconds", t.wall_seconds},
                                            {"started_utc", t.started_utc},
                                            {"backend", t.backend},
                                            {"device", string_or_null(t.device)}});
    const auto& s = p.settings;
    return JsonObject{
        {"pythia_eval", JsonObject{{"version", p.tool_version}, {"git_commit", p.git_commit}}},
        {"model", identity_json(p.model)},
        {"settings", JsonObject{{"precision", s.precision},
                                {"limit", s.limit ? Json(int64_t(*s.limit)) : Json(nullptr)},
                                {"num_fewshot", s.num_fewshot},
                                {"backend", s.backend},
                                {"device", string_or_null(s.device)},
                                {"driver", string_or_null(s.driver)},
                                {"features", std::move(features)}}},
        {"data", std::move(data)},
        {"tasks", std::move(tasks)},
        {"started_utc", p.started_utc},
        {"wall_seconds", p.wall_seconds},
        {"command_line", std::move(command_line)},
    };
}

Provenance provenance_from_json(const Json& j) {
    Provenance p;
    const Json& tool = object_at(j, "pythia_eval");
    p.tool_version = string_at(tool, "version");
    p.git_commit = string_at(tool, "git_commit");
    p.model = identity_from_json(object_at(j, "model"));
    const Json& s = object_at(j, "settings");
    p.settings.precision = string_at(s, "precision");
    if (auto limit = int_at(s, "limit"); limit && *limit >= 0) p.settings.limit = size_t(*limit);
    p.settings.num_fewshot = int(int_at(s, "num_fewshot").value_or(0));
    p.settings.backend = string_at(s, "backend");
    p.settings.device = string_at(s, "device");
    p.settings.driver = string_at(s, "driver");
    if (const Json* f = s.find("features"); f && std::holds_alternative<JsonArray>(f->value))
        for (const Json& x : std::get<JsonArray>(f->value))
            if (auto* str = std::get_if<std::string>(&x.value)) p.settings.features.push_back(*str);
    for (const auto& [file, sha] : object_at(j, "data").object())
        if (auto* str = std::get_if<std::string>(&sha.value)) p.data.emplace_back(file, *str);
    for (const auto& [name, t] : object_at(j, "tasks").object())
        p.tasks.emplace_back(name, TaskStats{size_t(int_at(t, "documents").value_or(0)),
                                             size_t(int_at(t, "requests").value_or(0)), number_at(t, "wall_seconds"),
                                             string_at(t, "started_utc"), string_at(t, "backend"),
                                             string_at(t, "device")});
    p.started_utc = string_at(j, "started_utc");
    p.wall_seconds = number_at(j, "wall_seconds");
    if (const Json* c = j.find("command_line"); c && std::holds_alternative<JsonArray>(c->value))
        for (const Json& x : std::get<JsonArray>(c->value))
            if (auto* str = std::get_if<std::string>(&x.value)) p.command_line.push_back(*str);
    return p;
}

std::vector<std::string> measurement_differences(const Provenance& a, const Provenance& b) {
    std::vector<std::string> diff;
    if (a.model.weights_sha256 != b.model.weights_sha256) diff.push_back("weights_sha256");
    if (a.model.config_sha256 != b.model.config_sha256) diff.push_back("config_sha256");
    if (a.model.tokenizer_sha256 != b.model.tokenizer_sha256) diff.push_back("tokenizer_sha256");
    if (a.settings.precision != b.settings.precision) diff.push_back("precision");
    if (a.settings.limit != b.settings.limit) diff.push_back("limit");
    if (a.settings.num_fewshot != b.settings.num_fewshot) diff.push_back("num_fewshot");
    // A task's data files are the same whichever run read them: a file both used must hash alike.
    for (const auto& [file, sha] : a.data)
        for (const auto& [other_file, other_sha] : b.data)
            if (file == other_file && sha != other_sha) diff.push_back("data " + file);
    return diff;
}

std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace pe::results
