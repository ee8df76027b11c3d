// The converted-GGUF cache (model_source.hpp). Keyed by content, so a different model whose files
// have the same names, sizes and times never reuses another's GGUF (issue #12 item 5), and two
// folders holding the same checkpoint share one entry.
#include "cli/model_source.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/hub_model.hpp"
#include "cli/model_identity.hpp"
#include "engine/convert/checkpoint.hpp"
#include "engine/convert/convert.hpp"
#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/cache_dir.hpp"
#include "engine/io/file_lock.hpp"
#include "engine/net/digest.hpp"
#include "results/provenance.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

// Bump when convert writes different bytes for the same input, so old cache entries are not reused.
constexpr const char* convert_format_version = "pythia-eval convert 1";

std::string dtype_label(const std::optional<gguf::TensorType>& t) {
    if (!t) return "native";
    std::string s(gguf::type_traits(*t).name);
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Rewrites the entry's record: the model's name and hashes, every source folder seen (with its
// files' sizes and times, which `cache prune` compares to tell a folder since replaced), last use.
void record_use(const fs::path& gguf, const results::ModelIdentity& id) {
    results::JsonArray sources;
    std::string created = results::utc_now_iso8601();
    std::error_code ec;
    const fs::path record = cache_record_path(gguf);
    if (fs::is_regular_file(record, ec)) {
        try {
            const results::Json old = results::read_json_file(record);
            if (const auto* c = old.find("created_utc"); c && std::holds_alternative<std::string>(c->value))
                created = std::get<std::string>(c->value);
            if (const auto* s = old.find("sources"); s && std::holds_alternative<results::JsonArray>(s->value))
                sources = std::get<results::JsonArray>(s->value);
        } catch (const Error&) {
            // A damaged record is rewritten from what this run knows.
        }
    }
    const std::string here = fs::absolute(id.path).lexically_normal().string();
    std::erase_if(sources, [&](const results::Json& s) {
        const auto* p = s.find("path");
        return p && std::holds_alternative<std::string>(p->value) && std::get<std::string>(p->value) == here;
    });
    sources.push_back(results::JsonObject{{"path", here}, {"fingerprint", source_fingerprint(here)}});
    const results::Json doc = results::JsonObject{
        {"name", id.name},
        {"weights_sha256", id.weights_sha256},
        {"content_key", id.content_key()},
        {"sources", std::move(sources)},
        {"created_utc", created},
        {"last_used_utc", results::utc_now_iso8601()},
    };
    io::write_file_atomically(record, results::dump_python(doc, 2) + "\n");
}

}  // namespace

fs::path cache_record_path(const fs::path& gguf) {
    fs::path record = gguf;
    return record.replace_extension(".json");
}

std::string source_fingerprint(const fs::path& folder) {
    std::string out;
    std::error_code ec;
    std::vector<std::string> files = {(folder / "config.json").string(), (folder / "tokenizer.json").string()};
    try {
        for (const auto& w : convert::find_weight_files(folder.string())) files.push_back(w);
    } catch (const Error&) {
        return "gone";  // no weights there any more
    }
    for (const auto& f : files) {
        const auto size = fs::file_size(f, ec);
        if (ec) return "gone";
        const auto mtime = fs::last_write_time(f, ec).time_since_epoch().count();
        out += fs::path(f).filename().string() + ":" + std::to_string(size) + ":" + std::to_string(mtime) + ";";
    }
    return out;
}

std::string default_gguf_cache_dir() {
    return io::require_pythia_cache_dir("gguf", "the converted-model cache").string();
}

std::string cached_gguf_path(const results::ModelIdentity& id, const ModelSourceOptions& opts) {
    net::Digest d(net::DigestKind::sha256);
    d.update(std::string(convert_format_version) + "\n" + dtype_label(opts.dtype) + "\n" + id.content_key() + "\n");
    const std::string dir = opts.cache_dir.empty() ? default_gguf_cache_dir() : opts.cache_dir;
    return (fs::path(dir) / (d.hex().substr(0, 16) + "-" + dtype_label(opts.dtype) + ".gguf")).string();
}

std::string model_gguf(const results::ModelIdentity& id, const ModelSourceOptions& opts) {
    if (id.source == "gguf") return id.path;
    const std::string cached = cached_gguf_path(id, opts);
    std::error_code ec;
    fs::create_directories(fs::path(cached).parent_path(), ec);
    if (ec) throw_io(fs::path(cached).parent_path().string(), "cannot create the cache folder: " + ec.message());
    {
        io::FileLock lock = io::FileLock::acquire(cached + ".lock");  // a second process waits, then reuses
        if (!fs::is_regular_file(cached, ec)) {
            io::remove_stale_temporaries(cached);  // a conversion killed earlier; every converter holds this lock
            if (!opts.quiet)
                std::fprintf(stderr, "pythia-eval: converting %s to %s (once; later runs reuse it)\n", id.path.c_str(),
                             cached.c_str());
            // Content only: the name lives in the result, so every folder with these bytes shares the entry.
            convert::convert_hf_checkpoint(id.path, cached, {opts.dtype, "", ""});
        }
        record_use(cached, id);
    }
    return cached;
}

void check_model_path(const std::string& arg) {
    std::error_code ec;
    if (!fs::exists(arg, ec)) throw_io(arg, "--model: no such file or folder");
    if (fs::is_regular_file(arg, ec)) {
        // Judged by the magic, not the extension; the GGUF reader validates the rest.
        char magic[4] = {};
        if (std::FILE* f = std::fopen(arg.c_str(), "rb")) {
            const size_t got = std::fread(magic, 1, 4, f);
            std::fclose(f);
            if (got == 4 && std::memcmp(magic, "GGUF", 4) == 0) return;
        }
        throw_bad_input(arg, "--model", "not a GGUF file; expected a .gguf or a Hugging Face model folder");
    }
    if (!fs::is_directory(arg, ec)) throw_bad_input(arg, "--model", "neither a regular file nor a folder");
    if (!fs::exists(fs::path(arg) / "config.json"))
        throw_bad_input(arg, "--model", "folder has no config.json: not a Hugging Face model folder");
}

std::string resolve_model(const std::string& arg, const ModelSourceOptions& opts) {
    check_model_path(arg);
    std::error_code ec;
    if (fs::is_regular_file(arg, ec)) return arg;  // no need to hash a GGUF that is used as is
    ModelRef ref;
    ref.arg = arg;
    return model_gguf(resolve_identity(ref, arg), opts);
}

}  // namespace pe::cli
