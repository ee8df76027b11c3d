// compare_sets (compare_sets.hpp).
#include "results/compare_sets.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "engine/error.hpp"

namespace pe::results {

namespace fs = std::filesystem;

namespace {

auto order_key(const ResultFile& f) {
    return std::make_tuple(f.key.model, f.key.step.value_or(UINT64_MAX), f.key.num_fewshot,
                           f.key.limit.value_or(SIZE_MAX), f.key.precision, f.path.string());
}

std::string limit_text(const std::optional<size_t>& l) { return l ? std::to_string(*l) : "none"; }

std::vector<std::string> setting_warnings(const ResultKey& a, const ResultKey& b) {
    std::vector<std::string> out;
    if (a.limit != b.limit)
        out.push_back("the sides differ in limit (A: " + limit_text(a.limit) + ", B: " + limit_text(b.limit) + ")");
    if (a.num_fewshot != b.num_fewshot)
        out.push_back("the sides differ in few-shot (A: " + std::to_string(a.num_fewshot) + ", B: " +
                      std::to_string(b.num_fewshot) + ")");
    if (a.precision != b.precision)
        out.push_back("the sides differ in precision (A: " + a.precision + ", B: " + b.precision + ")");
    return out;
}

std::vector<std::string> tasks_of(const Json& doc) {
    std::vector<std::string> out;
    if (const Json* r = doc.find("results"); r && r->is_object())
        for (const auto& [task, metrics] : r->object()) out.push_back(task);
    return out;
}

std::vector<std::string> missing_from(const std::vector<std::string>& xs, const std::vector<std::string>& ys) {
    std::vector<std::string> out;
    for (const auto& x : xs)
        if (std::find(ys.begin(), ys.end(), x) == ys.end()) out.push_back(x);
    return out;
}

ComparePair make_pair(const ResultFile& a, const ResultFile& b, const Tolerances& tol) {
    ComparePair p;
    p.a = a.path;
    p.b = b.path;
    p.warnings = setting_warnings(a.key, b.key);
    const auto ta = tasks_of(a.document), tb = tasks_of(b.document);
    p.only_in_a = missing_from(ta, tb);
    p.only_in_b = missing_from(tb, ta);
    p.rows = compare_results(a.document, b.document, tol, a.path.string(), b.path.string());
    return p;
}

Json optional_number(const std::optional<double>& x) {
    return x && std::isfinite(*x) ? Json(*x) : Json(nullptr);
}

std::string join(const std::vector<std::string>& xs) {
    std::string out;
    for (const auto& x : xs) out += (out.empty() ? "" : ", ") + x;
    return out;
}

}  // namespace

std::vector<ResultFile> read_result_files(const fs::path& where) {
    std::vector<ResultFile> out;
    std::error_code ec;
    if (!fs::is_directory(where, ec)) {
        Json doc = read_json_file(where);
        ResultKey key = result_key(doc, where);
        out.push_back({where, std::move(doc), std::move(key)});
        return out;
    }
    for (fs::recursive_directory_iterator it(where, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file() || it->path().extension() != ".json") continue;
        Json doc = read_json_file(it->path());
        const Json* r = doc.find("results");
        if (!r || !r->is_object()) continue;  // not a result file (a cache record, a config)
        ResultKey key = result_key(doc, it->path());
        out.push_back({it->path(), std::move(doc), std::move(key)});
    }
    if (ec) throw_io(where.string(), "cannot list the folder: " + ec.message());
    std::sort(out.begin(), out.end(), [](const ResultFile& x, const ResultFile& y) { return order_key(x) < order_key(y); });
    return out;
}

CompareReport compare_sets(const std::vector<ResultFile>& a, const std::vector<ResultFile>& b, const Tolerances& tol) {
    CompareReport report;
    if (a.size() == 1 && b.size() == 1) {
        report.pairs.push_back(make_pair(a[0], b[0], tol));
        return report;
    }
    std::vector<bool> used(b.size(), false);
    for (const auto& fa : a) {
        const auto same = [&](const ResultFile& fb, bool settings_too) {
            if (fb.key.model != fa.key.model || fb.key.step != fa.key.step) return false;
            return !settings_too || setting_warnings(fa.key, fb.key).empty();
        };
        std::optional<size_t> match;
        for (bool settings_too : {true, false}) {
            for (size_t i = 0; i < b.size() && !match; i++)
                if (!used[i] && same(b[i], settings_too)) match = i;
            if (match) break;
        }
        if (!match) {
            report.unmatched_a.push_back(fa.path);
            continue;
        }
        used[*match] = true;
        report.pairs.push_back(make_pair(fa, b[*match], tol));
    }
    for (size_t i = 0; i < b.size(); i++)
        if (!used[i]) report.unmatched_b.push_back(b[i].path);
    return report;
}

std::string format_report(const CompareReport& report) {
    std::string out;
    for (const auto& p : report.pairs) {
        out += "A: " + p.a.string() + "\nB: " + p.b.string() + "\n";
        for (const auto& w : p.warnings) out += "warning: " + w + "\n";
        out += format_rows(p.rows);
        if (!p.only_in_a.empty()) out += "only in A: " + join(p.only_in_a) + "\n";
        if (!p.only_in_b.empty()) out += "only in B: " + join(p.only_in_b) + "\n";
        out += "\n";
    }
    for (const auto& f : report.unmatched_a) out += "no match in B for " + f.string() + "\n";
    for (const auto& f : report.unmatched_b) out += "no match in A for " + f.string() + "\n";
    return out;
}

Json report_json(const CompareReport& report) {
    const auto strings = [](const std::vector<std::string>& xs) {
        JsonArray out;
        for (const auto& x : xs) out.emplace_back(x);
        return out;
    };
    const auto paths = [](const std::vector<fs::path>& xs) {
        JsonArray out;
        for (const auto& x : xs) out.emplace_back(x.string());
        return out;
    };
    JsonArray pairs;
    for (const auto& p : report.pairs) {
        JsonArray rows;
        for (const auto& r : p.rows)
            rows.push_back(JsonObject{{"task", r.task},
                                      {"metric", r.metric},
                                      {"a", optional_number(r.a)},
                                      {"a_stderr", optional_number(r.a_stderr)},
                                      {"b", optional_number(r.b)},
                                      {"b_stderr", optional_number(r.b_stderr)},
                                      {"diff", optional_number(r.diff)},
                                      {"sigma", optional_number(r.sigma)},
                                      {"failed", r.failed}});
        pairs.push_back(JsonObject{{"a", p.a.string()},
                                   {"b", p.b.string()},
                                   {"warnings", strings(p.warnings)},
                                   {"only_in_a", strings(p.only_in_a)},
                                   {"only_in_b", strings(p.only_in_b)},
                                   {"rows", std::move(rows)}});
    }
    return JsonObject{{"pairs", std::move(pairs)},
                      {"unmatched_a", paths(report.unmatched_a)},
                      {"unmatched_b", paths(report.unmatched_b)}};
}

}  // namespace pe::results
