// merge_conflicts / merge_documents / holds_measurement (merge.hpp).
#include "results/merge.hpp"

#include <algorithm>

namespace pe::results {

namespace {

// obj with key set to value: replaced where it is, appended when new.
void set_key(JsonObject& obj, const std::string& key, Json value) {
    for (auto& [k, v] : obj)
        if (k == key) {
            v = std::move(value);
            return;
        }
    obj.emplace_back(key, std::move(value));
}

JsonObject object_or_empty(const Json* v) { return v && v->is_object() ? v->object() : JsonObject{}; }

// Every key of fresh[key] merged into existing[key] (replace in place, else append).
void merge_section(JsonObject& doc, const Json& fresh, const std::string& key) {
    JsonObject merged;
    for (const auto& [k, v] : doc)
        if (k == key) merged = object_or_empty(&v);
    for (const auto& [k, v] : object_or_empty(fresh.find(key))) set_key(merged, k, v);
    set_key(doc, key, std::move(merged));
}

}  // namespace

std::vector<std::string> merge_conflicts(const Json& existing, const Provenance& mine) {
    const Json* p = existing.find("provenance");
    if (!p || !p->is_object()) return {"provenance (none in the file)"};
    return measurement_differences(provenance_from_json(*p), mine);
}

Json merge_documents(const Json& existing, const Json& fresh) {
    JsonObject doc = existing.object();
    merge_section(doc, fresh, "results");
    merge_section(doc, fresh, "versions");
    if (const Json* cfg = fresh.find("config"); cfg && cfg->is_object()) {
        JsonObject config;
        for (const auto& [k, v] : doc)
            if (k == "config") config = object_or_empty(&v);
        if (const Json* device = cfg->find("device")) set_key(config, "device", *device);
        set_key(doc, "config", std::move(config));
    }
    if (const Json* fp = fresh.find("provenance"); fp && fp->is_object()) {
        JsonObject prov;
        for (const auto& [k, v] : doc)
            if (k == "provenance") prov = object_or_empty(&v);
        for (const auto& [k, v] : fp->object()) {
            if (k == "tasks" || k == "data") {
                JsonObject merged;
                for (const auto& [pk, pv] : prov)
                    if (pk == k) merged = object_or_empty(&pv);
                for (const auto& [tk, tv] : object_or_empty(&v)) set_key(merged, tk, tv);
                set_key(prov, k, std::move(merged));
            } else {
                set_key(prov, k, v);  // who ran last, with what, when
            }
        }
        set_key(doc, "provenance", std::move(prov));
    }
    return doc;
}

std::vector<std::string> result_tasks(const Json& document) {
    std::vector<std::string> out;
    for (const auto& [task, metrics] : object_or_empty(document.find("results"))) out.push_back(task);
    return out;
}

bool holds_measurement(const std::filesystem::path& file, const Provenance& mine, const std::vector<std::string>& tasks) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return false;
    const Json doc = read_json_file(file);
    if (!merge_conflicts(doc, mine).empty()) return false;
    const auto have = result_tasks(doc);
    return std::all_of(tasks.begin(), tasks.end(),
                       [&](const std::string& t) { return std::find(have.begin(), have.end(), t) != have.end(); });
}

}  // namespace pe::results
