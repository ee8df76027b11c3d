// Hub cache layout (cache.hpp) and the environment that locates it, as huggingface_hub defines them.
#include "engine/hub/cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/cache_dir.hpp"

namespace pe::hub {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

bool env_true(const char* name) {
    std::string v = env(name);
    for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool is_lower_hex(const std::string& s, size_t n) {
    if (s.size() != n) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

// Text from the command line or the network, made safe for a one-line message.
std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s.substr(0, 120)) out += (c < 0x20 || c == 0x7f) ? '?' : char(c);
    return s.size() > 120 ? out + "..." : out;
}

// `p` lies inside `dir` once both are normalised (guards every path built from hub data).
void check_inside(const fs::path& dir, const fs::path& p, const std::string& what) {
    const fs::path rel = p.lexically_normal().lexically_relative(dir.lexically_normal());
    if (rel.empty() || *rel.begin() == ".." || rel.is_absolute())
        throw_bad_input(dir.string(), what, "'" + printable(p.string()) + "' would lie outside the hub cache");
}

}  // namespace

HubSettings HubSettings::from_env() {
    HubSettings s;
    if (auto e = env("HF_ENDPOINT"); !e.empty()) {
        while (!e.empty() && e.back() == '/') e.pop_back();
        s.endpoint = e;
    }
    fs::path home;
    if (auto h = env("HF_HOME"); !h.empty()) {
        home = h;
    } else {
        home = io::user_cache_dir().value_or(".cache") / "huggingface";
    }
    if (auto c = env("HF_HUB_CACHE"); !c.empty()) {
        s.cache_dir = c;
    } else {
        s.cache_dir = home / "hub";
    }
    if (auto t = trim(env("HF_TOKEN")); !t.empty()) {
        s.token = t;
    } else {
        std::ifstream in(home / "token");  // written by `huggingface-cli login`
        std::stringstream ss;
        if (in) ss << in.rdbuf();
        if (auto t2 = trim(ss.str()); !t2.empty()) s.token = t2;
    }
    s.offline = env_true("HF_HUB_OFFLINE");
    return s;
}

namespace {

// Whether s (at most max_size bytes) is one or more '/'-separated parts, none empty, each ok(part).
template <class PartOk>
bool parts_all(std::string_view s, size_t max_size, const PartOk& ok) {
    if (s.empty() || s.size() > max_size) return false;
    size_t start = 0;
    while (true) {
        const size_t end = std::min(s.find('/', start), s.size());
        const std::string_view part = s.substr(start, end - start);
        if (part.empty() || !ok(part)) return false;
        if (end == s.size()) return true;
        start = end + 1;
    }
}

bool all_name_chars(std::string_view part) { return std::all_of(part.begin(), part.end(), name_char); }

}  // namespace

bool is_repo_id(const std::string& s) {
    if (std::count(s.begin(), s.end(), '/') != 1) return false;
    return parts_all(s, s.size(), [](std::string_view part) {
        return part.size() <= 96 && part[0] != '.' && part.find("..") == std::string_view::npos &&
               all_name_chars(part);
    });
}

bool is_commit_hash(const std::string& s) { return is_lower_hex(s, 40); }

bool is_revision(const std::string& s) {
    return parts_all(s, 255, [](std::string_view part) {
        return part[0] != '.' && !part.ends_with(".lock") && all_name_chars(part);
    });
}

bool is_repo_file_name(const std::string& s) {
    return parts_all(s, 1024, [](std::string_view part) {
        return part != "." && part != ".." && std::none_of(part.begin(), part.end(), [](unsigned char c) {
                   return c < 0x20 || c == 0x7f || c == '\\';
               });
    });
}

void check_revision(const std::string& revision, const std::string& what) {
    if (!is_revision(revision))
        throw_bad_input(what, "", "'" + printable(revision) +
                                      "' is not a branch, tag or commit name (letters, digits, '.', '_', '-' in "
                                      "parts joined by '/'; no '..', no leading '.' or '/')");
}

bool is_verifiable_etag(const std::string& etag) { return is_lower_hex(etag, 64) || is_lower_hex(etag, 40); }

