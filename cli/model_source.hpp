// The GGUF a model identity is evaluated from: a .gguf as given, or a Hugging Face folder
// converted once into the converted-GGUF cache and reused. The cache holds one GGUF per distinct
// content (weights, config, tokenizer hashes: ModelIdentity::content_key) and output type, never
// one per path; `pythia-eval cache list|prune` (cli/cache.cpp) shows and trims it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "engine/gguf/format.hpp"
#include "results/model_identity.hpp"

namespace pe::cli {

struct ModelSourceOptions {
    std::optional<gguf::TensorType> dtype;  // for a converted folder; nullopt keeps the checkpoint's
    std::string cache_dir;                  // empty: default_gguf_cache_dir()
    bool quiet = false;                     // no "converting ..." line on stderr
};

// $XDG_CACHE_HOME/pythia-eval/gguf, else ~/.cache/pythia-eval/gguf.
std::string default_gguf_cache_dir();

// "<cache>/<key>-<dtype>.gguf": key = the first 16 hex digits of sha256(converter format version,
// dtype, content key). Beside it "<key>-<dtype>.json" records the model's name, weights hash, the
// folders it was converted from and when it was last used (for `cache list|prune`).
std::string cached_gguf_path(const results::ModelIdentity& id, const ModelSourceOptions& opts);

// The record beside a cache entry ("<key>-<dtype>.json").
std::filesystem::path cache_record_path(const std::filesystem::path& gguf);

// Names, sizes and modification times of a folder's config, tokenizer and weight files, or "gone".
// Only tells `cache prune` that a source folder changed since; never decides reuse (content does).
std::string source_fingerprint(const std::filesystem::path& folder);

// The identity's GGUF: its own path for source "gguf", else the cache entry (converted under a
// lock when absent, so two processes convert once).
std::string model_gguf(const results::ModelIdentity& id, const ModelSourceOptions& opts = {});

// A local --model must be a GGUF file (judged by its magic) or a folder with config.json; else
// pe::Error naming the path and what it expected.
void check_model_path(const std::string& arg);

// For commands that take a local path only (forward, bench): resolves its identity and returns
// model_gguf. Throws pe::Error for anything that is neither a .gguf file nor a convertible folder.
std::string resolve_model(const std::string& arg, const ModelSourceOptions& opts = {});

}  // namespace pe::cli
