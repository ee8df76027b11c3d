// pythia-eval report PATH... [--published DIR] --output report.html: one self-contained page with the
// curves, the table and each of our runs against its published counterpart (issue #16).
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "results/report.hpp"

namespace pe::cli {

namespace {

struct ReportArgs {
    std::vector<std::string> paths;
    std::vector<std::string> tasks, metrics;
    std::string published;
    std::string output;
};

void run_report(const ReportArgs& a) {
    if (!a.output.ends_with(".html") && !a.output.ends_with(".htm"))
        throw_bad_input(a.output, "--output", "the report is an HTML file: end the name in .html");
    check_output_file(a.output);
    results::ReportInput in;
    in.files = results::with_published(results::read_result_files(a.paths), a.published);
    in.rows = results::result_rows(in.files, {a.tasks, a.metrics});
    in.panels = results::curve_panels(in.rows);
    in.panel_svgs = results::draw_panel_svgs(in.panels);
    io::write_file_atomically(a.output, results::report_html(in));
}

}  // namespace

void add_report(CLI::App& app) {
    auto args = std::make_shared<ReportArgs>();
    auto* cmd = app.add_subcommand("report", "One self-contained HTML page: learning curves, the table of every "
                                             "number, and each of our runs compared with its published result");
    cmd->add_option("paths", args->paths, "result .json files, or folders searched for them")->required();
    cmd->add_option("--tasks", args->tasks, "comma-separated tasks to keep (default: all)")->delimiter(',');
    cmd->add_option("--metrics", args->metrics, "comma-separated metrics to keep (default: all)")->delimiter(',');
    cmd->add_option("--published", args->published,
                    "a folder of published results (e.g. ../shared/reference/pythia-results) to compare our runs "
                    "with and draw beside them");
    cmd->add_option("--output", args->output, "the page, e.g. report.html")->required();
    cmd->callback([args] { run_report(*args); });
}

}  // namespace pe::cli
