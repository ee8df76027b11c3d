// Reading and normalising result files of any origin (CONTRACT.md "Readers", pythia-results.md §2-§3).
#include "results/result_file.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "engine/error.hpp"

namespace pe::results {

namespace fs = std::filesystem;

namespace {

// What a file name says: v1.1 `70m-deduped_step3000.json`, `70m-deduped-5shot_step3000.json`,
// `baseline-70m-deduped_step134000.json`, ours `70m-deduped_step3000.limit100.fp32.json`, and v0
// `pythia-70m-deduped-0shot-global_step73000_eval_results_11-25-2022-10-16-50.json`.
struct NameFacts {
    std::optional<std::string> model;
    std::optional<long> step;
    std::optional<int> shots;
    std::string study;  // "baseline" or "intervention": the v1.1 studies beside the main runs
};

NameFacts facts_from_name(const std::string& name) {
    static const std::regex v0(R"(^(pythia-[0-9.]+[mb](?:-deduped)?)-([0-9]+)shot-global_step([0-9]+)_eval_results_.*\.json$)");
    static const std::regex v11(R"(^(?:(baseline|intervention)-)?([0-9.]+[mb](?:-deduped)?)(-5shot)?_step([0-9]+)(?:\.[a-z0-9]+)*\.json$)");
    std::smatch m;
    NameFacts f;
    if (std::regex_match(name, m, v0)) {
        f.model = "EleutherAI/" + m[1].str() + "-v0";
        f.shots = std::stoi(m[2].str());
        f.step = std::stol(m[3].str());
    } else if (std::regex_match(name, m, v11)) {
        f.study = m[1].str();
        f.model = "EleutherAI/pythia-" + m[2].str();
        if (m[3].matched) f.shots = 5;
        f.step = std::stol(m[4].str());
    }
    return f;
}

// lm-eval's model_args string: "use_accelerate=True,pretrained=EleutherAI/pythia-v1.1-70m,revision=step3000".
struct ArgFacts {
    std::optional<std::string> model;
    std::optional<long> step;
};

ArgFacts facts_from_model_args(const std::string& args) {
    ArgFacts f;
    size_t begin = 0;
    while (begin <= args.size()) {
        const size_t end = std::min(args.find(',', begin), args.size());
        const std::string kv = args.substr(begin, end - begin);
        if (kv.starts_with("pretrained=")) {
            std::string name = kv.substr(11);
            // A local folder is named by its last component; a repo id stays whole.
            if (name.starts_with("/") || name.starts_with(".") || std::count(name.begin(), name.end(), '/') > 1)
                name = fs::path(name).lexically_normal().filename().string();
            // The v1.1 evals ran under the pre-release names of today's repos (pythia-results.md §3.1).
            if (name.starts_with("EleutherAI/pythia-v1.1-")) name = "EleutherAI/pythia-" + name.substr(23);
            if (!name.empty()) f.model = name;
        } else if (kv.starts_with("revision=step")) {
            const std::string digits = kv.substr(13);
            if (!digits.empty() && digits.size() < 10 && std::all_of(digits.begin(), digits.end(), ::isdigit))
                f.step = std::stol(digits);
        }
        begin = end + 1;
    }
    return f;
}

const Json* at(const Json& doc, std::initializer_list<const char*> keys) {
    const Json* v = &doc;
    for (const char* k : keys)
        if (!(v = v->find(k))) return nullptr;
    return v;
}

std::optional<long> integer_at(const Json& doc, std::initializer_list<const char*> keys, const std::string& file,
                               const std::string& field) {
    const Json* v = at(doc, keys);
    if (!v || v->is_null()) return std::nullopt;
    if (const auto* i = std::get_if<int64_t>(&v->value); i && *i >= 0) return long(*i);
    throw_bad_input(file, field, "expected a non-negative integer or null");
}

}  // namespace

std::vector<fs::path> result_paths(const std::vector<std::string>& paths) {
    std::vector<fs::path> out;
    for (const auto& p : paths) {
        std::error_code ec;
        const auto status = fs::status(p, ec);
        if (fs::is_regular_file(status)) {
            out.emplace_back(p);
        } else if (fs::is_directory(status)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
                 it.increment(ec))
                if (it->path().extension() == ".json" && it->is_regular_file()) found.push_back(it->path());
            if (ec) throw_io(p, "cannot read folder: " + ec.message());
            if (found.empty()) throw_bad_input(p, "", "no .json result files in this folder");
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else {
            throw_bad_input(p, "", "no such file or folder");
        }
    }
    return out;
}

ResultFile read_result_file(const fs::path& path) {
    ResultFile f;
    f.source = path.string();
    f.document = read_json_file(path);
    const Json& doc = f.document;
    const Json* results = doc.find("results");
    if (!results || !results->is_object())
        throw_bad_input(f.source, "results", "missing or not an object of tasks: not an lm-eval result file");
    const Json* config_model = at(doc, {"config", "model"});
    const Json* provenance = doc.find("provenance");
    f.ours = (provenance && provenance->is_object()) ||
             (config_model && std::holds_alternative<std::string>(config_model->value) &&
              std::get<std::string>(config_model->value) == "pythia-eval");

    // Lowest precedence first; each later source overrides what it knows (CONTRACT.md "Readers").
    const NameFacts name = facts_from_name(path.filename().string());
    std::optional<std::string> model = name.model;
    std::optional<long> step = name.step;
    std::optional<int> shots = name.shots;
    const bool neox = config_model && std::holds_alternative<std::string>(config_model->value) &&
                      std::get<std::string>(config_model->value) == "neox";
    if (const Json* args = at(doc, {"config", "model_args"}); args && !neox &&
                                                              std::holds_alternative<std::string>(args->value)) {
        const ArgFacts a = facts_from_model_args(std::get<std::string>(args->value));
        if (a.model) model = a.model;
        if (a.step) step = a.step;
    }
    if (auto n = integer_at(doc, {"config", "num_fewshot"}, f.source, "config.num_fewshot")) shots = int(*n);
    if (provenance) {
        if (const Json* n = at(*provenance, {"model", "name"}); n && std::holds_alternative<std::string>(n->value))
            model = std::get<std::string>(n->value);
        if (auto s = integer_at(*provenance, {"model", "step"}, f.source, "provenance.model.step")) step = s;
        if (auto n = integer_at(*provenance, {"settings", "num_fewshot"}, f.source, "provenance.settings.num_fewshot"))
            shots = int(*n);
    }
    // A GPT-NeoX file whose name says nothing: the model is its folder (v1/pythia-70m/...).
    if (!model) model = neox ? "EleutherAI/" + path.parent_path().filename().string() + "-v0"
                             : path.parent_path().filename().string();
    // A run on a sample of the documents or at another precision measures something else than the
    // published runs: it gets a curve of its own (CONTRACT.md file names: .limit100, .fp32). So do
    // the v1.1 baseline and intervention studies, which re-ran the last steps of some models.
    f.variant = name.study;
    if (const Json* limit = at(doc, {"config", "limit"}); limit && limit->is_number())
        f.variant += (f.variant.empty() ? "" : " ") + ("limit " + std::to_string(int64_t(limit->number())));
    if (const Json* p = provenance ? at(*provenance, {"settings", "precision"}) : nullptr;
        p && std::holds_alternative<std::string>(p->value) && std::get<std::string>(p->value) != "fp16")
        f.variant += (f.variant.empty() ? "" : " ") + std::get<std::string>(p->value);
    f.model = *model;
    f.step = step;
    f.shots = shots;
    return f;
}

std::vector<ResultFile> read_result_files(const std::vector<std::string>& paths) {
    std::vector<ResultFile> files;
    std::set<fs::path> seen;  // a file reached through two arguments is read once
    for (const auto& p : result_paths(paths))
        if (seen.insert(fs::weakly_canonical(p)).second) files.push_back(read_result_file(p));
    return files;
}

std::vector<ResultFile> with_published(std::vector<ResultFile> runs, const std::string& published_dir) {
    if (published_dir.empty()) return runs;
    if (!fs::is_directory(published_dir)) throw_bad_input("--published " + published_dir, "", "no such folder");
    std::set<fs::path> have;
    for (const auto& r : runs) have.insert(fs::weakly_canonical(r.source));
    std::vector<ResultFile> published;
    for (const auto& path : result_paths({published_dir})) {
        if (!in_published_layout(path) || have.count(fs::weakly_canonical(path))) continue;
        ResultFile f = read_result_file(path);
        if (f.ours) continue;
        const bool wanted = std::any_of(runs.begin(), runs.end(), [&](const ResultFile& r) {
            return r.model == f.model && r.shots == f.shots;
        });
        if (wanted) published.push_back(std::move(f));
    }
    runs.insert(runs.end(), std::make_move_iterator(published.begin()), std::make_move_iterator(published.end()));
    return runs;
}

bool in_published_layout(const fs::path& path) {
    static const std::regex zero(R"(^[0-9.]+[mb](?:-deduped)?_step[0-9]+\.json$)");
    static const std::regex five(R"(^[0-9.]+[mb](?:-deduped)?-5shot_step[0-9]+\.json$)");
    const std::string shot_dir = path.parent_path().filename().string();
    const std::string name = path.filename().string();
    return (shot_dir == "zero-shot" && std::regex_match(name, zero)) ||
           (shot_dir == "five-shot" && std::regex_match(name, five));
}

std::optional<double> model_size(const std::string& model) {
    // "pythia-" then digits[.digits] then m or b, at the end or before '-'. Hand-parsed: this runs per row.
    for (size_t at = model.find("pythia-"); at != std::string::npos; at = model.find("pythia-", at + 1)) {
        size_t i = at + 7, digits = 0, dots = 0;
        while (i < model.size() && (std::isdigit(uint8_t(model[i])) || (model[i] == '.' && digits && !dots))) {
            digits += model[i] != '.';
            dots += model[i] == '.';
            i++;
        }
        if (!digits || model[i - 1] == '.' || i >= model.size() || (model[i] != 'm' && model[i] != 'b')) continue;
        if (i + 1 < model.size() && model[i + 1] != '-') continue;
        return std::stod(model.substr(at + 7, i - at - 7)) * (model[i] == 'b' ? 1e9 : 1e6);
    }
    return std::nullopt;
}

std::string short_model_name(const std::string& model) { return model.substr(model.find('/') + 1); }

namespace {

std::string known_list(const std::set<std::string>& names) {
    std::string out;
    size_t n = 0;
    for (const auto& s : names) {
        if (n == 12) return out + ", ... (" + std::to_string(names.size()) + " in all)";
        out += (n++ ? ", " : "") + s;
    }
    return out;
}

}  // namespace

std::vector<ResultRow> result_rows(const std::vector<ResultFile>& files, const Selection& selection) {
    const std::set<std::string> want_tasks(selection.tasks.begin(), selection.tasks.end());
    const std::set<std::string> want_metrics(selection.metrics.begin(), selection.metrics.end());
    std::set<std::string> all_tasks, all_metrics;
    std::vector<ResultRow> rows;
    for (const auto& f : files) {
        for (const auto& [task, metrics] : f.document.find("results")->object()) {
            all_tasks.insert(task);
            if (!metrics.is_object() || (!want_tasks.empty() && !want_tasks.count(task))) continue;
            for (const auto& [metric, value] : metrics.object()) {
                if (metric.ends_with("_stderr") || !value.is_number()) continue;
                all_metrics.insert(metric);
                if (!want_metrics.empty() && !want_metrics.count(metric)) continue;
                ResultRow r{f.source, f.model, f.step, f.shots, task, metric, value.number(), std::nullopt, f.ours, f.variant};
                if (const Json* se = metrics.find(metric + "_stderr"); se && se->is_number()) r.stderr_value = se->number();
                rows.push_back(std::move(r));
            }
        }
    }
    for (const auto& t : selection.tasks)
        if (!all_tasks.count(t))
            throw_bad_input(selection.option_tasks + " " + t, "", "no input holds this task (they hold " + known_list(all_tasks) + ")");
    for (const auto& m : selection.metrics)
        if (!all_metrics.count(m))
            throw_bad_input(selection.option_metrics + " " + m, "",
                            "no selected task has this metric (they have " + known_list(all_metrics) + ")");
    if (rows.empty())
        throw_bad_input(selection.option_tasks + " / " + selection.option_metrics, "",
                        "no input has a number for this selection: nothing to show");

    // Pythia sizes first in size order, other models after them; unknown steps and shots last.
    std::map<std::string, double> sizes;
    for (const auto& r : rows) sizes.try_emplace(r.model, model_size(r.model).value_or(1e30));
    const auto key = [&](const ResultRow& r) {
        return std::make_tuple(sizes.at(r.model), std::cref(r.model), !r.step, r.step.value_or(0), std::cref(r.task),
                               std::cref(r.metric), r.shots.value_or(1 << 30), std::cref(r.source));
    };
    std::sort(rows.begin(), rows.end(), [&](const ResultRow& a, const ResultRow& b) { return key(a) < key(b); });
    return rows;
}

}  // namespace pe::results
