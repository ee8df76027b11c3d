// --model resolution and the converted-GGUF cache. The cache key changes whenever a source file is
// replaced or touched, or the converter's output format changes (convert_format_version).
#include "cli/model_source.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/convert/checkpoint.hpp"
#include "engine/convert/convert.hpp"
#include "engine/error.hpp"
#include "engine/io/cache_dir.hpp"
#include "engine/net/digest.hpp"

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

std::string folder_name(const std::string& dir) {
    fs::path p = fs::path(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

}  // namespace

std::string default_gguf_cache_dir() {
    return io::require_pythia_cache_dir("gguf", "the converted-model cache").string();
}

std::string cached_gguf_path(const std::string& hf_dir, const ModelSourceOptions& opts) {
    std::vector<std::string> files = {(fs::path(hf_dir) / "config.json").string(),
                                      (fs::path(hf_dir) / "tokenizer.json").string()};
    for (const std::string& w : convert::find_weight_files(hf_dir)) files.push_back(w);
    net::Digest d(net::DigestKind::sha256);
    d.update(std::string(convert_format_version) + "\n" + dtype_label(opts.dtype) + "\n" + opts.model_id + "\n" +
             opts.revision + "\n");
    for (const std::string& f : files) {
        std::error_code ec;
        const auto size = fs::file_size(f, ec);
        if (ec) throw_io(f, "cannot read: " + ec.message());
        const auto mtime = fs::last_write_time(f, ec).time_since_epoch().count();
        d.update(fs::path(f).filename().string() + "\t" + std::to_string(size) + "\t" + std::to_string(mtime) + "\n");
    }
    const std::string dir = opts.cache_dir.empty() ? default_gguf_cache_dir() : opts.cache_dir;
    const std::string key = d.hex().substr(0, 16);
    return (fs::path(dir) / (folder_name(hf_dir) + "-" + dtype_label(opts.dtype) + "-" + key + ".gguf")).string();
}

std::string resolve_model(const std::string& arg, const ModelSourceOptions& opts) {
    std::error_code ec;
    if (fs::is_regular_file(arg, ec)) {
        // Judged by the magic, not the extension; the GGUF reader validates the rest.
        char magic[4] = {};
        if (std::FILE* f = std::fopen(arg.c_str(), "rb")) {
            const size_t got = std::fread(magic, 1, 4, f);
            std::fclose(f);
            if (got == 4 && std::memcmp(magic, "GGUF", 4) == 0) return arg;
        }
        throw_bad_input(arg, "--model", "not a GGUF file; expected a .gguf or a Hugging Face model folder");
    }
    if (!fs::is_directory(arg, ec)) throw_io(arg, "--model: no such file or folder");
    if (!fs::exists(fs::path(arg) / "config.json"))
        throw_bad_input(arg, "--model", "folder has no config.json: not a Hugging Face model folder");
    const std::string cached = cached_gguf_path(arg, opts);
    if (fs::is_regular_file(cached, ec)) return cached;
    fs::create_directories(fs::path(cached).parent_path(), ec);
    if (ec) throw_io(fs::path(cached).parent_path().string(), "cannot create the cache folder: " + ec.message());
    if (!opts.quiet)
        std::fprintf(stderr, "pythia-eval: converting %s to %s (once; later runs reuse it)\n", arg.c_str(), cached.c_str());
    convert::convert_hf_checkpoint(arg, cached, {opts.dtype, opts.model_id, opts.revision});
    return cached;
}

}  // namespace pe::cli
