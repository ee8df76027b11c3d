// The GPT-NeoX tensor table (neox-gguf-tokenizer.md §2.2, HF module names §1.1): per tensor its GGUF
// name, its Hugging Face name, its shape in hyper-parameters, what it is (matrix or norm/bias), whether
// its rows take the fused-QKV reorder (§2.3), and where it lives in the weight structs. The model
// loader, the converter, the synthetic-model maker and both backends' weight uploads walk it, so a
// tensor added or renamed is one row here (and one member in LayerTensors/ModelTensors).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/model/hparams.hpp"

namespace pe::model {

// The weight structs, generic over how a tensor is held: model::Weight (GGUF views), a backend's
// device buffers (matrices and vectors may differ in type), ...
template <class Matrix, class Vector = Matrix>
struct LayerTensors {
    Vector attn_norm_w, attn_norm_b;  // (C) f32
    Matrix qkv_w;                     // (3C, C): [Q; K; V] blocks, heads contiguous in each
    Vector qkv_b;                     // (3C)
    Matrix attn_out_w;                // (C, C)
    Vector attn_out_b;                // (C)
    Vector ffn_norm_w, ffn_norm_b;    // (C)
    Matrix ffn_up_w;                  // (F, C)
    Vector ffn_up_b;                  // (F)
    Matrix ffn_down_w;                // (C, F)
    Vector ffn_down_b;                // (C)
};

template <class Matrix, class Vector = Matrix>
struct ModelTensors {
    Matrix token_embd;  // (Vp, C)
    std::vector<LayerTensors<Matrix, Vector>> layers;
    Vector output_norm_w, output_norm_b;  // (C)
    Matrix output;                        // (Vp, C), untied
};

// A dimension in hyper-parameters.
enum class Dim : uint8_t { none, C, C3, F, Vp };
uint64_t dim_value(Dim d, const HParams& hp);
const char* dim_name(Dim d);  // "n_embd", "3*n_embd", ...: for error messages

enum class TensorKind : uint8_t {
    embedding,    // a matrix whose rows are picked by token id
    matrix,       // multiplied by the activations
    unembedding,  // the output matrix: multiplied by the final hidden states
    norm,         // a layernorm's gain; always F32
    bias,         // always F32
};

struct TensorSpec {
    const char* gguf;         // the name, or per layer the part after "blk.<i>."
    const char* hf;           // the name, or per layer the part after "gpt_neox.layers.<i>."
    std::array<Dim, 2> dims;  // torch order, outermost first; {X} for a vector
    TensorKind kind;
    bool qkv_reorder = false;  // rows (or bias elements) go from HF [H, 3, D] to [Q; K; V]

