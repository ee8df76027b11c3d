// pythia-eval compare A.json B.json [C.json ...]: every metric shared with A, side by side, with
// the difference in stderr units. With --max-sigma / --max-abs it is a regression check: rows
// outside a tolerance are marked FAIL and the command exits 1 naming them.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/error.hpp"
#include "results/compare.hpp"

namespace pe::cli {

namespace {

struct CompareArgs {
    std::vector<std::string> files;
    std::optional<double> max_sigma, max_abs;
};

void run_compare(const CompareArgs& args) {
    const results::Tolerances tol{args.max_sigma, args.max_abs};
    const auto a = results::read_json_file(args.files[0]);
    std::vector<std::string> failures;
    for (size_t i = 1; i < args.files.size(); i++) {
        const auto& b_name = args.files[i];
        const auto rows = results::compare_results(a, results::read_json_file(b_name), tol, args.files[0], b_name);
        std::printf("A: %s\nB: %s\n%s\n", args.files[0].c_str(), b_name.c_str(), results::format_rows(rows).c_str());
        if (rows.empty()) failures.push_back(b_name + ": no metric in common with " + args.files[0]);
        std::string failed;
        for (const auto& r : rows)
            if (r.failed)
                failed += (failed.empty() ? "" : ", ") + r.task + "/" + r.metric + " (B - A = " + fmt::format("{:.6g}", r.diff) +
                          (r.sigma ? fmt::format(", {:.2f} sigma", *r.sigma) : "") + ")";
        if (!failed.empty()) failures.push_back(b_name + ": " + failed);
    }
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
    auto* cmd = app.add_subcommand("compare", "Compare result JSON files: every shared metric, the difference in "
                                              "stderr units, and tolerances for regression checks (exit 1 on failure)");
    cmd->add_option("files", args->files, "A.json B.json [more...]: each later file is compared with A")
        ->required()
        ->expected(2, -1)
        ->check(CLI::ExistingFile);
    cmd->add_option("--max-sigma", args->max_sigma,
                    "fail a row whose |B - A| exceeds this many combined stderrs sqrt(se_A^2 + se_B^2)");
    cmd->add_option("--max-abs", args->max_abs, "fail a row whose |B - A| exceeds this");
    cmd->callback([args] { run_compare(*args); });
}

}  // namespace pe::cli
