// The GPT-NeoX forward pass on Vulkan (neox-gguf-tokenizer.md §1.2-§1.6), read top to bottom as
// engine/cpu/forward.cpp: embed, then per layer x = x + attn(ln1(x)) + mlp(ln2(x)), then the final
// layernorm. Same ops, same order, same names; rows are packed sequences (pack.hpp).
#include "engine/vulkan/forward.hpp"

#include <algorithm>
#include <type_traits>

namespace pe::vulkan {

DeviceModel DeviceModel::upload(Device& device, const model::Model& model) {
    DeviceModel d;
    d.layers.resize(model.layers.size());
    model::for_each_tensor(
        [&](const model::TensorRef&, auto& on_device, const model::Weight& w) {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(on_device)>, DeviceWeight>)
                on_device = upload_weight(device, w);
            else
                on_device = upload_vector(device, w);
        },
        d, static_cast<const model::ModelWeights&>(model));
    const auto& hp = model.hparams();
    const auto table = rope_table(hp.n_ctx, hp.n_rot, hp.rope_base);
    d.rope = Buffer(device, table.size() * 4);
    d.rope.upload(std::as_bytes(std::span(table)));
    return d;
}

Activations Activations::allocate(Device& device, const model::HParams& hp, uint32_t rows, uint32_t blocks,
                                  uint32_t slots) {
    const uint64_t C = hp.n_embd, F = hp.n_ff, R = rows;
    Activations a;
    a.rows = rows;
    a.blocks = blocks;
    a.slots = slots;
    a.ids = Buffer(device, R * 4, MemoryUse::host);
    a.pos = Buffer(device, R * 4, MemoryUse::host);
    a.attention_blocks = Buffer(device, uint64_t(blocks) * sizeof(AttentionBlock), MemoryUse::host);
    a.slot_list = Buffer(device, uint64_t(slots) * 8, MemoryUse::host);
    a.x = Buffer(device, R * C * 4);
    a.ln = Buffer(device, R * C * 4);
    a.qkv = Buffer(device, R * 3 * C * 4);
    a.att = Buffer(device, R * C * 4);
    a.attn_out = Buffer(device, R * C * 4);
    a.up = Buffer(device, R * F * 4);
    a.mlp_out = Buffer(device, R * C * 4);
    a.partials = Buffer(device, Ops::partial_bytes(slots, hp.n_vocab));
    if (device.features().intdot) a.q8 = Buffer(device, Ops::q8_scratch_bytes(rows, std::max(C, F)));
    a.results = Buffer(device, uint64_t(slots) * sizeof(SlotResult), MemoryUse::host);
    return a;
}

void Activations::upload(const PackedBatch& pb) {
    ids.upload(std::as_bytes(std::span(pb.ids)));
    pos.upload(std::as_bytes(std::span(pb.pos)));
    attention_blocks.upload(std::as_bytes(std::span(pb.blocks)));
    slot_list.upload(std::as_bytes(std::span(pb.slots)));
}

void forward_hidden(Recorder& rec, Ops& ops, const model::Model& model, const DeviceModel& w, Activations& a,
                    const PackedBatch& pb) {
    const model::HParams& hp = model.hparams();
    const uint32_t T = pb.n_rows(), C = hp.n_embd, F = hp.n_ff;
    const uint32_t H = hp.n_head, D = hp.head_dim(), R = hp.n_rot;
    const uint32_t n = T * C;
    const uint32_t n_blocks = uint32_t(pb.blocks.size());
    const Buffer* q8 = a.q8.valid() ? &a.q8 : nullptr;

    ops.embed(rec, w.token_embd, a.ids, a.x, T);
    rec.barrier();
    for (const DeviceModel::Layer& l : w.layers) {
        // Attention branch on ln1(x).
        ops.layernorm(rec, a.x, l.attn_norm_w, l.attn_norm_b, a.ln, T, C, hp.norm_eps);
        rec.barrier();
        ops.matmul(rec, a.ln, l.qkv_w, &l.qkv_b, a.qkv, T, 0, q8);
        rec.barrier();
        ops.qkv_rotary(rec, a.qkv, a.pos, w.rope, T, H, D, R);
        rec.barrier();
        ops.attention(rec, a.qkv, a.attention_blocks, n_blocks, a.att, H, D);
        rec.barrier();
        ops.matmul(rec, a.att, l.attn_out_w, &l.attn_out_b, a.attn_out, T, 0, q8);

        // MLP branch on ln2(x) (parallel residual), or on ln2(x + attn) in the sequential form.
        if (!hp.parallel_residual) {
            rec.barrier();
            ops.add(rec, a.attn_out, a.x, a.x, n);
            rec.barrier();
        }
        ops.layernorm(rec, a.x, l.ffn_norm_w, l.ffn_norm_b, a.ln, T, C, hp.norm_eps);
        rec.barrier();
        ops.matmul(rec, a.ln, l.ffn_up_w, &l.ffn_up_b, a.up, T, 0, q8);
        rec.barrier();
        ops.gelu_erf(rec, a.up, T * F);
        rec.barrier();
        ops.matmul(rec, a.up, l.ffn_down_w, &l.ffn_down_b, a.mlp_out, T, 0, q8);
        rec.barrier();

        // x = mlp + attn + x, summed in that order as HF's GPTNeoXLayer does (§1.2).
        if (hp.parallel_residual) {
            ops.add(rec, a.mlp_out, a.attn_out, a.mlp_out, n);
            rec.barrier();
        }
        ops.add(rec, a.mlp_out, a.x, a.x, n);
        rec.barrier();
    }
    ops.layernorm(rec, a.x, w.output_norm_w, w.output_norm_b, a.ln, T, C, hp.norm_eps);
    rec.barrier();
}

}  // namespace pe::vulkan
