// Resolves a --model argument to a GGUF path: an existing .gguf is used as is; a Hugging Face
// GPT-NeoX folder (config.json + weights) is converted once into a cache and the cached file reused.
#pragma once

#include <optional>
#include <string>

#include "engine/gguf/format.hpp"

namespace pe::cli {

struct ModelSourceOptions {
    std::optional<gguf::TensorType> dtype;  // for a converted folder; nullopt keeps the checkpoint's
    std::string cache_dir;                  // empty: default_gguf_cache_dir()
    std::string model_id, revision;         // recorded in the GGUF when converting (general.source.*)
    bool quiet = false;                     // no "converting ..." line on stderr
};

// $XDG_CACHE_HOME/pythia-eval/gguf, else ~/.cache/pythia-eval/gguf.
std::string default_gguf_cache_dir();

// The cache file a folder converts to: "<folder>-<dtype>-<key>.gguf", where key hashes the names,
// sizes and modification times of config.json, tokenizer.json and the weight files, and the dtype.
std::string cached_gguf_path(const std::string& hf_dir, const ModelSourceOptions& opts);

// Throws pe::Error for anything that is neither a .gguf file nor a convertible folder.
std::string resolve_model(const std::string& arg, const ModelSourceOptions& opts = {});

}  // namespace pe::cli
