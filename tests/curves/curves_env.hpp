// Shared by the tests of table, plot and report: where the published results are, a small CSV
// reader (RFC 4180, for the table's own output), and an independent count of the published numbers
// read with simdjson directly (not through results/result_file).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pe::test {

std::filesystem::path published_root();  // ../shared/reference/pythia-results
// The 70m/160m/410m (and deduped) v1.1 zero-shot folders: 6 models x 27 steps.
std::vector<std::string> zero_shot_folders();

std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// One number as a JSON file holds it: read with simdjson, keyed by (file, task, metric).
struct JsonNumber {
    std::string file, task, metric;
    double value = 0.0;
    bool has_stderr = false;
    double stderr_value = 0.0;
};
std::vector<JsonNumber> numbers_in(const std::vector<std::filesystem::path>& files);
std::vector<std::filesystem::path> json_files_under(const std::filesystem::path& folder);

// A copy of a published file made to look like one of our runs (config.model "pythia-eval"), with
// lambada_openai's acc moved by `shift_sigmas` of its stderr: the input of the compare verdicts.
void write_our_run(const std::filesystem::path& published, const std::filesystem::path& out, double shift_sigmas);

}  // namespace pe::test
