// Hugging Face GPTNeoXForCausalLM folder -> GGUF in llama.cpp's gptneox convention
// (neox-gguf-tokenizer.md §2): streaming, one tensor in memory at a time, atomic output.
#pragma once

#include <optional>
#include <string>

#include "engine/gguf/format.hpp"

namespace pe::convert {

// Where a converted GGUF came from, read back by cli/model_identity to name results.
// general.source.* follow ggml docs/gguf.md ("general.source.url",
// "general.source.huggingface.repository"); the revision key is ours, named alongside.
inline constexpr const char* source_url_key = "general.source.url";
inline constexpr const char* source_repo_key = "general.source.huggingface.repository";
inline constexpr const char* source_revision_key = "general.source.revision";

struct ConvertOptions {
    // 2-D weights' type; nullopt keeps the checkpoint's own (f16 for Pythia). Norms and biases
    // are always f32.
    std::optional<gguf::TensorType> dtype;
    std::string model_id;  // e.g. "EleutherAI/pythia-70m-deduped", recorded in general.* keys
    std::string revision;  // e.g. "step3000" (`convert --step N` records "stepN")
};

// Reads config.json, model.safetensors | pytorch_model.bin | their sharded *.index.json forms,
// and tokenizer.json from `hf_dir`; writes `out_path` atomically. Throws pe::Error.
void convert_hf_checkpoint(const std::string& hf_dir, const std::string& out_path,
                           const ConvertOptions& options = {});

}  // namespace pe::convert
