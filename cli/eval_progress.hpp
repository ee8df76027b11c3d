// What `eval` prints on stderr: a progress bar per task (requests done, tokens/s, ETA) and, at the
// end, the summary table task / metric / value ± stderr / wall time. --quiet prints neither.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tasks/evaluator.hpp"

namespace pe::cli {

class ProgressBar {
public:
    // *resumed_tokens: model tokens of requests read back from the checkpoint (not counted in tok/s).
    ProgressBar(std::string task, bool enabled, const uint64_t* resumed_tokens);
    void update(const tasks::Progress& p);  // throttled; redraws in place on a terminal
    void finish(const tasks::Progress& p);  // final line for the task

private:
    std::string line(const tasks::Progress& p, double elapsed_s) const;
    std::string task_;
    bool enabled_, tty_;
    std::chrono::steady_clock::time_point start_, last_draw_;
    const uint64_t* resumed_tokens_;
    int last_decile_ = -1;
};

struct TaskTiming {
    std::string task;
    double wall_s = 0.0;
};

// The summary table, one row per metric, the task's wall time on its first row.
std::string summary_table(const tasks::EvalResult& result, const std::vector<TaskTiming>& timings);

std::string format_duration(double seconds);  // "0:42", "1:02:03"

}  // namespace pe::cli
