// config.json of a Hugging Face GPTNeoXForCausalLM checkpoint (neox-gguf-tokenizer.md §1.1, §1.4, §1.8):
// the hyper-parameters the GGUF metadata needs, each checked for presence and type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/model/hparams.hpp"

namespace pe::convert {

struct HfConfig {
    uint32_t n_embd = 0;      // hidden_size (C)
    uint32_t n_layer = 0;     // num_hidden_layers (L)
    uint32_t n_head = 0;      // num_attention_heads (H)
    uint32_t n_ff = 0;        // intermediate_size (F)
    uint32_t n_vocab = 0;     // vocab_size (padded, Vp)
    uint32_t n_ctx = 0;       // max_position_embeddings
    double rotary_pct = 0;    // rotary_pct | partial_rotary_factor
    double rope_base = 0;     // rotary_emb_base | rope_theta
    double norm_eps = 0;      // layer_norm_eps
    bool parallel_residual = true;
    uint32_t bos_token_id = 0;  // Pythia: 0 = <|endoftext|>
    uint32_t eos_token_id = 0;
    std::string torch_dtype;  // "float16", ... (empty when absent)
    uint32_t head_dim() const { return n_embd / n_head; }
    // llama.cpp's rope.dimension_count: int(rotary_pct * (hidden_size // num_attention_heads)).
    uint32_t n_rot() const { return uint32_t(rotary_pct * double(head_dim())); }
    model::HParams hparams() const;  // as the GGUF will state them
};

HfConfig parse_hf_config(std::string_view json, const std::string& file);
HfConfig read_hf_config(const std::string& path);

}  // namespace pe::convert
