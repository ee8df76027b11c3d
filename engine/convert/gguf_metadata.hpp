// The GGUF metadata a GPT-NeoX model file carries besides its tokenizer (neox-gguf-tokenizer.md
// §2.1): what `convert` and the synthetic-model maker both write, so the two files agree key for key.
#pragma once

#include <cstdint>

#include "engine/gguf/format.hpp"
#include "engine/gguf/writer.hpp"
#include "engine/model/hparams.hpp"

namespace pe::convert {

// llama.cpp's llama_ftype (general.file_type) for a file whose matrices are all of type `t`.
uint32_t llama_file_type(gguf::TensorType t);

// The gptneox.* hyper-parameter keys in the order llama.cpp's GPTNeoXModel.set_gguf_parameters
// writes them, then general.file_type for matrices of `weight_type`. rope.freq_base only when it is
// not llama.cpp's assumed 10000.
void add_hparams_keys(gguf::Writer& w, const model::HParams& hp, gguf::TensorType weight_type);

}  // namespace pe::convert
