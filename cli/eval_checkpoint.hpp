// The eval checkpoint: every finished request appended to a file beside the output as it completes,
// so a rerun after Ctrl-C or a crash skips them and writes the same JSON (issue #6).
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "tasks/evaluator.hpp"

namespace pe::cli {

// File format, one line each, append-only:
//   pythia-eval checkpoint 1 <run key>                  (first line: what produced the values)
//   <sha256 of the request's token ids> <ll as a C hex float> <is_greedy 0|1>
// A last line cut by a crash is dropped. A file written for another run key (model, backend,
// precision, window) is started over: its values would not be this run's.
class CheckpointStore : public tasks::RequestStore {
public:
    CheckpointStore(std::filesystem::path path, std::string run_key);
    ~CheckpointStore() override;
    CheckpointStore(const CheckpointStore&) = delete;
    CheckpointStore& operator=(const CheckpointStore&) = delete;

    std::optional<tasks::RequestResult> find(const tasks::TokenRequest& request) override;
    void put(const tasks::TokenRequest& request, const tasks::RequestResult& result) override;

    size_t n_loaded() const { return n_loaded_; }  // entries read back from an earlier run
    bool discarded_other_run() const { return discarded_; }
    const std::filesystem::path& path() const { return path_; }
    void remove();  // after the results are written

private:
    void sync();
    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
    std::unordered_map<std::string, tasks::RequestResult> entries_;
    size_t n_loaded_ = 0;
    size_t unsynced_ = 0;
    bool discarded_ = false;
    std::chrono::steady_clock::time_point last_sync_;
};

std::string request_key(const tasks::TokenRequest& request);

}  // namespace pe::cli
