// What `sweep` prints about its grid: one line per cell as it finishes (with the overall count and
// ETA), and the model × step table at the end or for `sweep --status`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pe::cli {

struct ReportCell {
    size_t model = 0;
    std::optional<long> step;
    std::string mark;  // done, skipped, failed, missing, busy, running, partial, left
};

// Rows are models, columns steps; more than 12 steps become one character per cell with a legend.
std::string grid_table(const std::vector<std::string>& model_names, const std::vector<ReportCell>& cells);

// "3/6 cells (1 skipped, 0 failed), 0:42 elapsed, ETA 1:10".
struct SweepCounts {
    size_t finished = 0, total = 0, skipped = 0, failed = 0;
    double elapsed_s = 0, eta_s = -1;  // eta < 0: unknown yet
};
std::string overall_line(const SweepCounts& c);

}  // namespace pe::cli
