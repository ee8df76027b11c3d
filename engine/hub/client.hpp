// Hugging Face hub client: resolve a revision to a commit, pick the files a GPT-NeoX checkpoint needs,
// download them (resumable, verified against the ETag) into the shared hub cache. Offline mode
// (HF_HUB_OFFLINE=1) reads the cache only and never touches the network.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/hub/cache.hpp"

namespace pe::hub {

struct FetchOptions {
    int max_retries = 3;  // automatic resumes of a cut transfer, per file
    // Called while a file downloads; not called for files already in the cache.
    std::function<void(const std::string& file, uint64_t done_bytes, uint64_t total_bytes)> progress;
};

struct Snapshot {
    std::string repo_id;
    std::string revision;
    std::string commit;
    std::filesystem::path dir;       // snapshots/<commit>: a Hugging Face checkpoint folder
    std::vector<std::string> files;  // what the checkpoint needs, all present in dir
    std::vector<std::string> downloaded;  // the subset fetched by this call
};

// The files a checkpoint needs out of a repo listing: config.json, tokenizer.json and the weights
// (model.safetensors, else its sharded index, else pytorch_model.bin, else its index). An index's
// shards are added by fetch_checkpoint once the index is read. Throws if something is missing.
std::vector<std::string> needed_files(const std::string& repo_id, const std::vector<std::string>& listing);

// Makes snapshots/<commit>/ of `repo_id` at `revision` hold every needed file and returns it.
Snapshot fetch_checkpoint(const HubSettings& settings, const std::string& repo_id, const std::string& revision,
                          const FetchOptions& options = {});

}  // namespace pe::hub
