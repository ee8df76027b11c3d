// resolve_identity (model_identity.hpp).
#include "cli/model_identity.hpp"

#include <charconv>
#include <fstream>
#include <regex>

#include "engine/convert/checkpoint.hpp"
#include "engine/convert/convert.hpp"
#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/hub/cache.hpp"
#include "engine/net/digest.hpp"
#include "results/layout.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

// A hub cache file is a symlink to ../../blobs/<etag>; an LFS file's etag is its sha256, which the
// hub client verified when it downloaded it. Anything else is hashed here.
std::string file_sha256(const fs::path& file) {
    std::error_code ec;
    if (fs::is_symlink(file, ec)) {
        const fs::path target = fs::read_symlink(file, ec);
        const std::string blob = target.filename().string();
        if (!ec && target.parent_path().filename() == "blobs" && net::is_hex_digest(blob, 64) &&
            fs::is_regular_file(file, ec))
            return blob;
    }
    return net::sha256_file(file.string());
}

struct HubCachePath {
    std::string repo_id, commit, revision;
};

// .../models--ORG--NAME/snapshots/<40-hex>[/] -> the repo id, the commit and the ref naming it
// (a stepN ref preferred over main, so that the step is known).
std::optional<HubCachePath> parse_hub_cache_path(const fs::path& local) {
    fs::path p = fs::absolute(local).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    const std::string commit = p.filename().string();
    const fs::path snapshots = p.parent_path();
    const fs::path repo_dir = snapshots.parent_path();
    const std::string repo_name = repo_dir.filename().string();
    if (snapshots.filename() != "snapshots" || !hub::is_commit_hash(commit) || !repo_name.starts_with("models--"))
        return std::nullopt;
    const std::string rest = repo_name.substr(8);
    const size_t sep = rest.find("--");
    if (sep == std::string::npos) return std::nullopt;
    HubCachePath out{rest.substr(0, sep) + "/" + rest.substr(sep + 2), commit, ""};
    if (!hub::is_repo_id(out.repo_id)) return std::nullopt;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(repo_dir / "refs", ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::ifstream in(it->path());
        std::string sha;
        in >> sha;
        if (sha != commit) continue;
        const std::string ref = it->path().lexically_relative(repo_dir / "refs").generic_string();
        if (out.revision.empty() || step_of_revision(ref)) out.revision = ref;
    }
    return out;
}

// config.json's _name_or_path, when it names a hub repo (not the local path it was saved from).
std::string config_name(const fs::path& folder) {
    const fs::path config = folder / "config.json";
    const results::Json j = results::read_json_file(config);
    const results::Json* v = j.find("_name_or_path");
    if (!v) return {};
    const auto* s = std::get_if<std::string>(&v->value);
    return s && hub::is_repo_id(*s) ? *s : std::string();
}

void check_name(const std::string& name) {
    static const std::regex bare("[A-Za-z0-9][A-Za-z0-9._-]*");
    if (!hub::is_repo_id(name) && !std::regex_match(name, bare))
        throw_bad_input(name, "--name", "expected ORG/MODEL like EleutherAI/pythia-160m (letters, digits, '.', '_', '-')");
}

}  // namespace

std::optional<uint64_t> step_of_revision(const std::string& revision) {
    if (!revision.starts_with("step") || revision.size() == 4) return std::nullopt;
    uint64_t step = 0;
    const char* first = revision.data() + 4;
    const char* last = revision.data() + revision.size();
    const auto [ptr, ec] = std::from_chars(first, last, step);
    if (ec != std::errc() || ptr != last || step > uint64_t(INT64_MAX)) return std::nullopt;
    return step;
}

results::ModelIdentity resolve_identity(const ModelRef& ref, const fs::path& local) {
    results::ModelIdentity id;
    std::error_code ec;
    const bool is_gguf = fs::is_regular_file(local, ec);
    id.source = ref.is_hub ? "hub" : is_gguf ? "gguf" : "folder";
    id.path = local.string();

    if (is_gguf) {
        id.weights.push_back({local.filename().string(), file_sha256(local)});
    } else {
        for (const std::string& w : convert::find_weight_files(local.string()))
            id.weights.push_back({fs::path(w).filename().string(), file_sha256(w)});
        id.config_sha256 = file_sha256(local / "config.json");
        if (fs::exists(local / "tokenizer.json", ec)) id.tokenizer_sha256 = file_sha256(local / "tokenizer.json");
    }
    id.weights_sha256 = results::weights_digest(id.weights);

    if (ref.name) check_name(*ref.name);
    if (ref.is_hub) {
        id.name = ref.repo_id;
        id.name_from = "hub";
        id.repo_id = ref.repo_id;
        id.revision = ref.revision;
        id.commit = local.filename().string();
        if (!hub::is_commit_hash(id.commit)) id.commit.clear();
        id.step = ref.step;
    } else if (auto hc = parse_hub_cache_path(local)) {
        id.repo_id = hc->repo_id;
        id.commit = hc->commit;
        id.revision = hc->revision;
        id.name = hc->repo_id;
        id.name_from = "hub-cache";
        id.step = step_of_revision(hc->revision);
        if (!id.step && hc->revision == "main" && results::pythia_name(hc->repo_id)) id.step = 143000;
    } else if (is_gguf) {
        const gguf::Reader reader = gguf::Reader::open(local.string());
        if (auto repo = reader.get_string(convert::source_repo_key); repo && hub::is_repo_id(*repo)) {
            id.repo_id = *repo;
            id.name = *repo;
            id.name_from = "gguf-metadata";
            id.revision = reader.get_string(convert::source_revision_key).value_or("");
            id.step = step_of_revision(id.revision);
        }
    } else if (std::string n = config_name(local); !n.empty()) {
        id.name = n;
        id.name_from = "config";
    }
    if (ref.name) {
        id.name = *ref.name;
        id.name_from = "--name";
    }
    if (!ref.is_hub && ref.step) id.step = ref.step;
    if (id.name.empty()) {
        // Last resort: the path. ".../pythia-160m/step3000" is pythia-160m at step 3000.
        fs::path p = fs::absolute(local).lexically_normal();
        if (p.filename().empty()) p = p.parent_path();
        std::string leaf = is_gguf ? p.stem().string() : p.filename().string();
        if (auto s = step_of_revision(leaf); s && p.has_parent_path()) {
            if (!id.step) id.step = s;
            leaf = p.parent_path().filename().string();
        }
        id.name = leaf;
        id.name_from = "path";
    }
    return id;
}

}  // namespace pe::cli
