// `pythia-eval data fetch`: the five evaluation splits from their canonical public URLs into a data
// folder laid out like ../shared/data (<task>/<file>), each file verified against its pinned sha256
// (files.hpp). Downloads resume; WinoGrande and SciQ are extracted from their zips.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace pe::data {

// A file of the data folder: path under it ("piqa/valid.jsonl") and the original's pinned sha256.
struct FetchedFile {
    std::string path;
    std::string sha256;
    std::string member;  // for archives: the member's name inside the zip
};

// One download: URLs tried in order (the canonical one first, then byte-identical mirrors).
// A plain file yields outputs[0] (sha256 equal to the download's); an archive yields its members.
struct DataDownload {
    std::string task;
    std::vector<std::string> urls;
    std::string sha256;  // of the downloaded bytes
    bool is_zip = false;
    std::vector<FetchedFile> outputs;
};

const std::vector<DataDownload>& canonical_downloads();

// $PYTHIA_EVAL_DATA, else $XDG_CACHE_HOME/pythia-eval/data, else ~/.cache/pythia-eval/data.
std::filesystem::path default_data_dir();

struct DataFetchOptions {
    std::vector<std::string> tasks;  // empty: all
    int max_retries = 3;
    // Per download: (task, url, done, total); total 0 if unknown.
    std::function<void(const std::string&, const std::string&, uint64_t, uint64_t)> progress;
};

struct DataFetchReport {
    std::vector<std::string> fetched;  // data-folder paths written by this call
    std::vector<std::string> present;  // already there and verified
};

// Makes `dir` hold every output of the selected downloads. Files already present are verified
// (sha256) and kept. Archives are kept under dir/_archives so a rerun does not fetch them again.
DataFetchReport fetch_data(const std::filesystem::path& dir, const std::vector<DataDownload>& downloads,
                           const DataFetchOptions& options = {});

// Each selected output in `dir`: "ok", "missing" or "sha256 mismatch" (data check).
struct DataFileStatus {
    std::string task, path, state;
};
std::vector<DataFileStatus> check_data(const std::filesystem::path& dir, const std::vector<DataDownload>& downloads,
                                       const std::vector<std::string>& tasks = {});

}  // namespace pe::data
