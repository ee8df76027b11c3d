// Result files of every origin read into one shape, the one reader behind table, plot and report:
// this project's files (CONTRACT.md: provenance first, then config, then the file name), lm-eval's
// published v1.1 files and GPT-NeoX's v0 files in both of their layouts (pythia-results.md §2-§3).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "results/json.hpp"

namespace pe::results {

struct ResultFile {
    std::string source;         // the path as reached from the argument: it names the file in every row
    bool ours = false;          // written by pythia-eval (config.model "pythia-eval" or a provenance key)
    std::string model;          // "EleutherAI/pythia-70m-deduped"; the v0 suite: "EleutherAI/pythia-70m-deduped-v0"
    std::optional<long> step;   // training step, as the file names it
    std::optional<int> shots;   // num_fewshot
    std::string variant;        // a study or settings other than the main published runs: "baseline",
                                // "limit 100", "fp32", "limit 100 fp32"
    Json document;
};

// One number of one file: the eight columns of `pythia-eval table`, plus who wrote it.
struct ResultRow {
    std::string source, model;
    std::optional<long> step;
    std::optional<int> shots;
    std::string task, metric;
    double value = 0.0;
    std::optional<double> stderr_value;  // <metric>_stderr when the file has it
    bool ours = false;
    std::string variant;                 // as in ResultFile: a curve of its own in plots
};

// Every .json file under each path (a file is taken as it is, a folder is walked recursively, in
// path order). A path that does not exist, or a folder without .json files, is an error naming it.
std::vector<std::filesystem::path> result_paths(const std::vector<std::string>& paths);

// Parses and normalises one file; errors name it (unreadable JSON, no "results" object).
ResultFile read_result_file(const std::filesystem::path& path);
std::vector<ResultFile> read_result_files(const std::vector<std::string>& paths);

// `runs` plus, from the folder `published_dir` (none when empty), the published files in lm-eval's
// layout for the models and shots the runs hold: what --published adds to plot and report.
std::vector<ResultFile> with_published(std::vector<ResultFile> runs, const std::string& published_dir);

// lm-eval's main.py layout of the published suite: <model>/zero-shot/<size>_step<N>.json or
// <model>/five-shot/<size>-5shot_step<N>.json (not the baseline/intervention studies, not v0).
bool in_published_layout(const std::filesystem::path& path);

// Which tasks and metrics to keep; empty = all. A name that no input holds is an error naming
// the option (`option_tasks` / `option_metrics`) and what the inputs do hold.
struct Selection {
    std::vector<std::string> tasks, metrics;
    std::string option_tasks = "--tasks", option_metrics = "--metrics";
};

// One row per (file, task, metric with a number), sorted by model size, model, step, task, metric
// (then shots and source, so the order is total). No row at all is an error.
std::vector<ResultRow> result_rows(const std::vector<ResultFile>& files, const Selection& selection);

// Parameters implied by a Pythia name ("pythia-1.4b-deduped" -> 1.4e9); nullopt for other names.
std::optional<double> model_size(const std::string& model);
// The name without its organisation: "EleutherAI/pythia-70m" -> "pythia-70m".
std::string short_model_name(const std::string& model);

}  // namespace pe::results
