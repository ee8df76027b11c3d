// CheckpointStore (eval_checkpoint.hpp). Values are written as C hex floats so they read back
// bit-exact; fsync runs every 2 s or 1000 entries (fflush after each line survives a killed process).
#include "cli/eval_checkpoint.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "engine/error.hpp"
#include "engine/net/digest.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {
const std::string magic = "pythia-eval checkpoint 1 ";
}

std::string request_key(const tasks::TokenRequest& request) {
    net::Digest d(net::DigestKind::sha256);
    auto add = [&](const std::vector<int32_t>& ids) {
        uint64_t n = ids.size();
        d.update(&n, sizeof n);
        d.update(ids.data(), ids.size() * sizeof(int32_t));
    };
    add(request.ctx_ids);
    add(request.cont_ids);
    return d.hex();
}

CheckpointStore::CheckpointStore(fs::path path, std::string run_key) : path_(std::move(path)) {
    const std::string header = magic + run_key;
    uint64_t keep_bytes = 0;
    {
        std::ifstream in(path_, std::ios::binary);
        std::string line;
        if (in && std::getline(in, line) && !in.eof() && line == header) {
            keep_bytes = line.size() + 1;
            while (std::getline(in, line) && !in.eof()) {  // eof here: the last line had no '\n'
                char key[65] = {0};
                char ll_text[64] = {0};
                int greedy = 0;
                if (std::sscanf(line.c_str(), "%64s %63s %d", key, ll_text, &greedy) != 3) break;
                char* end = nullptr;
                double ll = std::strtod(ll_text, &end);
                if (!end || *end || !net::is_hex_digest(key, 64)) break;
                entries_[key] = {ll, greedy != 0};
                keep_bytes += line.size() + 1;
            }
            n_loaded_ = entries_.size();
        } else if (in && !line.empty()) {
            discarded_ = true;
        }
    }
    fs::create_directories(path_.parent_path().empty() ? fs::path(".") : path_.parent_path());
    if (keep_bytes > 0) {
        fs::resize_file(path_, keep_bytes);  // drop a line cut mid-write
        file_ = std::fopen(path_.string().c_str(), "ab");
    } else {
        file_ = std::fopen(path_.string().c_str(), "wb");
        if (file_) std::fprintf(file_, "%s\n", header.c_str());
    }
    if (!file_) throw_io(path_.string(), "cannot open the checkpoint file for writing");
    sync();
}

CheckpointStore::~CheckpointStore() {
    if (file_) {
        sync();
        std::fclose(file_);
    }
}

std::optional<tasks::RequestResult> CheckpointStore::find(const tasks::TokenRequest& request) {
    auto it = entries_.find(request_key(request));
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

void CheckpointStore::put(const tasks::TokenRequest& request, const tasks::RequestResult& result) {
    std::string key = request_key(request);
    entries_[key] = result;
    if (std::fprintf(file_, "%s %a %d\n", key.c_str(), result.ll, result.is_greedy ? 1 : 0) < 0 ||
        std::fflush(file_) != 0)
        throw_io(path_.string(), "cannot append to the checkpoint file (disk full?)");
    ++unsynced_;
    auto now = std::chrono::steady_clock::now();
    if (unsynced_ >= 1000 || now - last_sync_ > std::chrono::seconds(2)) sync();
}

void CheckpointStore::sync() {
    if (file_) {
        std::fflush(file_);
        ::fsync(fileno(file_));
    }
    unsynced_ = 0;
    last_sync_ = std::chrono::steady_clock::now();
}

void CheckpointStore::remove() {
    if (file_) {
        std::fclose(file_);
        file_ = nullptr;
    }
    std::error_code ec;
    fs::remove(path_, ec);
}

}  // namespace pe::cli
