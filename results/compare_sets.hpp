// `compare` at scale (issue #13): files and folders on both sides, matched by model, step and
// settings (results/result_key), each pair's rows in a stable order (A's tasks, then metrics, as
// the files order them), the tasks only one side has, and a warning where the sides differ in
// limit, few-shot or precision. format_report is the table; report_json the --json output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/compare.hpp"
#include "results/json.hpp"
#include "results/result_key.hpp"

namespace pe::results {

struct ResultFile {
    std::filesystem::path path;
    Json document;
    ResultKey key;
};

// A file as it is, or every result JSON under a folder (files without "results" are skipped),
// ordered by model, step, few-shot, limit, precision, then path.
std::vector<ResultFile> read_result_files(const std::filesystem::path& file_or_folder);

struct ComparePair {
    std::filesystem::path a, b;
    std::vector<std::string> warnings;           // "the sides differ in limit (A: 100, B: none)"
    std::vector<std::string> only_in_a, only_in_b;  // tasks
    std::vector<CompareRow> rows;
};

struct CompareReport {
    std::vector<ComparePair> pairs;
    std::vector<std::filesystem::path> unmatched_a, unmatched_b;  // files with no partner
};

// Two single files always pair. Otherwise each A file pairs with the B file of the same model, step
// and settings, else of the same model and step (with a warning naming what differs).
CompareReport compare_sets(const std::vector<ResultFile>& a, const std::vector<ResultFile>& b, const Tolerances& tol);

std::string format_report(const CompareReport& report);
Json report_json(const CompareReport& report);  // strict JSON: an infinite sigma is null

}  // namespace pe::results
