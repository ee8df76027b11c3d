// Progress bar and summary table for `eval` (eval_progress.hpp). On a terminal the bar redraws in
// place at most 5 times a second; into a log it prints one line per 10 % so CI logs stay short.
#include "cli/eval_progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace pe::cli {

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    long s = std::lround(seconds);
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

ProgressBar::ProgressBar(std::string task, bool enabled, const uint64_t* resumed_tokens)
    : task_(std::move(task)), enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_(start_), resumed_tokens_(resumed_tokens) {}

std::string ProgressBar::line(const tasks::Progress& p, double elapsed_s) const {
    const int width = 24;
    double frac = p.requests_total ? double(p.requests_done) / double(p.requests_total) : 1.0;
    int filled = static_cast<int>(frac * width);
    std::string bar = std::string(filled, '#') + std::string(width - filled, '-');
    uint64_t fresh = p.tokens_done - std::min(p.tokens_done, *resumed_tokens_);
    double tok_s = elapsed_s > 0 ? double(fresh) / elapsed_s : 0.0;
    double eta = tok_s > 0 ? double(p.tokens_total - p.tokens_done) / tok_s : NAN;
    return fmt::format("{:<15} [{}] {:>6}/{:<6} requests  {:>8.0f} tok/s  ETA {:>7}", task_, bar, p.requests_done,
                       p.requests_total, tok_s, format_duration(eta));
}

void ProgressBar::update(const tasks::Progress& p) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - start_).count();
    if (tty_) {
        if (now - last_draw_ < std::chrono::milliseconds(200)) return;
        last_draw_ = now;
        std::fprintf(stderr, "\r%s", line(p, elapsed).c_str());
    } else {
        int decile = p.requests_total ? static_cast<int>(10 * p.requests_done / p.requests_total) : 10;
        if (decile == last_decile_ || decile == 10) return;  // the last line is finish()'s
        last_decile_ = decile;
        std::fprintf(stderr, "%s\n", line(p, elapsed).c_str());
    }
    std::fflush(stderr);
}

void ProgressBar::finish(const tasks::Progress& p) {
    if (!enabled_) return;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, tty_ ? "\r%s  %s\n" : "%s  done in %s\n", line(p, elapsed).c_str(),
                 format_duration(elapsed).c_str());
    std::fflush(stderr);
}

std::string summary_table(const tasks::EvalResult& result, const std::vector<TaskTiming>& timings) {
    std::string out = fmt::format("{:<15} {:<9} {:>24}  {:>8}\n", "task", "metric", "value ± stderr", "wall");
    out += std::string(15 + 1 + 9 + 1 + 24 + 2 + 8, '-') + "\n";
    for (const auto& t : result.tasks) {
        std::string wall;
        for (const auto& tm : timings)
            if (tm.task == t.name) wall = format_duration(tm.wall_s);
        for (size_t i = 0; i < t.metrics.size(); ++i) {
            const auto& [name, value] = t.metrics[i];
            if (name.ends_with("_stderr")) continue;
            std::string se;
            if (i + 1 < t.metrics.size() && t.metrics[i + 1].first == name + "_stderr")
                se = fmt::format(" ± {:.4f}", t.metrics[i + 1].second);
            std::string v = fmt::format("{:.4f}{}", value, se);
            out += fmt::format("{:<15} {:<9} {:>24}  {:>8}\n", t.name, name, v, wall);
            wall.clear();
        }
    }
    return out;
}

}  // namespace pe::cli
