// Learning curves: result rows grouped into one panel per (task, metric) holding one curve per
// (model, shots, ours or published, variant), drawn by gnuplot (the plotting is gnuplot's; this file only
// writes its script): metric against training step on a symlog-like axis (log10(1 + step), so
// step 0 has a place), a ± stderr band, our runs solid and published ones dashed in the same colour.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "results/result_file.hpp"

namespace pe::results {

struct CurvePoint {
    long step = 0;
    double value = 0.0;
    std::optional<double> stderr_value;
};

struct Curve {
    std::string model;
    std::optional<int> shots;
    bool ours = false;
    std::string variant;  // "limit 100": a run on a sample, drawn apart from the full runs
    std::string label;   // legend text: "pythia-70m", "pythia-70m (published)", "pythia-70m 5-shot"
    std::string colour;  // "#1f77b4": one per (model, shots), shared by our curve and the published one
    std::vector<CurvePoint> points;  // by step; two files at one step must agree (else an error)
};

struct Panel {
    std::string task, metric;
    std::vector<Curve> curves;  // ordered by model size, then model, shots, ours before published
};

// Panels in task order (the five eval tasks first, in eval's order, then the rest by name), then by
// metric name. Rows without a known step have no place on the axis and are left out; no panel at
// all is an error, and so are two files giving one curve different values at one step.
std::vector<Panel> curve_panels(const std::vector<ResultRow>& rows);

// The curves of all panels, once each (model, shots, ours) in legend order: what the legend lists.
std::vector<Curve> legend_curves(const std::vector<Panel>& panels);

enum class ImageFormat { svg, png };
// From the output's extension (.svg or .png); anything else is an error naming the path.
ImageFormat image_format_of(const std::filesystem::path& output);

// One panel as one figure, with its legend beside it.
std::string single_plot_script(const Panel& panel, ImageFormat format, const std::filesystem::path& output);
// Every panel as a small multiple in one figure, the legend in a cell of its own after them.
std::string grid_plot_script(const std::vector<Panel>& panels, ImageFormat format, const std::filesystem::path& output);
// One small SVG per panel (outputs[i]) and the legend alone (legend_output), all in one gnuplot run.
std::string panel_svgs_script(const std::vector<Panel>& panels, const std::vector<std::filesystem::path>& outputs,
                              const std::filesystem::path& legend_output);

// Runs the script through gnuplot, which writes to a temporary name beside `output` that is
// renamed into place when gnuplot succeeded: a failure leaves no file behind.
void draw_single(const Panel& panel, const std::filesystem::path& output);
void draw_grid(const std::vector<Panel>& panels, const std::filesystem::path& output);
// The SVG text of each panel (without the XML prolog, ready to sit inline in HTML), then the legend's.
std::vector<std::string> draw_panel_svgs(const std::vector<Panel>& panels);

}  // namespace pe::results
