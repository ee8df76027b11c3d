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
    return std::make_tuple(f.model, f.step.value_or(-1), f.shots.value_or(0), f.variant, f.source);
}

// The variant's parts ("limit 100 fp32"): its limit ("none" for every document) and precision.
std::string limit_of(const std::string& variant) {
    const size_t at = variant.find("limit ");
    if (at == std::string::npos) return "none";
    return variant.substr(at + 6, variant.find(' ', at + 6) - (at + 6));
}
std::string precision_of(const std::string& variant) {
    return variant.find("fp32") == std::string::npos ? "fp16" : "fp32";
}

std::vector<std::string> setting_warnings(const ResultFile& a, const ResultFile& b) {
    std::vector<std::string> out;
    if (limit_of(a.variant) != limit_of(b.variant))
        out.push_back("the sides differ in limit (A: " + limit_of(a.variant) + ", B: " + limit_of(b.variant) + ")");
    if (a.shots.value_or(0) != b.shots.value_or(0))
        out.push_back("the sides differ in few-shot (A: " + std::to_string(a.shots.value_or(0)) + ", B: " +
                      std::to_string(b.shots.value_or(0)) + ")");
    if (precision_of(a.variant) != precision_of(b.variant))
        out.push_back("the sides differ in precision (A: " + precision_of(a.variant) + ", B: " +
                      precision_of(b.variant) + ")");
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
    p.a = a.source;
    p.b = b.source;
    p.warnings = setting_warnings(a, b);
    const auto ta = tasks_of(a.document), tb = tasks_of(b.document);
    p.only_in_a = missing_from(ta, tb);
    p.only_in_b = missing_from(tb, ta);
    p.rows = compare_results(a.document, b.document, tol, a.source, b.source);
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

std::vector<ResultFile> read_compare_side(const fs::path& where) {
    std::vector<ResultFile> out = read_result_files({where.string()});
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
            if (fb.model != fa.model || fb.step != fa.step) return false;
            return !settings_too || setting_warnings(fa, fb).empty();
        };
        std::optional<size_t> match;
        for (bool settings_too : {true, false}) {
            for (size_t i = 0; i < b.size() && !match; i++)
                if (!used[i] && same(b[i], settings_too)) match = i;
            if (match) break;
        }
        if (!match) {
            report.unmatched_a.push_back(fa.source);
            continue;
        }
        used[*match] = true;
        report.pairs.push_back(make_pair(fa, b[*match], tol));
    }
    for (size_t i = 0; i < b.size(); i++)
        if (!used[i]) report.unmatched_b.push_back(b[i].source);
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
