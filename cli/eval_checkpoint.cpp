// CheckpointStore (eval_checkpoint.hpp). Values are written as C hex floats so they read back
// bit-exact; fsync runs every 2 s or 1000 entries (fflush after each line survives a killed process).
#include "cli/eval_checkpoint.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <vector>

#include "engine/error.hpp"
#include "engine/net/digest.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

const std::string magic = "pythia-eval checkpoint 2 ";

std::string line_checksum(const std::string& run_key, const std::string& key, const std::string& ll_text, int greedy) {
    net::Digest d(net::DigestKind::sha256);
    d.update(run_key + " " + key + " " + ll_text + " " + std::to_string(greedy));
    return d.hex().substr(0, 16);
}

std::string format_line(const std::string& run_key, const std::string& key, const tasks::RequestResult& r) {
    char ll_text[64];
    std::snprintf(ll_text, sizeof ll_text, "%a", r.ll);
    const int greedy = r.is_greedy ? 1 : 0;
    return key + " " + ll_text + " " + std::to_string(greedy) + " " + line_checksum(run_key, key, ll_text, greedy) + "\n";
}

}  // namespace

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

std::string checkpoint_run_key(const std::string& content_key, const std::string& precision, size_t window,
                               const std::vector<std::pair<std::string, std::string>>& data_hashes) {
    net::Digest d(net::DigestKind::sha256);
    d.update("model " + content_key + "\nprecision " + precision + "\nwindow " + std::to_string(window) + "\n");
    for (const auto& [file, sha] : data_hashes) d.update("data " + file + " " + sha + "\n");
    return d.hex();
}

CheckpointStore::CheckpointStore(fs::path path, std::string run_key) : path_(std::move(path)), run_key_(std::move(run_key)) {
    fs::create_directories(path_.parent_path().empty() ? fs::path(".") : path_.parent_path());
    lock_ = io::FileLock::try_acquire(path_);
    if (!lock_)
        throw_io(path_.string(), "another eval is writing this result right now: " + io::lock_holder(path_) +
                                     "; wait for it to finish, or pass another --output");
    const std::string header = magic + run_key_;
    std::vector<std::string> kept;  // valid lines, in file order
    size_t n_checksum = 0, n_positive = 0, n_not_finite = 0, n_duplicate = 0, n_malformed = 0;
    {
        std::ifstream in(path_, std::ios::binary);
        std::string line;
        if (in && std::getline(in, line) && !in.eof() && line == header) {
            std::map<std::string, size_t> seen;  // id -> times it appears
            std::vector<std::pair<std::string, tasks::RequestResult>> parsed;
            std::vector<std::string> lines;
            while (std::getline(in, line) && !in.eof()) {  // eof here: the last line had no '\n'
                char key[65] = {0}, ll_text[64] = {0}, sum[17] = {0};
                int greedy = -1;
                if (std::sscanf(line.c_str(), "%64s %63s %d %16s", key, ll_text, &greedy, sum) != 4 ||
                    !net::is_hex_digest(key, 64) || (greedy != 0 && greedy != 1)) {
                    ++n_malformed;
                    continue;
                }
                if (line_checksum(run_key_, key, ll_text, greedy) != sum ||
                    line != std::string(key) + " " + ll_text + " " + std::to_string(greedy) + " " + sum) {
                    ++n_checksum;
                    continue;
                }
                char* end = nullptr;
                const double ll = std::strtod(ll_text, &end);
                if (!end || *end || !std::isfinite(ll)) {
                    ++n_not_finite;
                    continue;
                }
                if (ll > 0) {  // a sum of log-probabilities is never positive
                    ++n_positive;
                    continue;
                }
                seen[key]++;
                parsed.push_back({key, {ll, greedy != 0}});
                lines.push_back(line + "\n");
            }
            for (size_t i = 0; i < parsed.size(); i++) {
                if (seen[parsed[i].first] > 1) {  // which of two values is right cannot be told
                    ++n_duplicate;
                    continue;
                }
                entries_[parsed[i].first] = parsed[i].second;
                kept.push_back(lines[i]);
            }
            n_loaded_ = entries_.size();
        } else if (in && !line.empty()) {
            discarded_ = true;
        }
    }
    const size_t n_dropped = n_checksum + n_positive + n_not_finite + n_duplicate + n_malformed;
    if (n_dropped) {
        std::string why;
        const auto add = [&](size_t n, const char* what) {
            if (n) why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + what;
        };
        add(n_checksum, "bad checksum");
        add(n_positive, "positive loglikelihood");
        add(n_not_finite, "NaN or infinite loglikelihood");
        add(n_duplicate, "duplicate request id");
        add(n_malformed, "malformed");
        dropped_ = std::to_string(n_dropped) + " invalid line(s) dropped (" + why + "); their requests are recomputed";
    }
    // Rewritten in place (the lock is on this inode): the header, then only the valid lines.
    file_ = std::fopen(path_.string().c_str(), "wb");
    if (!file_) throw_io(path_.string(), "cannot open the checkpoint file for writing");
    std::string content = header + "\n";
    for (const auto& l : kept) content += l;
    if (std::fwrite(content.data(), 1, content.size(), file_) != content.size() || std::fflush(file_) != 0)
        throw_io(path_.string(), "cannot write the checkpoint file (disk full?)");
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
    const bool fresh = entries_.emplace(key, result).second;
    if (!fresh) return;  // already on file: a second line would read back as a duplicate
    const std::string line = format_line(run_key_, key, result);
    if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0)
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
    lock_.reset();
}

}  // namespace pe::cli
