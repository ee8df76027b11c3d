// Curves from result rows and the gnuplot scripts that draw them (issue #16).
#include "results/curves.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "results/gnuplot.hpp"

namespace pe::results {

namespace fs = std::filesystem;

namespace {

// The eval command's five tasks, in its order; the panels of other tasks follow by name.
const std::vector<std::string> eval_tasks = {"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};

// matplotlib's tab10: ten colours told apart by most readers, used in order of model size.
const std::vector<std::string> palette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

using CurveKey = std::tuple<double, std::string, int, bool, std::string>;  // size, model, shots, published, variant

CurveKey curve_key(const std::string& model, std::optional<int> shots, bool ours, const std::string& variant) {
    return {model_size(model).value_or(1e30), model, shots.value_or(1 << 30), !ours, variant};
}

bool log_scale(const std::string& metric) { return metric.find("perplexity") != std::string::npos || metric == "ppl"; }

struct Tick {
    const char* label;
    long step;
};
// Symlog-like axis: x = log10(1 + step), so 0, 1, 2, 4 ... 512 and 1000 ... 143000 all have room.
const std::vector<Tick> wide_ticks = {{"0", 0},       {"1", 1},       {"2", 2},       {"4", 4},        {"8", 8},
                                      {"16", 16},     {"32", 32},     {"64", 64},     {"128", 128},    {"256", 256},
                                      {"512", 512},   {"1k", 1000},   {"3k", 3000},   {"10k", 10000},  {"33k", 33000},
                                      {"143k", 143000}, {"300k", 300000}, {"1M", 1000000}};
const std::vector<Tick> narrow_ticks = {{"0", 0},        {"1", 1},         {"10", 10},         {"100", 100},
                                        {"1k", 1000},    {"10k", 10000},   {"143k", 143000},   {"1M", 1000000}};

std::string axes_setup(const std::vector<Tick>& ticks) {
    std::string s = "set nonlinear x via log10(x + 1) inverse 10**x - 1\nset xtics (";
    for (size_t i = 0; i < ticks.size(); i++) s += fmt::format("{}\"{}\" {}", i ? ", " : "", ticks[i].label, ticks[i].step);
    return s + ")\nset grid xtics ytics lc rgb '#dddddd'\nset style fill transparent solid 0.18 noborder\n";
}

std::string terminal(ImageFormat format, int width, int height, int font_pt) {
    return format == ImageFormat::svg
               ? fmt::format("set terminal svg size {},{} noenhanced font 'sans,{}' background rgb 'white'\n", width,
                             height, font_pt)
               : fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,{}' background rgb 'white'\n",
                             width, height, font_pt);
}

// The data blocks of a panel's curves: step, value, band low, band high.
std::string data_blocks(const Panel& panel, size_t panel_index) {
    std::string s;
    for (size_t c = 0; c < panel.curves.size(); c++) {
        s += fmt::format("$p{}c{} << EOD\n", panel_index, c);
        for (const auto& p : panel.curves[c].points) {
            const double se = p.stderr_value.value_or(0.0);
            double lo = p.value - se, hi = p.value + se;
            if (log_scale(panel.metric) && !(lo > 0)) lo = p.value / 1000;  // the band stays on a log axis
            s += fmt::format("{} {:.17g} {:.17g} {:.17g}\n", p.step, p.value, lo, hi);
        }
        s += "EOD\n";
    }
    return s;
}

std::string line_style(const Curve& c, double width) {
    // Circles; squares for a run on a sample or at another precision, beside the full run's circles.
    return fmt::format("lc rgb '{}' lw {} dt {} pt {} ps 0.45", c.colour, width, c.ours ? 1 : 2, c.variant.empty() ? 7 : 5);
}

// The panel's axes and its plot command: every band first, then the lines over them.
std::string panel_plot(const Panel& panel, size_t panel_index, bool with_key, double line_width) {
    long lo = 0, hi = 0;
    bool first = true;
    for (const auto& c : panel.curves)
        for (const auto& p : c.points) {
            lo = first ? p.step : std::min(lo, p.step);
            hi = first ? p.step : std::max(hi, p.step);
            first = false;
        }
    if (hi == lo) hi = lo + 1;
    std::string s = fmt::format("set xrange [{}:{}]\nset yrange [*:*]\n", lo, hi);
    s += log_scale(panel.metric) ? "set logscale y\n" : "unset logscale y\n";
    s += with_key ? "set key outside right top\n" : "unset key\n";
    s += "plot ";
    for (size_t c = 0; c < panel.curves.size(); c++)
        s += fmt::format("$p{}c{} using 1:3:4 with filledcurves lc rgb '{}' notitle, ", panel_index, c,
                         panel.curves[c].colour);
    for (size_t c = 0; c < panel.curves.size(); c++)
        s += fmt::format("{}$p{}c{} using 1:2 with linespoints {} title {}", c ? ", " : "", panel_index, c,
                         line_style(panel.curves[c], line_width), gnuplot_quote(panel.curves[c].label));
    return s + "\n";
}

// A cell with only the legend: each curve's line and point style beside its label.
std::string legend_plot(const std::vector<Curve>& curves) {
    std::string s = "unset title\nunset border\nunset tics\nunset grid\nunset xlabel\nunset ylabel\nunset logscale y\n"
                    "set xrange [0:1]\nset yrange [0:1]\nset key center center Left reverse\nplot ";
    for (size_t c = 0; c < curves.size(); c++)
        s += fmt::format("{}NaN with linespoints {} title {}", c ? ", " : "", line_style(curves[c], 2),
                         gnuplot_quote(curves[c].label));
    return s + "\n";
}

std::string panel_title(const Panel& p) { return p.task + ": " + p.metric; }

// Draws through a temporary file beside `output`, renamed into place only when gnuplot succeeded.
template <class MakeScript>
void draw_to(const fs::path& output, MakeScript make_script) {
    const fs::path tmp = io::temp_path_for(output);
    std::error_code ec;
    try {
        run_gnuplot(make_script(tmp), output.string());
        if (!fs::is_regular_file(tmp) || fs::file_size(tmp, ec) == 0)
            throw_io(output.string(), "gnuplot wrote no image");
        io::commit_file(tmp, output);
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

}  // namespace

std::vector<Panel> curve_panels(const std::vector<ResultRow>& rows) {
    std::set<int> shot_counts;
    bool any_ours = false;
    for (const auto& r : rows) {
        shot_counts.insert(r.shots.value_or(-1));
        any_ours |= r.ours;
    }
    // One colour per (model, shots), in order of model size.
    std::map<std::tuple<double, std::string, int>, std::string> colours;
    for (const auto& r : rows) colours[{model_size(r.model).value_or(1e30), r.model, r.shots.value_or(1 << 30)}];
    size_t next = 0;
    for (auto& [key, colour] : colours) colour = palette[next++ % palette.size()];

    const auto task_rank = [](const std::string& task) {
        return size_t(std::find(eval_tasks.begin(), eval_tasks.end(), task) - eval_tasks.begin());
    };
    std::map<std::tuple<size_t, std::string, std::string>, std::map<CurveKey, Curve>> panels;
    std::map<const Curve*, std::string> point_source;  // the file each curve's last point came from
    for (const auto& r : rows) {
        if (!r.step) continue;
        auto& curves = panels[{task_rank(r.task), r.task, r.metric}];
        auto [it, added] = curves.try_emplace(curve_key(r.model, r.shots, r.ours, r.variant));
        Curve& c = it->second;
        if (added) {
            c.model = r.model;
            c.shots = r.shots;
            c.ours = r.ours;
            c.variant = r.variant;
            c.colour = colours[{model_size(r.model).value_or(1e30), r.model, r.shots.value_or(1 << 30)}];
            c.label = short_model_name(r.model);
            if (shot_counts.size() > 1) c.label += r.shots ? fmt::format(" {}-shot", *r.shots) : " (shots unknown)";
            if (!r.variant.empty()) c.label += " " + r.variant;
            if (!r.ours && any_ours) c.label += " (published)";
        }
        // Rows come sorted by step. A second file at the same step adds nothing when it holds the same
        // number (a copied folder); a different number is refused, naming both files, since drawing
        // either one silently would hide the other.
        if (c.points.empty() || c.points.back().step != *r.step) {
            c.points.push_back({*r.step, r.value, r.stderr_value});
            point_source[&c] = r.source;
        } else if (c.points.back().value != r.value) {
            throw_bad_input(r.source, r.task + "." + r.metric,
                            fmt::format("{} step {}: {} here but {} in {}; plot one of the two files (or move one "
                                        "away)",
                                        r.model, *r.step, r.value, c.points.back().value, point_source[&c]));
        }
    }
    std::vector<Panel> out;
    for (auto& [key, curves] : panels) {
        Panel p{std::get<1>(key), std::get<2>(key), {}};
        for (auto& [ck, c] : curves) p.curves.push_back(std::move(c));
        out.push_back(std::move(p));
    }
    if (out.empty()) throw_bad_input("", "step", "no input names its training step: there is no axis to plot on");
    return out;
}

std::vector<Curve> legend_curves(const std::vector<Panel>& panels) {
    std::map<CurveKey, Curve> all;
    for (const auto& p : panels)
        for (const auto& c : p.curves)
            all.try_emplace(curve_key(c.model, c.shots, c.ours, c.variant),
                            Curve{c.model, c.shots, c.ours, c.variant, c.label, c.colour, {}});
    std::vector<Curve> out;
    for (auto& [k, c] : all) out.push_back(std::move(c));
    return out;
}

ImageFormat image_format_of(const fs::path& output) {
    if (output.extension() == ".svg") return ImageFormat::svg;
    if (output.extension() == ".png") return ImageFormat::png;
    throw_bad_input(output.string(), "--output", "the image must end in .svg or .png");
}

std::string single_plot_script(const Panel& panel, ImageFormat format, const fs::path& output) {
    std::string s = terminal(format, 1000, 560, 11) + "set output " + gnuplot_quote(output.string()) + "\n";
    s += axes_setup(wide_ticks) + data_blocks(panel, 0);
    s += "set title " + gnuplot_quote(panel_title(panel) + "  (band: ± stderr; dashed: published)") + "\n";
    s += "set xlabel 'training step (log scale from 0)'\nset ylabel " + gnuplot_quote(panel.metric) + "\n";
    return s + panel_plot(panel, 0, true, 2) + "unset output\n";
}

std::string grid_plot_script(const std::vector<Panel>& panels, ImageFormat format, const fs::path& output) {
    const size_t cells = panels.size() + 1;
    const size_t cols = std::clamp<size_t>(size_t(std::ceil(std::sqrt(double(cells)))), 1, 6);
    const size_t rows = (cells + cols - 1) / cols;
    std::string s = terminal(format, int(cols * 380), int(rows * 280), 9) + "set output " + gnuplot_quote(output.string()) + "\n";
    s += axes_setup(narrow_ticks);
    for (size_t i = 0; i < panels.size(); i++) s += data_blocks(panels[i], i);
    s += fmt::format("set multiplot layout {},{} rowsfirst\n", rows, cols);
    for (size_t i = 0; i < panels.size(); i++)
        s += "set title " + gnuplot_quote(panel_title(panels[i])) + "\n" + panel_plot(panels[i], i, false, 1.3);
    return s + legend_plot(legend_curves(panels)) + "unset multiplot\nunset output\n";
}

std::string panel_svgs_script(const std::vector<Panel>& panels, const std::vector<fs::path>& outputs,
                              const fs::path& legend_output) {
    std::string s = terminal(ImageFormat::svg, 400, 290, 10) + axes_setup(narrow_ticks);
    for (size_t i = 0; i < panels.size(); i++)
        s += data_blocks(panels[i], i) + "set output " + gnuplot_quote(outputs[i].string()) + "\nset title " +
             gnuplot_quote(panel_title(panels[i])) + "\n" + panel_plot(panels[i], i, false, 1.3);
    const auto legend = legend_curves(panels);
    s += terminal(ImageFormat::svg, 400, int(40 + 18 * legend.size()), 10) +
         "set output " + gnuplot_quote(legend_output.string()) + "\n" + legend_plot(legend);
    return s + "unset output\n";
}

void draw_single(const Panel& panel, const fs::path& output) {
    const ImageFormat format = image_format_of(output);
    draw_to(output, [&](const fs::path& tmp) { return single_plot_script(panel, format, tmp); });
}

void draw_grid(const std::vector<Panel>& panels, const fs::path& output) {
    const ImageFormat format = image_format_of(output);
    draw_to(output, [&](const fs::path& tmp) { return grid_plot_script(panels, format, tmp); });
}

std::vector<std::string> draw_panel_svgs(const std::vector<Panel>& panels) {
    std::string tmpl = (fs::temp_directory_path() / "pythia-eval-panels-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw_io(tmpl, "cannot create a temporary folder");
    const fs::path dir = tmpl;
    std::vector<fs::path> outputs;
    for (size_t i = 0; i < panels.size(); i++) outputs.push_back(dir / fmt::format("panel{}.svg", i));
    const fs::path legend = dir / "legend.svg";
    std::vector<std::string> svgs;
    std::error_code ec;
    try {
        run_gnuplot(panel_svgs_script(panels, outputs, legend), dir.string());
        outputs.push_back(legend);
        for (const auto& f : outputs) {
            std::ifstream in(f, std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            const std::string svg = text.str();
            const size_t start = svg.find("<svg");
            if (!in || start == std::string::npos) throw_io(f.string(), "gnuplot wrote no SVG");
            svgs.push_back(svg.substr(start));
        }
    } catch (...) {
        fs::remove_all(dir, ec);
        throw;
    }
    fs::remove_all(dir, ec);
    return svgs;
}

}  // namespace pe::results
