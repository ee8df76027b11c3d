// pythia-eval compare A B [C ...]: result files or folders. Two files: every metric they share,
// side by side, with the difference in stderr units. Folders: their files matched by model, step
// and settings (results/compare_sets), each pair likewise; tasks only one side has are listed, and
// differing limit, few-shot or precision is a warning. Each later argument is compared with A.
// With --max-sigma / --max-abs it is a regression check: rows outside a tolerance are marked FAIL
// and the command exits 1 naming them. --json prints the same report as one JSON document.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/error.hpp"
#include "results/compare_sets.hpp"

namespace pe::cli {

namespace {

struct CompareArgs {
    std::vector<std::string> paths;
    std::optional<double> max_sigma, max_abs;
    bool json = false;
};

void run_compare(const CompareArgs& args) {
    const results::Tolerances tol{args.max_sigma, args.max_abs};
    const auto a = results::read_result_files(args.paths[0]);
    std::vector<std::string> failures;
    results::JsonArray reports;
    for (size_t i = 1; i < args.paths.size(); i++) {
        const auto& b_name = args.paths[i];
        const auto report = results::compare_sets(a, results::read_result_files(b_name), tol);
        if (args.json) reports.push_back(results::report_json(report));
        else std::printf("%s", results::format_report(report).c_str());
        if (report.pairs.empty()) failures.push_back(b_name + ": no result file matches one in " + args.paths[0]);
        for (const auto& p : report.pairs) {
            if (p.rows.empty()) failures.push_back(p.b.string() + ": no metric in common with " + p.a.string());
            std::string failed;
            for (const auto& r : p.rows)
                if (r.failed)
                    failed += (failed.empty() ? "" : ", ") + r.task + "/" + r.metric +
                              " (B - A = " + fmt::format("{:.6g}", r.diff) +
                              (r.sigma ? fmt::format(", {:.2f} sigma", *r.sigma) : "") + ")";
            if (!failed.empty()) failures.push_back(p.b.string() + ": " + failed);
        }
    }
    if (args.json)
        std::printf("%s\n", results::dump_python(reports.size() == 1 ? reports[0] : results::Json(reports), 2).c_str());
    std::fflush(stdout);
    if (!failures.empty()) {
        std::string msg = "outside tolerance: ";
        for (size_t i = 0; i < failures.size(); i++) msg += (i ? "; " : "") + failures[i];
        throw Error(ErrorKind::bad_input, "", "compare", msg);
    }
}

}  // namespace

void add_compare(CLI::App& app) {
    auto args = std::make_shared<CompareArgs>();
    auto* cmd = app.add_subcommand("compare", "Compare result JSON files or folders: every shared metric, the "
                                              "difference in stderr units, and tolerances for regression checks "
                                              "(exit 1 on failure)");
    cmd->add_option("paths", args->paths,
                    "A B [more...]: files or folders (matched by model, step and settings); each later one is "
                    "compared with A")
        ->required()
        ->expected(2, -1)
        ->check(CLI::ExistingPath);
    cmd->add_option("--max-sigma", args->max_sigma,
                    "fail a row whose |B - A| exceeds this many combined stderrs sqrt(se_A^2 + se_B^2)");
    cmd->add_option("--max-abs", args->max_abs, "fail a row whose |B - A| exceeds this");
    cmd->add_flag("--json", args->json, "print the report as JSON (pairs, rows, tasks on one side, warnings)");
    cmd->callback([args] { run_compare(*args); });
}

}  // namespace pe::cli
