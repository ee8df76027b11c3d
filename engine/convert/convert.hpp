// Hugging Face GPTNeoXForCausalLM folder -> GGUF in llama.cpp's gptneox convention
// (neox-gguf-tokenizer.md §2): streaming, one tensor in memory at a time, atomic output.
#pragma once

#include <optional>
#include <string>

#include "engine/gguf/format.hpp"

namespace pe::convert {

struct ConvertOptions {
    // 2-D weights' type; nullopt keeps the checkpoint's own (f16 for Pythia). Norms and biases
    // are always f32.
    std::optional<gguf::TensorType> dtype;
    std::string model_id;  // e.g. "EleutherAI/pythia-70m-deduped", recorded in general.* keys
    std::string revision;  // e.g. "step3000"
};

// Reads config.json, model.safetensors | pytorch_model.bin | their sharded *.index.json forms,
// and tokenizer.json from `hf_dir`; writes `out_path` atomically. Throws pe::Error.
void convert_hf_checkpoint(const std::string& hf_dir, const std::string& out_path,
                           const ConvertOptions& options = {});

}  // namespace pe::convert
