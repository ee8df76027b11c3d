// pythia-eval table PATH... [--tasks] [--metrics] [--format csv|tsv|md|json] [--output FILE]: one row
// per (file, task, metric) of any mix of our result files and the published ones (issue #16).
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "engine/io/atomic_file.hpp"
#include "results/json.hpp"
#include "results/table_format.hpp"

namespace pe::cli {

namespace {

struct TableArgs {
    std::vector<std::string> paths;
    std::vector<std::string> tasks, metrics;
    std::string format = "csv";
    std::string output;
};

void run_table(const TableArgs& a) {
    const auto format = results::table_format_named(a.format, "--format");
    if (!a.output.empty()) check_output_file(a.output);
    const auto files = results::read_result_files(a.paths);
    const auto rows = results::result_rows(files, {a.tasks, a.metrics});
    const std::string text = results::format_table(rows, format);
    if (!a.output.empty()) {
        io::write_file_atomically(a.output, text);
        return;
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

}  // namespace

void add_table(CLI::App& app) {
    auto args = std::make_shared<TableArgs>();
    auto* cmd = app.add_subcommand("table", "Every number of result files and folders (ours and the published "
                                            "ones) as one table: source, model, step, shots, task, metric, value, "
                                            "stderr; sorted by model size, model, step, task, metric");
    cmd->add_option("paths", args->paths, "result .json files, or folders searched for them")->required();
    cmd->add_option("--tasks", args->tasks, "comma-separated tasks to keep (default: all)")->delimiter(',');
    cmd->add_option("--metrics", args->metrics, "comma-separated metrics to keep, e.g. acc,ppl (default: all)")
        ->delimiter(',');
    cmd->add_option("--format", args->format, "csv, tsv, md (a Markdown table for the terminal) or json")
        ->capture_default_str();
    cmd->add_option("--output", args->output, "write here (atomically) instead of to stdout");
    cmd->callback([args] { run_table(*args); });
}

}  // namespace pe::cli
