// `pythia-eval compare`: every metric two result files share, side by side, with the difference in
// units of the combined stderr, checked against tolerances for CI regression checks. Reads our
// files and the published ones (any task set: it compares the tasks both have).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/json.hpp"

namespace pe::results {

struct Tolerances {
    std::optional<double> max_sigma;  // |b - a| / sqrt(se_a^2 + se_b^2), for metrics with a stderr
    std::optional<double> max_abs;    // |b - a|
};

struct CompareRow {
    std::string task, metric;
    double a = 0.0, b = 0.0;
    std::optional<double> a_stderr, b_stderr;
    double diff = 0.0;             // b - a
    std::optional<double> sigma;   // |diff| in combined stderr units; inf when both stderrs are 0
    bool failed = false;           // outside a given tolerance
};

// Rows in the order of a's tasks and metrics, for the tasks and metrics both files have.
// `a_name` / `b_name` name the files in errors (a document without "results").
std::vector<CompareRow> compare_results(const Json& a, const Json& b, const Tolerances& tol,
                                        const std::string& a_name = "A", const std::string& b_name = "B");

std::string format_rows(const std::vector<CompareRow>& rows);

}  // namespace pe::results