std::string normalize_etag(const std::string& etag) {
    std::string e = trim(etag);
    if (e.rfind("W/", 0) == 0) e = e.substr(2);
    if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
    return e;
}

RepoCache::RepoCache(const fs::path& cache_dir, const std::string& repo_id) {
    if (!is_repo_id(repo_id)) throw_bad_input(repo_id, "repo id", "expected <org>/<name>");
    std::string folder = "models--" + repo_id;
    folder.replace(folder.find('/'), 1, "--");
    dir_ = cache_dir / folder;
}

fs::path RepoCache::blob_path(const std::string& etag) const {
    // An ETag comes from the network: only a digest is both a safe file name and verifiable.
    if (!is_verifiable_etag(etag))
        throw_bad_input(dir_.string(), "ETag",
                        "'" + printable(etag) + "' is neither a sha256 nor a git blob id, so the download could not "
                        "be verified (is HF_ENDPOINT a Hugging Face hub?)");
    return dir_ / "blobs" / etag;
}

fs::path RepoCache::lock_path(const std::string& etag) const {
    blob_path(etag);  // the same checks on a name that came from the network
    return dir_.parent_path() / ".locks" / dir_.filename() / (etag + ".lock");
}

fs::path RepoCache::snapshot_dir(const std::string& commit) const {
    if (!is_commit_hash(commit)) throw_bad_input(dir_.string(), "commit", "'" + printable(commit) + "' is not a commit hash");
    return dir_ / "snapshots" / commit;
}

std::optional<std::string> RepoCache::read_ref(const std::string& revision) const {
    check_revision(revision, "revision");
    const fs::path ref = dir_ / "refs" / revision;
    check_inside(dir_ / "refs", ref, "revision");
    std::error_code ec;
    if (!fs::is_regular_file(ref, ec)) return std::nullopt;  // never open a FIFO or a folder
    std::ifstream in(ref);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    std::string commit = trim(ss.str());
    if (!is_commit_hash(commit)) return std::nullopt;
    return commit;
}

void RepoCache::write_ref(const std::string& revision, const std::string& commit) const {
    check_revision(revision, "revision");
    if (!is_commit_hash(commit)) throw_bad_input(dir_.string(), "commit", "'" + printable(commit) + "' is not a commit hash");
    const fs::path ref = dir_ / "refs" / revision;  // revisions like refs/pr/1 nest, as in huggingface_hub
    check_inside(dir_ / "refs", ref, "revision");
    io::write_file_atomically(ref, commit);
}

void RepoCache::link_snapshot_file(const std::string& commit, const std::string& file,
                                   const std::string& etag) const {
    if (!is_repo_file_name(file)) throw_bad_input(dir_.string(), "file name", "'" + printable(file) + "' is not a plain relative path");
    fs::path link = snapshot_dir(commit) / file;
    check_inside(snapshot_dir(commit), link, "file name");
    blob_path(etag);  // refuses an ETag that is not a digest before it becomes a link target
    fs::create_directories(link.parent_path());
    // ../../blobs/<etag> from snapshots/<commit>/, one more ../ per folder inside the file name.
    fs::path target = "../..";
    const fs::path rel(file);
    for (auto it = rel.begin(); std::next(it) != rel.end(); ++it) target /= "..";
    target /= "blobs";
    target /= etag;
    std::error_code ec;
    const fs::path tmp = io::temp_path_for(link);
    fs::remove(tmp, ec);
    fs::create_symlink(target, tmp, ec);
    if (!ec) fs::rename(tmp, link, ec);
    if (ec) throw_io(link.string(), "cannot create the snapshot link: " + ec.message());
}

bool RepoCache::has_file(const std::string& commit, const std::string& file) const {
    if (!is_repo_file_name(file)) throw_bad_input(dir_.string(), "file name", "'" + printable(file) + "' is not a plain relative path");
    std::error_code ec;
    return fs::is_regular_file(snapshot_dir(commit) / file, ec);  // follows the link to the blob
}

}  // namespace pe::hub
