// The Vulkan ops of the GPT-NeoX forward pass, one function per op with the name and argument order
// of its CPU reference (engine/cpu/ops.hpp); each records its dispatches into a Recorder. Weights
// live on the device as stored (DeviceWeight); F32, F16, BF16 and Q8_0 are dequantized in the shaders.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "engine/backend/plan.hpp"
#include "engine/gguf/format.hpp"
#include "engine/model/model.hpp"
#include "engine/vulkan/buffer.hpp"
#include "engine/vulkan/kernel.hpp"
#include "engine/vulkan/recorder.hpp"

namespace pe::vulkan {

// A 2-D weight (rows, cols) on the device. Q8_0 blocks {f16 d; int8 q[32]} are split at upload into
// `data` (the int8 quants, row-major) and `scales` (the f16 d's), so every shader load is aligned.
struct DeviceWeight {
    std::string name;
    gguf::TensorType type = gguf::TensorType::f32;
    uint64_t rows = 0, cols = 0;
    Buffer data, scales;
    uint64_t data_row_bytes() const;
    uint64_t scale_row_bytes() const;  // 0 unless Q8_0
};

// Throws unsupported for types the shaders do not read (Q4_0, Q6_K) and bad_input for a row
// length the shaders cannot take (cols % 4 != 0).
DeviceWeight upload_weight(Device& device, const model::Weight& w);
// A 1-D F32 weight (norms, biases).
Buffer upload_vector(Device& device, const model::Weight& w);

// (n_ctx, R/2) pairs (cos, sin) of th = pos * inv_freq_i, fp32 as cpu::qkv_rotary computes them.
std::vector<float> rope_table(uint32_t n_ctx, uint32_t R, float base);

using backend::AttentionBlock;

// What unembed_logprob returns per scored slot (shaders/unembed_logprob_reduce.comp).
struct SlotResult {
    float logprob;
    uint32_t is_argmax;
    uint32_t ambiguous;  // fp16 only: an fp16 tie at the top; the caller decides from full logits
    float lse;
};

class Ops {
public:
    explicit Ops(Device& device);

    void embed(Recorder& rec, const DeviceWeight& table, const Buffer& ids, Buffer& x, uint32_t T);
    void layernorm(Recorder& rec, const Buffer& x, const Buffer& w, const Buffer& b, Buffer& y, uint32_t T,
                   uint32_t C, float eps);
    // y(T, ldy)[:, y_col + n] = x(T, w.cols) . w[n] + b[n]; b may be null. ldy 0: w.rows.
    // With KernelFeatures::intdot, a Q8_0 weight and a q8_scratch of q8_scratch_bytes(T, w.cols), x is
    // quantized to Q8_0 there and multiplied by packed int8 dot products; otherwise in fp32.
    void matmul(Recorder& rec, BufferRange x, const DeviceWeight& w, const Buffer* b, BufferRange y, uint32_t T,
                uint32_t ldy = 0, const Buffer* q8_scratch = nullptr);
    static uint64_t q8_scratch_bytes(uint32_t rows, uint64_t K);
    void qkv_rotary(Recorder& rec, Buffer& qkv, const Buffer& pos, const Buffer& rope, uint32_t T, uint32_t H,
                    uint32_t D, uint32_t R);
    void attention(Recorder& rec, const Buffer& qkv, const Buffer& blocks, uint32_t n_blocks, Buffer& out,
                   uint32_t H, uint32_t D);
    void gelu_erf(Recorder& rec, Buffer& x, uint32_t n);
    void add(Recorder& rec, const Buffer& a, const Buffer& b, Buffer& y, uint32_t n);  // y may be a or b
    // slots (S) {row of h, target}; partials sized by partial_bytes(); results (S) SlotResult. fp32: the
    // log-prob summed as lm-eval's CPU log_softmax (backend::TorchLanes) by a second, in-order pass.
    void unembed_logprob(Recorder& rec, const Buffer& h, const DeviceWeight& out, const Buffer& slots, uint32_t S,
                         Buffer& partials, Buffer& results, bool fp16);

    uint32_t attention_block_rows(uint32_t D) const;  // QB: query rows per attention block
    // false: storage-buffer loads only (the path for devices with small texel buffers; tests use it).
    void allow_texels(bool allow) { allow_texels_ = allow; }
    // The optional features the kernels may use: `allowed` and what the device enabled (the default).
    void use_features(const KernelFeatures& allowed);
    const KernelFeatures& features() const { return features_; }
    static uint64_t partial_bytes(uint32_t S, uint64_t Vp);
    Device& device() { return *device_; }

private:
    Kernel& kernel(ShaderId id, uint32_t n_buffers, uint32_t push_bytes, std::vector<uint32_t> spec = {},
                   uint32_t texel_mask = 0);
    uint64_t rows_per_binding(const DeviceWeight& w, uint64_t multiple, bool texels) const;
    bool use_texels(uint64_t x_texels) const;
    std::string weight_variant(const DeviceWeight& w, bool texels) const;  // "f16_s16", "q8_0_tx", ...
    Device* device_;
    Buffer dummy_;
    bool allow_texels_ = true;
    KernelFeatures features_;
    std::map<std::pair<uint32_t, std::vector<uint32_t>>, std::unique_ptr<Kernel>> kernels_;
};

}  // namespace pe::vulkan
