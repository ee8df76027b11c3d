// Hub client (client.hpp). Requests, as huggingface_hub makes them:
//   GET  <endpoint>/api/models/<repo>/revision/<rev>    -> {"sha": commit, "siblings": [{"rfilename"}]}
//   HEAD <endpoint>/<repo>/resolve/<commit>/<file>      -> ETag / X-Linked-Etag, X-Repo-Commit, size
//   GET  the same URL (302 to the LFS store for large files), with Range when resuming
// An LFS file's ETag is its sha256; a small file's is its git blob id. Both are verified.
#include "engine/hub/client.hpp"

#include <simdjson.h>

#include <algorithm>
#include <set>

#include "engine/error.hpp"
#include "engine/io/file_lock.hpp"
#include "engine/net/digest.hpp"
#include "engine/net/http.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::hub {

namespace fs = std::filesystem;

namespace {

std::string url_quote(const std::string& s, bool keep_slash) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string offline_hint(const HubSettings& s) {
    return "To run without network, set HF_HUB_OFFLINE=1 to use what is already in " + s.cache_dir.string() +
           ", or pass --model path/to/checkpoint (a Hugging Face folder or a .gguf file)";
}

net::RequestOptions request_options(const HubSettings& s, long max_time_s) {
    net::RequestOptions o;
    if (s.token) o.headers.push_back("Authorization: Bearer " + *s.token);
    o.offline_hint = offline_hint(s);
    o.max_time_s = max_time_s;
    return o;
}

// One line for a failed hub request, with the fix where we know it.
[[noreturn]] void throw_hub_status(const HubSettings& s, const std::string& url, const net::Response& r,
                                   const std::string& repo_id, const std::string& what) {
    std::string code = r.header("x-error-code").value_or("");
    std::string msg = net::status_text(r.status);
    if (r.status == 401 || r.status == 403) {
        msg += s.token ? ": the token in HF_TOKEN cannot read " + repo_id + " (private, gated or misspelled?)"
                       : ": " + repo_id + " is private, gated or does not exist; if you have access, set HF_TOKEN " +
                             "to a read token (https://huggingface.co/settings/tokens)";
    } else if (r.status == 404) {
        if (code == "RepoNotFound")
            msg += ": repository " + repo_id + " not found";
        else if (code == "RevisionNotFound")
            msg += ": " + what + " not found in " + repo_id +
                   " (Pythia checkpoints are revisions step0, step1, step2, ..., step512, step1000, step2000, ..., "
                   "step143000; main = step143000)";
        else
            msg += ": " + what + " not found in " + repo_id;
    }
    throw Error(ErrorKind::io, url, "", msg);
}

struct Listing {
    std::string commit;
    std::vector<std::string> files;
};

Listing resolve_revision(const HubSettings& s, const std::string& repo_id, const std::string& revision) {
    std::string url = s.endpoint + "/api/models/" + repo_id + "/revision/" + url_quote(revision, false);
    const ReadingInput reading(url);
    net::Response r = net::get(url, request_options(s, 120));
    if (r.status != 200) throw_hub_status(s, url, r, repo_id, "revision '" + revision + "'");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(r.body).get(doc)) throw_bad_input(url, "", "response is not JSON");
    Listing out;
    std::string_view sha;
    if (doc["sha"].get_string().get(sha)) throw_bad_input(url, "sha", "missing in the revision response");
    out.commit = std::string(sha);
    if (!is_commit_hash(out.commit)) throw_bad_input(url, "sha", "'" + out.commit + "' is not a commit hash");
    simdjson::dom::array siblings;
    if (doc["siblings"].get_array().get(siblings)) throw_bad_input(url, "siblings", "missing in the revision response");
    for (auto sib : siblings) {
        std::string_view name;
        if (!sib["rfilename"].get_string().get(name)) out.files.emplace_back(name);
    }
    return out;
}

struct FileMeta {
    std::string etag;
    uint64_t size = 0;
};

FileMeta head_file(const HubSettings& s, const std::string& repo_id, const std::string& commit,
                   const std::string& file) {
    std::string url = s.endpoint + "/" + repo_id + "/resolve/" + commit + "/" + url_quote(file, true);
    net::RequestOptions o = request_options(s, 120);
    o.follow_redirects = false;  // the 302 to the LFS store carries X-Linked-Etag; the store's ETag differs
    net::Response r = net::head(url, o);
    if (r.status >= 400) throw_hub_status(s, url, r, repo_id, "file '" + file + "'");
    FileMeta m;
    m.etag = normalize_etag(r.header("x-linked-etag").value_or(r.header("etag").value_or("")));
    if (m.etag.empty())
        throw_bad_input(url, "ETag", "the hub sent no ETag (is HF_ENDPOINT a Hugging Face hub?)");
    // The ETag names the blob and is the only way to verify the bytes: refuse one that is not a digest.
    if (!is_verifiable_etag(m.etag))
        throw_bad_input(url, "ETag", "'" + m.etag.substr(0, 80) +
                                         "' is neither a sha256 (LFS) nor a git blob id, so the download could not be "
                                         "verified (is HF_ENDPOINT a Hugging Face hub?)");
    std::string size = r.header("x-linked-size").value_or(r.header("content-length").value_or("0"));
    m.size = std::strtoull(size.c_str(), nullptr, 10);
    if (auto c = r.header("x-repo-commit"); c && *c != commit)
        throw_bad_input(url, "X-Repo-Commit", *c + ", expected " + commit);
    return m;
}

