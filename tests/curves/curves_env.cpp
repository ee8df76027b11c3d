// Helpers of tests/curves (curves_env.hpp).
#include "tests/curves/curves_env.hpp"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"

namespace pe::test {

namespace fs = std::filesystem;

fs::path published_root() { return shared_path("reference/pythia-results"); }

std::vector<std::string> zero_shot_folders() {
    std::vector<std::string> out;
    for (const char* size : {"70m", "160m", "410m"})
        for (const char* suffix : {"", "-deduped"})
            out.push_back((published_root() / "v1.1-evals" / (std::string("pythia-") + size + suffix) / "zero-shot").string());
    return out;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); i++) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', i++;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = any = true;
        } else if (c == ',') {
            row.push_back(field), field.clear();
        } else if (c == '\n') {
            row.push_back(field), field.clear();
            rows.push_back(row), row.clear();
        } else {
            field += c;
        }
    }
    if (!field.empty() || !row.empty()) row.push_back(field), rows.push_back(row);
    return rows;
}

std::vector<fs::path> json_files_under(const fs::path& folder) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<JsonNumber> numbers_in(const std::vector<fs::path>& files) {
    std::vector<JsonNumber> out;
    simdjson::dom::parser parser;
    for (const auto& f : files) {
        simdjson::dom::element doc = parser.load(f.string());
        for (auto [task, metrics] : doc["results"].get_object()) {
            for (auto [metric, value] : metrics.get_object()) {
                const std::string m(metric);
                if (m.ends_with("_stderr") || !(value.is_double() || value.is_int64() || value.is_uint64())) continue;
                JsonNumber n{f.string(), std::string(task), m, double(value.get_double().value_unsafe()), false, 0.0};
                if (value.is_int64()) n.value = double(value.get_int64().value_unsafe());
                auto se = metrics.get_object()[m + "_stderr"];
                if (!se.error()) {
                    n.has_stderr = true;
                    n.stderr_value = se.is_int64() ? double(se.get_int64().value_unsafe()) : se.get_double().value_unsafe();
                }
                out.push_back(std::move(n));
            }
        }
    }
    return out;
}

void write_our_run(const fs::path& published, const fs::path& out, double shift_sigmas) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(published.string());
    const double acc = doc["results"]["lambada_openai"]["acc"].get_double().value();
    const double se = doc["results"]["lambada_openai"]["acc_stderr"].get_double().value();
    std::string text = slurp(published);
    // The published text holds "acc": <repr> once per task; change the one in lambada_openai's object.
    const size_t task = text.find("\"lambada_openai\": {");
    const size_t at = text.find("\"acc\": ", task);
    const size_t end = text.find_first_of(",\n", at);
    std::ostringstream v;
    v.precision(17);
    v << acc + shift_sigmas * se;
    text = text.substr(0, at) + "\"acc\": " + v.str() + text.substr(end);
    const size_t model = text.find("\"model\": \"hf-causal\"");
    text.replace(model, 20, "\"model\": \"pythia-eval\"");
    std::ofstream(out, std::ios::binary) << text;
}

}  // namespace pe::test
