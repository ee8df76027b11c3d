// The converter's walk of the GPT-NeoX tensor table (engine/model/tensors.hpp), HF names to GGUF names.
#include "engine/convert/tensor_plan.hpp"

#include <regex>

#include "engine/model/tensors.hpp"

namespace pe::convert {

std::vector<PlannedTensor> plan_tensors(const HfConfig& c) {
    const model::HParams hp = c.hparams();
    std::vector<PlannedTensor> p;
    model::for_each_tensor_spec(c.n_layer, [&](const model::TensorRef& t) {
        p.push_back({t.gguf_name(), t.hf_name(), t.shape(hp), t.spec.is_matrix(), t.spec.qkv_reorder});
    });
    return p;
}

bool is_ignored_buffer(const std::string& hf_name) {
    // Causal-mask and rotary buffers that older transformers versions saved with the weights.
    static const std::regex buffers(
        R"(gpt_neox\.(layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)|rotary_emb\.inv_freq))");
    return std::regex_match(hf_name, buffers);
}

}  // namespace pe::convert
