// Side-by-side comparison of result files (issue #5: compare).
#include "results/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace pe::results {

namespace {

const JsonObject& results_of(const Json& doc, const std::string& name) {
    const Json* r = doc.find("results");
    if (!r || !r->is_object()) throw_bad_input(name, "results", "missing: not an lm-eval result file");
    return r->object();
}

std::optional<double> number_at(const Json& task, const std::string& key) {
    const Json* v = task.find(key);
    if (!v || !v->is_number()) return std::nullopt;
    return v->number();
}

}  // namespace

std::vector<CompareRow> compare_results(const Json& a, const Json& b, const Tolerances& tol,
                                        const std::string& a_name, const std::string& b_name) {
    const auto& ra = results_of(a, a_name);
    results_of(b, b_name);
    const Json& rb = *b.find("results");
    std::vector<CompareRow> rows;
    for (const auto& [task, metrics_a] : ra) {
        const Json* metrics_b = rb.find(task);
        if (!metrics_b || !metrics_a.is_object()) continue;
        for (const auto& [metric, value_a] : metrics_a.object()) {
            if (metric.ends_with("_stderr") || !value_a.is_number()) continue;
            const auto value_b = number_at(*metrics_b, metric);
            if (!value_b) continue;
            CompareRow row;
            row.task = task;
            row.metric = metric;
            row.a = value_a.number();
            row.b = *value_b;
            row.a_stderr = number_at(metrics_a, metric + "_stderr");
            row.b_stderr = number_at(*metrics_b, metric + "_stderr");
            row.diff = row.b - row.a;
            if (row.a_stderr && row.b_stderr) {
                const double se = std::sqrt(*row.a_stderr * *row.a_stderr + *row.b_stderr * *row.b_stderr);
                row.sigma = se > 0 ? std::abs(row.diff) / se
                                   : (row.diff == 0 ? 0.0 : std::numeric_limits<double>::infinity());
            }
            row.failed = (tol.max_sigma && row.sigma && *row.sigma > *tol.max_sigma) ||
                         (tol.max_abs && !(std::abs(row.diff) <= *tol.max_abs));
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

std::string format_rows(const std::vector<CompareRow>& rows) {
    const auto num = [](std::optional<double> x) { return x ? fmt::format("{:.6g}", *x) : std::string("-"); };
    size_t task_w = 4, metric_w = 6;
    for (const auto& r : rows) {
        task_w = std::max(task_w, r.task.size());
        metric_w = std::max(metric_w, r.metric.size());
    }
    std::string out = fmt::format("{:<{}} {:<{}} {:>14} {:>12} {:>14} {:>12} {:>13} {:>8}\n", "task", task_w, "metric",
                                  metric_w, "A", "A stderr", "B", "B stderr", "B - A", "sigma");
    for (const auto& r : rows)
        out += fmt::format("{:<{}} {:<{}} {:>14} {:>12} {:>14} {:>12} {:>13} {:>8}{}\n", r.task, task_w, r.metric, metric_w, num(r.a),
                           num(r.a_stderr), num(r.b), num(r.b_stderr), num(r.diff),
                           r.sigma ? fmt::format("{:.2f}", *r.sigma) : "-", r.failed ? "  FAIL" : "");
    return out;
}

}  // namespace pe::results
