// The GPT-NeoX forward pass on Vulkan (neox-gguf-tokenizer.md §1.2): the model's weights on the
// device, activation buffers for a packed batch, and the recorded pass itself, which mirrors
// engine/cpu/forward.cpp op for op.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/model.hpp"
#include "engine/vulkan/ops.hpp"
#include "engine/backend/plan.hpp"

namespace pe::vulkan {

using backend::PackedBatch;

// The model's tensors on the device, laid out by the tensor table (engine/model/tensors.hpp):
// matrices as DeviceWeight, norms and biases as F32 buffers.
struct DeviceModel : model::ModelTensors<DeviceWeight, Buffer> {
    using Layer = model::LayerTensors<DeviceWeight, Buffer>;
    Buffer rope;  // (n_ctx, R/2) cos, sin

    // Device-local copies of every weight, uploaded through staging; out of memory is device_oom.
    static DeviceModel upload(Device& device, const model::Model& model);
};

// Buffers for up to `rows` packed rows, `blocks` attention blocks and `slots` scored slots.
struct Activations {
    uint32_t rows = 0, blocks = 0, slots = 0;
    Buffer ids, pos, attention_blocks, slot_list;  // host-visible inputs
    Buffer x, ln, qkv, att, attn_out, up, mlp_out;  // device
    Buffer partials;                                // device
    Buffer q8;  // device: Q8_0 activations for Ops::matmul with KernelFeatures::intdot (else empty)
    Buffer results;                                 // host-visible output (slots) SlotResult

    static Activations allocate(Device& device, const model::HParams& hp, uint32_t rows, uint32_t blocks,
                                uint32_t slots);
    bool fits(uint32_t r, uint32_t b, uint32_t s) const { return r <= rows && b <= blocks && s <= slots; }
    void upload(const PackedBatch& pb);
};

// Records the pass for pb (uploaded into act): `act.ln` ends as the hidden states after the final
// layernorm, (T, C).
void forward_hidden(Recorder& rec, Ops& ops, const model::Model& model, const DeviceModel& w, Activations& act,
                    const PackedBatch& pb);

}  // namespace pe::vulkan
