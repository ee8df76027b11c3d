// A GPT-NeoX model read from a GGUF in llama.cpp's gptneox convention (neox-gguf-tokenizer.md §2):
// hyper-parameters checked against every tensor's shape, and zero-copy views of the weights.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/gguf/reader.hpp"

namespace pe::model {

struct HParams {
    uint32_t n_vocab = 0;  // padded vocab Vp = token_embd ne[1] (50304 for most Pythia sizes)
    uint32_t n_ctx = 2048;
    uint32_t n_embd = 0;   // C
    uint32_t n_layer = 0;  // L
    uint32_t n_head = 0;   // H
    uint32_t n_rot = 0;    // R, rotary dims per head
    uint32_t n_ff = 0;     // F
    float norm_eps = 1e-5f;
    float rope_base = 10000.0f;
    bool parallel_residual = true;
    uint32_t head_dim() const { return n_embd / n_head; }  // D
};

// A weight as stored: row r of a 2-D weight is ne[0] contiguous elements (one output feature).
struct Weight {
    std::string name;
    gguf::TensorType type = gguf::TensorType::f32;
    std::vector<uint64_t> ne;
    std::span<const std::byte> data;
    uint64_t cols() const { return ne.empty() ? 0 : ne[0]; }
    uint64_t rows() const { return ne.size() > 1 ? ne[1] : 1; }
};

struct LayerWeights {
    Weight attn_norm_w, attn_norm_b;  // (C) f32
    Weight qkv_w, qkv_b;              // (3C, C), (3C): [Q; K; V] blocks, heads contiguous in each
    Weight attn_out_w, attn_out_b;    // (C, C), (C)
    Weight ffn_norm_w, ffn_norm_b;    // (C)
    Weight ffn_up_w, ffn_up_b;        // (F, C), (F)
    Weight ffn_down_w, ffn_down_b;    // (C, F), (C)
};

class Model {
public:
    // Reads and validates a gptneox GGUF: architecture, hyper-parameters, every tensor's presence,
    // type and shape. Throws pe::Error naming the file and the offending key or tensor.
    static Model load(const std::string& path);
    static Model from_reader(gguf::Reader reader);

    const HParams& hparams() const { return hparams_; }
    const gguf::Reader& gguf() const { return reader_; }
    const std::string& path() const { return reader_.path(); }
    std::string name() const;  // general.name, else the file stem

    Weight token_embd;               // (Vp, C)
    std::vector<LayerWeights> layers;
    Weight output_norm_w, output_norm_b;
    Weight output;                   // (Vp, C), untied

private:
    explicit Model(gguf::Reader reader) : reader_(std::move(reader)) {}
    gguf::Reader reader_;
    HParams hparams_;
};

}  // namespace pe::model
