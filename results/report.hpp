// `pythia-eval report`: one self-contained HTML page (no network: styles, script and the SVG curves
// are inline) with the grid of curves, the sortable table of every number, and for each of our runs
// the compare verdict against the matching published file (results/compare, flagged beyond 2σ).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/compare.hpp"
#include "results/curves.hpp"
#include "results/result_file.hpp"

namespace pe::results {

// Beyond this many combined stderrs a metric of ours is flagged as differing from the published one.
inline constexpr double report_max_sigma = 2.0;

struct RunVerdict {
    const ResultFile* ours = nullptr;
    const ResultFile* published = nullptr;  // null: no published file for this model, step and shots
    std::vector<CompareRow> rows;           // a = published, b = ours; failed = beyond report_max_sigma
};

// For each of our files, in input order: the published file (not ours) with the same model, step and
// shots, preferring lm-eval's main layout (zero-shot/, five-shot/) over the studies and v0 copies.
std::vector<RunVerdict> verdicts_against_published(const std::vector<ResultFile>& files);

struct ReportInput {
    std::vector<ResultFile> files;      // everything read: our runs and the published files
    std::vector<ResultRow> rows;        // the selection, as `table` gives it
    std::vector<Panel> panels;          // curve_panels(rows)
    std::vector<std::string> panel_svgs;  // draw_panel_svgs(panels): one per panel, then the legend
};

std::string report_html(const ReportInput& input);

// Text for HTML element content and attribute values.
std::string html_escape(const std::string& s);

}  // namespace pe::results
