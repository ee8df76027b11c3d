// pythia-eval plot PATH... --task T --metric M [--published DIR] --output curves.svg|png, or --grid
// for every task x metric as small multiples (issue #16). gnuplot draws; see results/curves.
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "engine/error.hpp"
#include "results/curves.hpp"

namespace pe::cli {

namespace {

struct PlotArgs {
    std::vector<std::string> paths;
    std::string task, metric;
    std::vector<std::string> tasks, metrics;
    bool grid = false;
    std::string published;
    std::string output;
};

void run_plot(const PlotArgs& a) {
    if (a.grid == !a.task.empty() || a.grid == !a.metric.empty())
        throw_bad_input("plot", "", "give --task and --metric for one figure, or --grid for all of them");
    if (!a.grid && (!a.tasks.empty() || !a.metrics.empty()))
        throw_bad_input("plot", "", "--tasks and --metrics choose the panels of --grid; one figure takes --task and --metric");
    results::image_format_of(a.output);  // .svg or .png, checked before any work
    check_output_file(a.output);
    const auto files = results::with_published(results::read_result_files(a.paths), a.published);
    if (a.grid) {
        const auto rows = results::result_rows(files, {a.tasks, a.metrics});
        results::draw_grid(results::curve_panels(rows), a.output);
        return;
    }
    const auto rows = results::result_rows(files, {{a.task}, {a.metric}, "--task", "--metric"});
    results::draw_single(results::curve_panels(rows).front(), a.output);
}

}  // namespace

void add_plot(CLI::App& app) {
    auto args = std::make_shared<PlotArgs>();
    auto* cmd = app.add_subcommand("plot", "Learning curves: a metric against training step for each model, ± stderr, "
                                           "our runs solid and the published ones dashed (drawn by gnuplot)");
    cmd->add_option("paths", args->paths, "result .json files, or folders searched for them")->required();
    cmd->add_option("--task", args->task, "the task to plot, e.g. lambada_openai");
    cmd->add_option("--metric", args->metric, "its metric, e.g. acc");
    cmd->add_flag("--grid", args->grid, "every task x metric of the inputs as small multiples in one figure");
    cmd->add_option("--tasks", args->tasks, "with --grid: comma-separated tasks to keep")->delimiter(',');
    cmd->add_option("--metrics", args->metrics, "with --grid: comma-separated metrics to keep")->delimiter(',');
    cmd->add_option("--published", args->published,
                    "a folder of published results (e.g. ../shared/reference/pythia-results): draws the published "
                    "curve of each model the inputs hold, dashed");
    cmd->add_option("--output", args->output, "the image: .svg or .png")->required();
    cmd->callback([args] { run_plot(*args); });
}

}  // namespace pe::cli