    // Stored in the file's chosen type (quantizable); the others are always F32.
    bool is_matrix() const { return kind != TensorKind::norm && kind != TensorKind::bias; }
};

// One table row: the spec and where the tensor lives in ModelTensors (globals) or LayerTensors.
template <class Get>
struct TensorRow {
    TensorSpec spec;
    Get get;
};
template <class Get>
TensorRow(TensorSpec, Get) -> TensorRow<Get>;

// clang-format off
// In file order: input_tensors, then input_layer_tensors for blk.0 .. blk.{L-1}, then output_tensors.
inline constexpr auto input_tensors = std::tuple{
    TensorRow{TensorSpec{"token_embd.weight",  "gpt_neox.embed_in.weight",               {Dim::Vp, Dim::C}, TensorKind::embedding},   [](auto& m) -> auto& { return m.token_embd; }},
};
inline constexpr auto layer_tensors = std::tuple{
    TensorRow{TensorSpec{"attn_norm.weight",   "input_layernorm.weight",                 {Dim::C},          TensorKind::norm},        [](auto& l) -> auto& { return l.attn_norm_w; }},
    TensorRow{TensorSpec{"attn_norm.bias",     "input_layernorm.bias",                   {Dim::C},          TensorKind::bias},        [](auto& l) -> auto& { return l.attn_norm_b; }},
    TensorRow{TensorSpec{"attn_qkv.weight",    "attention.query_key_value.weight",       {Dim::C3, Dim::C}, TensorKind::matrix, true}, [](auto& l) -> auto& { return l.qkv_w; }},
    TensorRow{TensorSpec{"attn_qkv.bias",      "attention.query_key_value.bias",         {Dim::C3},         TensorKind::bias, true},  [](auto& l) -> auto& { return l.qkv_b; }},
    TensorRow{TensorSpec{"attn_output.weight", "attention.dense.weight",                 {Dim::C, Dim::C},  TensorKind::matrix},      [](auto& l) -> auto& { return l.attn_out_w; }},
    TensorRow{TensorSpec{"attn_output.bias",   "attention.dense.bias",                   {Dim::C},          TensorKind::bias},        [](auto& l) -> auto& { return l.attn_out_b; }},
    TensorRow{TensorSpec{"ffn_norm.weight",    "post_attention_layernorm.weight",        {Dim::C},          TensorKind::norm},        [](auto& l) -> auto& { return l.ffn_norm_w; }},
    TensorRow{TensorSpec{"ffn_norm.bias",      "post_attention_layernorm.bias",          {Dim::C},          TensorKind::bias},        [](auto& l) -> auto& { return l.ffn_norm_b; }},
    TensorRow{TensorSpec{"ffn_up.weight",      "mlp.dense_h_to_4h.weight",               {Dim::F, Dim::C},  TensorKind::matrix},      [](auto& l) -> auto& { return l.ffn_up_w; }},
    TensorRow{TensorSpec{"ffn_up.bias",        "mlp.dense_h_to_4h.bias",                 {Dim::F},          TensorKind::bias},        [](auto& l) -> auto& { return l.ffn_up_b; }},
    TensorRow{TensorSpec{"ffn_down.weight",    "mlp.dense_4h_to_h.weight",               {Dim::C, Dim::F},  TensorKind::matrix},      [](auto& l) -> auto& { return l.ffn_down_w; }},
    TensorRow{TensorSpec{"ffn_down.bias",      "mlp.dense_4h_to_h.bias",                 {Dim::C},          TensorKind::bias},        [](auto& l) -> auto& { return l.ffn_down_b; }},
};
inline constexpr auto output_tensors = std::tuple{
    TensorRow{TensorSpec{"output_norm.weight", "gpt_neox.final_layer_norm.weight",       {Dim::C},          TensorKind::norm},        [](auto& m) -> auto& { return m.output_norm_w; }},
    TensorRow{TensorSpec{"output_norm.bias",   "gpt_neox.final_layer_norm.bias",         {Dim::C},          TensorKind::bias},        [](auto& m) -> auto& { return m.output_norm_b; }},
    TensorRow{TensorSpec{"output.weight",      "embed_out.weight",                       {Dim::Vp, Dim::C}, TensorKind::unembedding}, [](auto& m) -> auto& { return m.output; }},
};
// clang-format on

// One tensor of a model: its spec and its layer (-1 for the global ones).
struct TensorRef {
    const TensorSpec& spec;
    int layer = -1;

    std::string gguf_name() const;  // "blk.3.attn_qkv.weight"
    std::string hf_name() const;    // "gpt_neox.layers.3.attention.query_key_value.weight"
    std::vector<Dim> dims() const;  // torch order, outermost first
    std::vector<uint64_t> shape(const HParams& hp) const;  // torch order
    std::vector<uint64_t> ne(const HParams& hp) const;     // GGUF order: ne[0] innermost
};

// fn(TensorRef) for every tensor of an n_layer model, in file order.
template <class Fn>
void for_each_tensor_spec(uint32_t n_layer, Fn&& fn) {
    auto each = [&](const auto& rows, int layer) {
        std::apply([&](const auto&... row) { (fn(TensorRef{row.spec, layer}), ...); }, rows);
    };
    each(input_tensors, -1);
    for (uint32_t i = 0; i < n_layer; ++i) each(layer_tensors, int(i));
    each(output_tensors, -1);
}

// fn(TensorRef, tensor&...) for every tensor, in file order, with that tensor of each of `ms`
// (ModelTensors of any holder types, const or not, with the same number of layers): one model's
// tensors, or a source and the copy being made of it.
template <class Fn, class... Tensors>
void for_each_tensor(Fn&& fn, Tensors&... ms) {
    auto each = [&](const auto& rows, int layer, auto&... holders) {
        auto one = [&](const auto& row) { fn(TensorRef{row.spec, layer}, row.get(holders)...); };
        std::apply([&](const auto&... row) { (one(row), ...); }, rows);
    };
    each(input_tensors, -1, ms...);
    const size_t n_layers = std::get<0>(std::tie(ms...)).layers.size();
    for (size_t i = 0; i < n_layers; ++i) each(layer_tensors, int(i), ms.layers[i]...);
    each(output_tensors, -1, ms...);
}

}  // namespace pe::model
