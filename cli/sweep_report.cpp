// Sweep report formatting (sweep_report.hpp).
#include "cli/sweep_report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "cli/eval_progress.hpp"

namespace pe::cli {

namespace {

std::string step_name(const std::optional<long>& step) { return step ? std::to_string(*step) : "-"; }

char glyph(const std::string& mark) {
    static const std::map<std::string, char> glyphs = {{"done", '#'},    {"skipped", '='}, {"failed", 'x'},
                                                       {"missing", '?'}, {"busy", '~'},    {"running", '~'},
                                                       {"partial", '+'}, {"left", '.'}};
    auto it = glyphs.find(mark);
    return it == glyphs.end() ? '.' : it->second;
}

}  // namespace

std::string grid_table(const std::vector<std::string>& model_names, const std::vector<ReportCell>& cells) {
    std::set<std::optional<long>> step_set;
    for (const auto& c : cells) step_set.insert(c.step);
    const std::vector<std::optional<long>> steps(step_set.begin(), step_set.end());
    std::map<std::pair<size_t, std::optional<long>>, std::string> at;
    for (const auto& c : cells) at[{c.model, c.step}] = c.mark;
    size_t name_w = 5;
    for (const auto& n : model_names) name_w = std::max(name_w, n.size());

    std::string out;
    const bool wide = steps.size() > 12;
    if (!wide) {
        std::vector<size_t> w;
        out += fmt::format("{:<{}}", "model", name_w);
        for (const auto& s : steps) {
            w.push_back(std::max<size_t>(7, step_name(s).size()));
            out += fmt::format("  {:>{}}", step_name(s), w.back());
        }
        out += "\n";
        for (size_t m = 0; m < model_names.size(); ++m) {
            out += fmt::format("{:<{}}", model_names[m], name_w);
            for (size_t i = 0; i < steps.size(); ++i) {
                auto it = at.find({m, steps[i]});
                out += fmt::format("  {:>{}}", it == at.end() ? "" : it->second, w[i]);
            }
            out += "\n";
        }
        return out;
    }
    out += fmt::format("{:<{}}  steps {} ... {} ({} columns)\n", "model", name_w, step_name(steps.front()),
                       step_name(steps.back()), steps.size());
    for (size_t m = 0; m < model_names.size(); ++m) {
        out += fmt::format("{:<{}}  ", model_names[m], name_w);
        for (const auto& s : steps) {
            auto it = at.find({m, s});
            out += it == at.end() ? ' ' : glyph(it->second);
        }
        out += "\n";
    }
    out += "# done  = already done  x failed  ? step not in the repo  ~ running elsewhere  + partial  . left\n";
    return out;
}

std::string overall_line(const SweepCounts& c) {
    std::string s = fmt::format("{}/{} cells ({} skipped, {} failed), {} elapsed", c.finished, c.total, c.skipped,
                                c.failed, format_duration(c.elapsed_s));
    if (c.finished < c.total) s += c.eta_s < 0 ? ", ETA unknown" : ", ETA " + format_duration(c.eta_s);
    return s;
}

}  // namespace pe::cli
