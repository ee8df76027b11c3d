// The Hugging Face hub cache, laid out exactly as huggingface_hub does, so the two share files:
//   <cache>/models--<org>--<name>/blobs/<etag>            file contents, named by ETag
//   <cache>/models--<org>--<name>/refs/<revision>         the commit hash a branch or tag pointed to
//   <cache>/models--<org>--<name>/snapshots/<commit>/<f>  relative symlink to ../../blobs/<etag>
// Refs and links are replaced by rename, so processes sharing the cache never see half of one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pe::hub {

// Where the hub and its cache are, from the environment (huggingface_hub's variables):
// HF_ENDPOINT, HF_HUB_CACHE or HF_HOME (+ "/hub") or XDG_CACHE_HOME, HF_TOKEN or $HF_HOME/token,
// HF_HUB_OFFLINE.
struct HubSettings {
    std::string endpoint = "https://huggingface.co";
    std::filesystem::path cache_dir;
    std::optional<std::string> token;
    bool offline = false;
    static HubSettings from_env();
};

// "EleutherAI/pythia-70m" -> true. One '/', each side [A-Za-z0-9._-]+, no "..", no leading '.'.
bool is_repo_id(const std::string& s);
bool is_commit_hash(const std::string& s);  // 40 lower-case hex digits
// A branch or tag name as git allows it (a subset: [A-Za-z0-9._-] components joined by single '/',
// none empty, starting with '.' or ending with ".lock", at most 255 bytes), or a commit hash. Both
// become paths under refs/, so anything else ("..", "/x", NUL, control characters) is refused.
bool is_revision(const std::string& s);
// A file name from the hub (listing, index): a relative path of plain components, which therefore
// stays inside the snapshot folder it is joined to.
bool is_repo_file_name(const std::string& s);
// Throws bad_input naming `what` (e.g. "--revision") unless is_revision(revision).
void check_revision(const std::string& revision, const std::string& what);

class RepoCache {
public:
    RepoCache(const std::filesystem::path& cache_dir, const std::string& repo_id);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path blob_path(const std::string& etag) const;
    std::filesystem::path snapshot_dir(const std::string& commit) const;
    // <cache>/.locks/models--<org>--<name>/<etag>.lock, where huggingface_hub locks a download.
    std::filesystem::path lock_path(const std::string& etag) const;

    std::optional<std::string> read_ref(const std::string& revision) const;  // commit, if cached
    void write_ref(const std::string& revision, const std::string& commit) const;
    // snapshots/<commit>/<file> -> ../../blobs/<etag>, replacing a stale link.
    void link_snapshot_file(const std::string& commit, const std::string& file, const std::string& etag) const;
    // A snapshot file that resolves to a present blob.
    bool has_file(const std::string& commit, const std::string& file) const;

private:
    std::filesystem::path dir_;
};

// ETag header -> cache name: drop a weak-validator "W/" prefix and the quotes.
std::string normalize_etag(const std::string& etag);
// A usable blob name: the sha256 of an LFS file (64 hex) or the git blob id of a small one (40 hex).
// Anything else can be neither verified nor trusted as a file name.
bool is_verifiable_etag(const std::string& etag);

}  // namespace pe::hub
