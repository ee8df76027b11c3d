// Random-weight GPT-NeoX GGUFs in Pythia shapes (neox-gguf-tokenizer.md §1.8) for tests, bench and
// measurements: deterministic per seed, independent of the stored dtype (an f16 or q8_0 file holds
// the same values as the f32 one, rounded), written with the GGUF Writer (temp + rename).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/format.hpp"
#include "engine/model/model.hpp"

namespace pe::convert {

struct SynthShape {
    std::string name;
    model::HParams hparams;  // n_vocab is the padded Pythia vocabulary, 50304
};

// "tiny" (the tiny-neox fixture's shape: 3 layers, C 128), "14m", "70m", "160m", "410m".
std::optional<SynthShape> synth_shape(std::string_view name);
std::vector<std::string> synth_shape_names();

struct SynthOptions {
    SynthShape shape;
    gguf::TensorType dtype = gguf::TensorType::f32;  // of the 2-D weights; norms and biases are f32
    uint64_t seed = 0;
    std::string tokenizer_json;  // non-empty: also write its tokenizer.ggml.* keys (as convert does)
};

// Weight scales, chosen so activations stay O(1) and logits are spread (std ≈ 2), not uniform:
//   token_embd N(0, 1); attn_qkv, ffn_up N(0, 1/C); attn_output N(0, 1/(2L·C)); ffn_down
//   N(0, 1/(2L·F)); output N(0, 4/C); layernorm weights 1 + N(0, 0.05²); biases N(0, 0.02²).
void write_synthetic_gguf(const std::string& path, const SynthOptions& options);

}  // namespace pe::convert