std::vector<std::string> shards_of_index(const fs::path& index_path) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.load(index_path.string()).get(doc)) throw_bad_input(index_path.string(), "", "not valid JSON");
    simdjson::dom::object map;
    if (doc["weight_map"].get_object().get(map)) throw_bad_input(index_path.string(), "weight_map", "missing");
    std::set<std::string> shards;
    for (auto [key, value] : map) {
        std::string_view shard;
        if (value.get_string().get(shard)) throw_bad_input(index_path.string(), "weight_map", "value is not a string");
        std::string name(shard);
        if (!is_repo_file_name(name))
            throw_bad_input(index_path.string(), "weight_map", "shard name '" + name + "' is not a plain relative path");
        shards.insert(name);
    }
    return {shards.begin(), shards.end()};
}

// What a cached snapshot folder offers, for offline use: the same choice as needed_files.
std::vector<std::string> listing_of_dir(const fs::path& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (fs::is_regular_file(it->path(), ec)) files.push_back(it->path().lexically_relative(dir).generic_string());
    }
    return files;
}

}  // namespace

std::vector<std::string> needed_files(const std::string& repo_id, const std::vector<std::string>& listing) {
    std::set<std::string> have(listing.begin(), listing.end());
    std::vector<std::string> out;
    for (const char* f : {"config.json", "tokenizer.json"}) {
        if (!have.count(f)) throw_bad_input(repo_id, f, "not in the repository, so it cannot be converted");
        out.emplace_back(f);
    }
    for (const char* w : {"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                          "pytorch_model.bin.index.json"}) {
        if (have.count(w)) {
            out.emplace_back(w);
            return out;
        }
    }
    throw_bad_input(repo_id, "weights",
                    "none of model.safetensors, pytorch_model.bin or their .index.json in the repository");
}

Snapshot fetch_checkpoint(const HubSettings& s, const std::string& repo_id, const std::string& revision,
                          const FetchOptions& options) {
    check_revision(revision, "revision");  // it becomes a path under refs/ and a URL part
    RepoCache cache(s.cache_dir, repo_id);
    Snapshot snap;
    snap.repo_id = repo_id;
    snap.revision = revision;

    if (s.offline) {
        auto commit = is_commit_hash(revision) ? std::optional<std::string>(revision) : cache.read_ref(revision);
        if (!commit || !fs::is_directory(cache.snapshot_dir(*commit)))
            throw Error(ErrorKind::io, cache.dir().string(), "",
                        "HF_HUB_OFFLINE is set and " + repo_id + " at revision '" + revision +
                            "' is not in the cache; run once with network (unset HF_HUB_OFFLINE), or pass "
                            "--model path/to/checkpoint");
        snap.commit = *commit;
        snap.dir = cache.snapshot_dir(snap.commit);
        snap.files = needed_files(repo_id + "@" + revision + " (cached)", listing_of_dir(snap.dir));
        if (snap.files.back().ends_with(".index.json"))
            for (auto& shard : shards_of_index(snap.dir / snap.files.back())) snap.files.push_back(shard);
        for (const auto& f : snap.files)
            if (!cache.has_file(snap.commit, f))
                throw Error(ErrorKind::io, (snap.dir / f).string(), "",
                            "missing from the cache and HF_HUB_OFFLINE is set; run once with network");
        return snap;
    }

    Listing listing = resolve_revision(s, repo_id, revision);
    snap.commit = listing.commit;
    snap.dir = cache.snapshot_dir(snap.commit);
    snap.files = needed_files(repo_id, listing.files);

    auto fetch_one = [&](const std::string& file) {
        if (cache.has_file(snap.commit, file)) return;
        FileMeta meta = head_file(s, repo_id, snap.commit, file);
        fs::path blob = cache.blob_path(meta.etag);
        // Processes sharing the cache (sweep array tasks) download a blob one at a time, under
        // huggingface_hub's own lock file, and a waiter then finds the blob there.
        std::optional<io::FileLock> lock;
        if (!fs::is_regular_file(blob)) lock = io::FileLock::acquire(cache.lock_path(meta.etag));
        if (!fs::is_regular_file(blob)) {
            net::DownloadOptions d;
            d.request = request_options(s, 0);
            d.max_retries = options.max_retries;
            d.part_path = blob.string() + ".incomplete";  // huggingface_hub's name, so either tool resumes
            if (meta.etag.size() == 64)  // checked by head_file: a sha256 or a git blob id, nothing else
                d.sha256 = meta.etag;
            else
                d.git_sha1 = meta.etag;
            d.max_bytes = meta.size;  // a server sending more than it declared is cut off, not trusted
            if (options.progress) {
                d.progress = [&](uint64_t done, uint64_t total) {
                    options.progress(file, done, total ? total : meta.size);
                };
            }
            std::string url = s.endpoint + "/" + repo_id + "/resolve/" + snap.commit + "/" + url_quote(file, true);
            net::download_file(url, blob.string(), d);
            snap.downloaded.push_back(file);
        }
        cache.link_snapshot_file(snap.commit, file, meta.etag);
    };

    for (const auto& f : std::vector<std::string>(snap.files)) fetch_one(f);
    if (snap.files.back().ends_with(".index.json")) {
        for (auto& shard : shards_of_index(snap.dir / snap.files.back())) {
            fetch_one(shard);
            snap.files.push_back(shard);
        }
    }
    if (revision != snap.commit) cache.write_ref(revision, snap.commit);
    return snap;
}

}  // namespace pe::hub
