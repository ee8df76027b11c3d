// The GPT-NeoX tensor table: HF module names (spec §1.1) against llama.cpp's gptneox names (§2.2).
#include "engine/convert/tensor_plan.hpp"

#include <regex>

#include "engine/model/gptneox_names.hpp"

namespace pe::convert {

namespace names = pe::model::names;

std::vector<PlannedTensor> plan_tensors(const HfConfig& c) {
    const uint64_t C = c.n_embd, F = c.n_ff, V = c.n_vocab;
    std::vector<PlannedTensor> p;
    p.push_back({names::token_embd, "gpt_neox.embed_in.weight", {V, C}, true, false});
    for (uint32_t i = 0; i < c.n_layer; ++i) {
        const std::string hf = "gpt_neox.layers." + std::to_string(i) + ".";
        auto g = [i](const char* suffix) { return names::layer_tensor(i, suffix); };
        p.push_back({g(names::attn_norm_w), hf + "input_layernorm.weight", {C}, false, false});
        p.push_back({g(names::attn_norm_b), hf + "input_layernorm.bias", {C}, false, false});
        p.push_back({g(names::attn_qkv_w), hf + "attention.query_key_value.weight", {3 * C, C}, true, true});
        p.push_back({g(names::attn_qkv_b), hf + "attention.query_key_value.bias", {3 * C}, false, true});
        p.push_back({g(names::attn_output_w), hf + "attention.dense.weight", {C, C}, true, false});
        p.push_back({g(names::attn_output_b), hf + "attention.dense.bias", {C}, false, false});
        p.push_back({g(names::ffn_norm_w), hf + "post_attention_layernorm.weight", {C}, false, false});
        p.push_back({g(names::ffn_norm_b), hf + "post_attention_layernorm.bias", {C}, false, false});
        p.push_back({g(names::ffn_up_w), hf + "mlp.dense_h_to_4h.weight", {F, C}, true, false});
        p.push_back({g(names::ffn_up_b), hf + "mlp.dense_h_to_4h.bias", {F}, false, false});
        p.push_back({g(names::ffn_down_w), hf + "mlp.dense_4h_to_h.weight", {C, F}, true, false});
        p.push_back({g(names::ffn_down_b), hf + "mlp.dense_4h_to_h.bias", {C}, false, false});
    }
    p.push_back({names::output_norm_w, "gpt_neox.final_layer_norm.weight", {C}, false, false});
    p.push_back({names::output_norm_b, "gpt_neox.final_layer_norm.bias", {C}, false, false});
    p.push_back({names::output, "embed_out.weight", {V, C}, true, false});
    return p;
}

bool is_ignored_buffer(const std::string& hf_name) {
    // Causal-mask and rotary buffers that older transformers versions saved with the weights.
    static const std::regex buffers(
        R"(gpt_neox\.(layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)|rotary_emb\.inv_freq))");
    return std::regex_match(hf_name, buffers);
}

}  // namespace pe::convert
