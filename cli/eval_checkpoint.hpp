// The eval checkpoint: every finished request appended to a file beside the output as it completes,
// so a rerun after Ctrl-C or a crash skips them and writes the same JSON (issues #6, #12 items 3, 4, 6).
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/io/file_lock.hpp"
#include "tasks/evaluator.hpp"

namespace pe::cli {

// File format, one line each, append-only:
//   pythia-eval checkpoint 2 <run key>        (first line: what produced the values)
//   <sha256 of the request's token ids> <ll as a C hex float> <is_greedy 0|1> <checksum>
// The run key is a sha256 over the model's content key, precision, window and data hashes
// (checkpoint_run_key), never a path: a different model at the same path starts over.
// The checksum is the first 16 hex digits of sha256(run key, id, ll, greedy). A line with a bad
// checksum, a loglikelihood that is positive or not finite, or an id seen twice is dropped (with
// the count in dropped_summary()) and recomputed; a last line cut by a crash is dropped silently.
// The file is locked while the store is open: a second process gets an error naming the first.
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
    // "3 lines dropped (2 bad checksum, 1 positive loglikelihood)"; empty when none was.
    const std::string& dropped_summary() const { return dropped_; }
    const std::filesystem::path& path() const { return path_; }
    void remove();  // after the results are written

private:
    void sync();
    std::filesystem::path path_;
    std::string run_key_;
    std::optional<io::FileLock> lock_;
    std::FILE* file_ = nullptr;
    std::unordered_map<std::string, tasks::RequestResult> entries_;
    size_t n_loaded_ = 0;
    size_t unsynced_ = 0;
    bool discarded_ = false;
    std::string dropped_;
    std::chrono::steady_clock::time_point last_sync_;
};

std::string request_key(const tasks::TokenRequest& request);

// sha256 over what a request's value depends on besides its tokens.
std::string checkpoint_run_key(const std::string& content_key, const std::string& precision, size_t window,
                               const std::vector<std::pair<std::string, std::string>>& data_hashes);

}  // namespace pe::cli
