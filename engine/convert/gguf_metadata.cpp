// llama_file_type / add_hparams_keys (gguf_metadata.hpp).
#include "engine/convert/gguf_metadata.hpp"

#include "engine/model/gptneox_names.hpp"

namespace pe::convert {

namespace names = model::names;

uint32_t llama_file_type(gguf::TensorType t) {
    switch (t) {
        case gguf::TensorType::f32: return 0;    // ALL_F32
        case gguf::TensorType::f16: return 1;    // MOSTLY_F16
        case gguf::TensorType::q4_0: return 2;   // MOSTLY_Q4_0
        case gguf::TensorType::q8_0: return 7;   // MOSTLY_Q8_0
        case gguf::TensorType::q6_k: return 18;  // MOSTLY_Q6_K
        case gguf::TensorType::bf16: return 32;  // MOSTLY_BF16
    }
    return 0;
}

void add_hparams_keys(gguf::Writer& w, const model::HParams& hp, gguf::TensorType weight_type) {
    w.add_u32(names::context_length, hp.n_ctx);
    w.add_u32(names::embedding_length, hp.n_embd);
    w.add_u32(names::block_count, hp.n_layer);
    w.add_u32(names::feed_forward_length, hp.n_ff);
    w.add_u32(names::rope_dimension_count, hp.n_rot);
    w.add_u32(names::head_count, hp.n_head);
    w.add_bool(names::use_parallel_residual, hp.parallel_residual);
    w.add_f32(names::layer_norm_epsilon, hp.norm_eps);
    if (hp.rope_base != 10000.0f) w.add_f32(names::rope_freq_base, hp.rope_base);
    w.add_u32(names::file_type_key, llama_file_type(weight_type));
}

}  // namespace pe::convert
