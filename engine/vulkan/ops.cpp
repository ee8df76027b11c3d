// Vulkan ops: weight upload (Q8_0 split into quants and scales), and one recording function per op
// (shaders/<op>.comp), with the tile and workgroup sizes those shaders are specialized to.
#include "engine/vulkan/ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace pe::vulkan {

namespace {

// The tile and workgroup sizes of the kernels, written here only: each reaches its shader as
// specialization constants (the shader declares them with layout(constant_id = N), the workgroup
// width also as local_size_x_id), and the dispatch arithmetic below reads the same values.

// A tiled kernel's workgroup: `lanes` invocations, each `cols_per_lane` output columns (weight rows) of
// `rows` rows; constant_id 0 BM = rows, 1 TN = cols_per_lane, 2 LANES = lanes.
struct Tile {
    uint32_t rows, cols_per_lane, lanes;
    constexpr uint32_t cols() const { return cols_per_lane * lanes; }
    std::vector<uint32_t> spec() const { return {rows, cols_per_lane, lanes}; }
};
constexpr Tile matmul_tile{32, 4, 64};   // matmul.comp
constexpr Tile intdot_tile{16, 4, 64};   // matmul_q8_0_dot.comp
// unembed_logprob_partial.comp: rows (slots) <= lanes, one merging invocation per slot; lanes / 4
// shared entries per slot for subgroups of at least 4 (DeviceInfo::subgroup_arithmetic).
constexpr Tile unembed_tile{16, 4, 64};
// attention.comp's constant_id 2: lanes per workgroup (its 0 and 1 are D/4 and attention_block_rows).
constexpr uint32_t attention_lanes = 8;
// Workgroup widths (constant_id 0) of the one-invocation-per-element kernels.
constexpr uint32_t elementwise_lanes = 256;  // gelu_erf.comp, add.comp
constexpr uint32_t row_lanes = 64;           // embed.comp, qkv_rotary.comp, quantize_q8_0.comp
constexpr uint32_t reduce_lanes = 64;        // unembed_logprob_reduce.comp, one invocation per slot

constexpr uint64_t scratch_align = 256;  // >= every device's minStorageBufferOffsetAlignment
constexpr uint32_t partial_struct_bytes = 32;
// unembed_logprob_lanes.comp: 8 slots x 8 lanes per workgroup (fixed: the lane count is PyTorch's AVX2
// vector width, backend::TorchLanes); 8 fp32 lane sums per slot kept between row chunks.
constexpr uint32_t lanes_slots = 8;
constexpr uint64_t lanes_bytes = 8 * 4;

ShaderId shader_by_name(const std::string& name) {
    for (uint32_t i = 0; i < std::size(shader_names); ++i)
        if (shader_names[i] == name) return ShaderId(i);
    throw pe::Error(ErrorKind::internal, "", "shaders", "no shader named " + name);
}

VkFormat texel_format(gguf::TensorType t) {
    switch (t) {
        case gguf::TensorType::f32: return VK_FORMAT_R32G32B32A32_SFLOAT;
        case gguf::TensorType::f16: return VK_FORMAT_R16G16B16A16_SFLOAT;
        case gguf::TensorType::bf16: return VK_FORMAT_R32G32_UINT;
        default: return VK_FORMAT_R8G8B8A8_SINT;  // q8_0 quants
    }
}

std::string type_suffix(gguf::TensorType t) {
    switch (t) {
        case gguf::TensorType::f32: return "f32";
        case gguf::TensorType::f16: return "f16";
        case gguf::TensorType::bf16: return "bf16";
        case gguf::TensorType::q8_0: return "q8_0";
        default: return "";
    }
}

// The Q8_0 scratch: int8 quants (rows, K), then from this aligned offset the f32 scales (rows, K/32).
uint64_t q8_scales_offset(uint32_t rows, uint64_t K) {
    return (uint64_t(rows) * K + scratch_align - 1) / scratch_align * scratch_align;
}

uint32_t ceil_div(uint64_t a, uint64_t b) { return uint32_t((a + b - 1) / b); }

// The scales of rows [r0, r0 + n) of a Q8_0 weight (whole uints), or the placeholder of other types.
BufferRange scale_range(const DeviceWeight& w, uint64_t r0, uint64_t n) {
    if (w.type != gguf::TensorType::q8_0) return BufferRange(w.scales);
    const uint64_t offset = r0 * w.scale_row_bytes();
    return BufferRange(w.scales, offset, std::min((n * w.scale_row_bytes() + 3) / 4 * 4, w.scales.size() - offset));
}

// Rows [r0, r0 + n) of a weight as its two bindings (data, Q8_0 scales), as texel views when
// `texels` (the uniform-texel-buffer path lavapipe fetches fastest).
struct WeightRows {
    BufferRange data, scales;
};
WeightRows weight_rows(const DeviceWeight& w, uint64_t r0, uint64_t n, bool texels) {
    WeightRows r{BufferRange(w.data, r0 * w.data_row_bytes(), n * w.data_row_bytes()), scale_range(w, r0, n)};
    if (texels) {
        r.data = r.data.as_texels(texel_format(w.type));
        if (w.type == gguf::TensorType::q8_0) r.scales = r.scales.as_texels(VK_FORMAT_R16_SFLOAT);
    }
    return r;
}

template <class... T>
std::vector<std::byte> push_bytes(T... values) {
    std::vector<std::byte> out(sizeof...(T) * 4);
    size_t at = 0;
    ((std::memcpy(out.data() + at, &values, 4), at += 4), ...);
    return out;
}

}  // namespace

uint64_t DeviceWeight::data_row_bytes() const {
    switch (type) {
        case gguf::TensorType::f32: return cols * 4;
        case gguf::TensorType::q8_0: return cols;
        default: return cols * 2;
    }
}

uint64_t DeviceWeight::scale_row_bytes() const { return type == gguf::TensorType::q8_0 ? cols / 16 : 0; }

DeviceWeight upload_weight(Device& device, const model::Weight& w) {
    DeviceWeight d;
    d.name = w.name;
    d.type = w.type;
    d.rows = w.rows();
    d.cols = w.cols();
    if (type_suffix(w.type).empty())
        throw pe::Error(ErrorKind::unsupported, "", w.name,
                        fmt::format("the Vulkan backend reads F32, F16, BF16 and Q8_0 weights, not {}",
                                    gguf::type_traits(w.type).name));
    if (d.cols % 4 != 0 || (w.type == gguf::TensorType::q8_0 && d.cols % 32 != 0))
        throw pe::Error(ErrorKind::unsupported, "", w.name,
                        fmt::format("rows of {} elements; the Vulkan backend needs a multiple of 4", d.cols));
    if (w.type != gguf::TensorType::q8_0) {
        d.data = Buffer(device, w.data.size());
        d.data.upload(w.data);
        d.scales = Buffer(device, 16);
        return d;
    }
    const uint64_t n_blocks = d.rows * d.cols / 32;
    std::vector<std::byte> quants(n_blocks * 32), scales(n_blocks * 2);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        std::memcpy(&scales[b * 2], &w.data[b * 34], 2);
        std::memcpy(&quants[b * 32], &w.data[b * 34 + 2], 32);
    }
    d.data = Buffer(device, quants.size());
    d.data.upload(quants);
    scales.resize((scales.size() + 3) / 4 * 4);  // the shader reads whole uints
    d.scales = Buffer(device, scales.size());
    d.scales.upload(scales);
    return d;
}

Buffer upload_vector(Device& device, const model::Weight& w) {
    if (w.type != gguf::TensorType::f32)
        throw pe::Error(ErrorKind::unsupported, "", w.name, "expected an F32 vector");
    Buffer b(device, w.data.size());
    b.upload(w.data);
    return b;
}

std::vector<float> rope_table(uint32_t n_ctx, uint32_t R, float base) {
    const uint32_t half = R / 2;
    std::vector<float> inv_freq(half);
    for (uint32_t i = 0; i < half; ++i) inv_freq[i] = 1.0f / std::pow(base, float(2 * i) / float(R));
    std::vector<float> table(size_t(n_ctx) * half * 2);
    for (uint32_t p = 0; p < n_ctx; ++p)
        for (uint32_t i = 0; i < half; ++i) {
            const float theta = float(p) * inv_freq[i];
            table[(size_t(p) * half + i) * 2] = std::cos(theta);
            table[(size_t(p) * half + i) * 2 + 1] = std::sin(theta);
        }
    return table;
}

Ops::Ops(Device& device) : device_(&device), dummy_(device, 16), features_(device.features()) {}

void Ops::use_features(const KernelFeatures& allowed) { features_ = allowed & device_->features(); }

std::string Ops::weight_variant(const DeviceWeight& w, bool texels) const {
    if (texels) return type_suffix(w.type) + "_tx";
    if (w.type == gguf::TensorType::f16 && features_.storage16) return "f16_s16";
    return type_suffix(w.type);
}

Kernel& Ops::kernel(ShaderId id, uint32_t n_buffers, uint32_t push, std::vector<uint32_t> spec, uint32_t texel_mask) {
    auto key = std::make_pair(uint32_t(id), spec);
    auto it = kernels_.find(key);
    if (it == kernels_.end())
        it = kernels_.emplace(key, std::make_unique<Kernel>(*device_, id, n_buffers, push, std::move(spec), texel_mask))
                 .first;
    return *it->second;
}

bool Ops::use_texels(uint64_t x_texels) const {
    // Texel fetches beat storage-buffer loads on lavapipe (measured), so CPU devices take them, as
    // do GPUs without 16-bit storage; GPUs with it load F16 weights from storage buffers as llama.cpp
    // does. Either way the texel buffers must be large enough for our bindings (the guaranteed
    // minimum, 65536 texels, is not).
    const uint64_t limit = device_->limits().maxTexelBufferElements;
    const bool prefer = device_->info().type == "cpu" || !features_.storage16;
    return allow_texels_ && prefer && limit >= (uint64_t(1) << 22) && x_texels <= limit;
}

uint64_t Ops::rows_per_binding(const DeviceWeight& w, uint64_t multiple, bool texels) const {
    const uint64_t limit = device_->limits().maxStorageBufferRange;
    uint64_t rows = limit / std::max<uint64_t>(w.data_row_bytes(), 1);
    if (texels) rows = std::min<uint64_t>(rows, device_->limits().maxTexelBufferElements / std::max<uint64_t>(w.cols / 4, 1));
    rows = rows / multiple * multiple;
    if (rows == 0)
        throw pe::Error(ErrorKind::unsupported, "", w.name, "a single row exceeds the device's storage buffer range");
    return std::min<uint64_t>(rows, w.rows);
}

void Ops::embed(Recorder& rec, const DeviceWeight& table, const Buffer& ids, Buffer& x, uint32_t T) {
    Kernel& k = kernel(shader_by_name("embed_" + weight_variant(table, false)), 4, 16, {row_lanes});
    const uint32_t C4 = uint32_t(table.cols / 4);
    const uint64_t chunk = rows_per_binding(table, 256, false);
    for (uint64_t r0 = 0; r0 < table.rows; r0 += chunk) {
        const uint64_t n = std::min(chunk, table.rows - r0);
        const WeightRows rows = weight_rows(table, r0, n, false);
        rec.dispatch(k, {ids, rows.data, rows.scales, x},
                     push_bytes(T, C4, uint32_t(r0), uint32_t(n)), {ceil_div(C4, row_lanes), T, 1});
    }
}

void Ops::layernorm(Recorder& rec, const Buffer& x, const Buffer& w, const Buffer& b, Buffer& y, uint32_t T,
                    uint32_t C, float eps) {
    Kernel& k = kernel(features_.subgroups ? ShaderId::layernorm_sg : ShaderId::layernorm, 4, 8);
    rec.dispatch(k, {x, w, b, y}, push_bytes(C, eps), {T, 1, 1});
}

uint64_t Ops::q8_scratch_bytes(uint32_t rows, uint64_t K) { return q8_scales_offset(rows, K) + uint64_t(rows) * (K / 32) * 4; }

void Ops::matmul(Recorder& rec, BufferRange x, const DeviceWeight& w, const Buffer* b, BufferRange y, uint32_t T,
                 uint32_t ldy, const Buffer* q8_scratch) {
    if (ldy == 0) ldy = uint32_t(w.rows);
    const uint32_t K4 = uint32_t(w.cols / 4);
    if (features_.intdot && w.type == gguf::TensorType::q8_0 && q8_scratch) {
        if (q8_scratch->size() < q8_scratch_bytes(T, w.cols))
            throw pe::Error(ErrorKind::internal, "", w.name, "Q8_0 activation scratch too small");
        const uint32_t KB = K4 / 8;
        const BufferRange qx(*q8_scratch, 0, uint64_t(T) * K4 * 4),
            dx(*q8_scratch, q8_scales_offset(T, w.cols), uint64_t(T) * KB * 4);
        rec.dispatch(kernel(ShaderId::quantize_q8_0, 3, 8, {row_lanes}), {x, qx, dx}, push_bytes(T, KB),
                     {ceil_div(KB, row_lanes), T, 1});
        rec.barrier();
        Kernel& k = kernel(ShaderId::matmul_q8_0_dot, 6, 24, intdot_tile.spec());
        const uint64_t chunk = rows_per_binding(w, intdot_tile.cols(), false);
        for (uint64_t r0 = 0; r0 < w.rows; r0 += chunk) {
            const uint64_t n = std::min(chunk, w.rows - r0);
            const auto [data, scales] = weight_rows(w, r0, n, false);
            BufferRange bias = b ? BufferRange(*b, r0 * 4, n * 4) : BufferRange(dummy_);
            rec.dispatch(k, {qx, dx, data, scales, bias, y},
                         push_bytes(T, uint32_t(n), K4, ldy, uint32_t(r0), uint32_t(b ? 1 : 0)),
                         {ceil_div(T, intdot_tile.rows), ceil_div(n, intdot_tile.cols()), 1});
        }
        return;
    }
    const bool tx = use_texels(uint64_t(T) * K4);
    Kernel& k = kernel(shader_by_name("matmul_" + weight_variant(w, tx)), 5, 24, matmul_tile.spec(),
                       !tx ? 0u : w.type == gguf::TensorType::q8_0 ? 0b111u : 0b011u);
    if (tx) {
        x.bytes = x.bytes == VK_WHOLE_SIZE ? x.buffer->size() - x.offset_bytes : x.bytes;
        x.bytes = std::min<uint64_t>(x.bytes, uint64_t(T) * K4 * 16);
        x = x.as_texels(VK_FORMAT_R32G32B32A32_SFLOAT);
    }
    const uint64_t chunk = rows_per_binding(w, matmul_tile.cols(), tx);
    for (uint64_t r0 = 0; r0 < w.rows; r0 += chunk) {
        const uint64_t n = std::min(chunk, w.rows - r0);
        const auto [data, scales] = weight_rows(w, r0, n, tx);
        BufferRange bias = b ? BufferRange(*b, r0 * 4, n * 4) : BufferRange(dummy_);
        rec.dispatch(k, {x, data, scales, bias, y}, push_bytes(T, uint32_t(n), K4, ldy, uint32_t(r0), uint32_t(b ? 1 : 0)),
                     {ceil_div(T, matmul_tile.rows), ceil_div(n, matmul_tile.cols()), 1});
    }
}

void Ops::qkv_rotary(Recorder& rec, Buffer& qkv, const Buffer& pos, const Buffer& rope, uint32_t T, uint32_t H,
                     uint32_t D, uint32_t R) {
    if (R == 0) return;
    Kernel& k = kernel(ShaderId::qkv_rotary, 3, 16, {row_lanes});
    rec.dispatch(k, {qkv, pos, rope}, push_bytes(T, H * D, D, R), {ceil_div(2 * H * (R / 2), row_lanes), T, 1});
}

uint32_t Ops::attention_block_rows(uint32_t D) const {
    // shared memory holds LANES x QB x (D + 2) floats (attention.comp)
    const uint64_t per_row = uint64_t(attention_lanes) * (D + 2) * 4;
    return uint32_t(std::clamp<uint64_t>(device_->limits().maxComputeSharedMemorySize / per_row, 1, 8));
}

void Ops::attention(Recorder& rec, const Buffer& qkv, const Buffer& blocks, uint32_t n_blocks, Buffer& out,
                    uint32_t H, uint32_t D) {
    Kernel& k = kernel(ShaderId::attention, 3, 8, {D / 4, attention_block_rows(D), attention_lanes});
    const float scale = 1.0f / std::sqrt(float(D));
    const uint32_t max_x = device_->limits().maxComputeWorkGroupCount[0];
    for (uint32_t b0 = 0; b0 < n_blocks; b0 += max_x) {
        const uint32_t n = std::min(max_x, n_blocks - b0);
        rec.dispatch(k, {qkv, BufferRange(blocks, uint64_t(b0) * sizeof(AttentionBlock), uint64_t(n) * sizeof(AttentionBlock)), out},
                     push_bytes(H * D, scale), {n, H, 1});
    }
}

void Ops::gelu_erf(Recorder& rec, Buffer& x, uint32_t n) {
    Kernel& k = kernel(ShaderId::gelu_erf, 1, 4, {elementwise_lanes});
    rec.dispatch(k, {x}, push_bytes(n), {ceil_div(n, elementwise_lanes), 1, 1});
}

void Ops::add(Recorder& rec, const Buffer& a, const Buffer& b, Buffer& y, uint32_t n) {
    Kernel& k = kernel(ShaderId::add, 3, 4, {elementwise_lanes});
    rec.dispatch(k, {a, b, y}, push_bytes(n), {ceil_div(n, elementwise_lanes), 1, 1});
}

// The tile partials, then (fp32) each slot's lane sums for unembed_logprob_lanes.
uint64_t Ops::partial_bytes(uint32_t S, uint64_t Vp) {
    return uint64_t(std::max<uint32_t>(S, 1)) * (ceil_div(Vp, unembed_tile.cols()) * partial_struct_bytes + lanes_bytes) +
           scratch_align;
}

void Ops::unembed_logprob(Recorder& rec, const Buffer& h, const DeviceWeight& out, const Buffer& slots, uint32_t S,
                          Buffer& partials, Buffer& results, bool fp16) {
    if (S == 0) return;
    const uint32_t K4 = uint32_t(out.cols / 4);
    const bool tx = use_texels(h.size() / 16);
    Kernel& kp = kernel(shader_by_name("unembed_logprob_partial_" + weight_variant(out, tx) +
                                       (features_.subgroups ? "_sg" : "")),
                        5, 28, unembed_tile.spec(), !tx ? 0u : out.type == gguf::TensorType::q8_0 ? 0b111u : 0b011u);
    Kernel& kr = kernel(ShaderId::unembed_logprob_reduce, 3, 16, {reduce_lanes});
    BufferRange x(h);
    if (tx) x = BufferRange(h, 0, h.size() / 16 * 16).as_texels(VK_FORMAT_R32G32B32A32_SFLOAT);
    const uint32_t tile_ids = unembed_tile.cols();
    const uint32_t n_tiles = ceil_div(out.rows, tile_ids);
    const uint64_t chunk = rows_per_binding(out, tile_ids, tx);  // tiles never straddle chunks
    for (uint64_t r0 = 0; r0 < out.rows; r0 += chunk) {
        const uint64_t n = std::min(chunk, out.rows - r0);
        const auto [data, scales] = weight_rows(out, r0, n, tx);
        rec.dispatch(kp, {x, data, scales, slots, partials},
                     push_bytes(S, K4, uint32_t(r0), uint32_t(n), uint32_t(r0 / tile_ids), n_tiles,
                                uint32_t(fp16 ? 1 : 0)),
                     {ceil_div(S, unembed_tile.rows), ceil_div(n, tile_ids), 1});
    }
    rec.barrier();
    rec.dispatch(kr, {partials, slots, results}, push_bytes(S, n_tiles, tile_ids, uint32_t(fp16 ? 1 : 0)),
                 {ceil_div(S, reduce_lanes), 1, 1});
    if (fp16) return;
    // fp32: the log-prob again, its exps summed in lm-eval's fp32 lanes (backend::TorchLanes): a second
    // pass over the vocabulary, in id order, so fp32 costs about twice fp16's unembedding.
    rec.barrier();
    Kernel& kl = kernel(shader_by_name("unembed_logprob_lanes_" + weight_variant(out, false)), 7, 28);
    const uint64_t parts_end = uint64_t(S) * n_tiles * partial_struct_bytes;
    const BufferRange lanes(partials, ceil_div(parts_end, scratch_align) * scratch_align, uint64_t(S) * lanes_bytes);
    const BufferRange parts(partials, 0, parts_end);
    // At most 2^20 / K4 ids a dispatch (8192 for C = 512): on lavapipe one dispatch of this pass summed
    // only its first ~30000 ids at C = 512 (70m-shaped F32, F16, Q8_0 output weights), yet all 50304 at
    // C = 128 or 256: the limit looks like work per invocation; its cause is not known (issue #15).
    // Chunks stay multiples of 8, so lanes start aligned.
    const uint64_t cap_rows = std::max<uint64_t>(tile_ids, (uint64_t(1) << 20) / K4 / tile_ids * tile_ids);
    const uint64_t lchunk = std::min(cap_rows, rows_per_binding(out, tile_ids, false));
    for (uint64_t r0 = 0; r0 < out.rows; r0 += lchunk) {
        const uint64_t n = std::min(lchunk, out.rows - r0);
        const auto [data, scales] = weight_rows(out, r0, n, false);
        rec.dispatch(kl, {h, data, scales, slots, parts, lanes, results},
                     push_bytes(S, K4, uint32_t(n), n_tiles, tile_ids, uint32_t(r0 == 0), uint32_t(r0 + n == out.rows)),
                     {ceil_div(S, lanes_slots), 1, 1});
        rec.barrier();
    }
}

}  // namespace pe::vulkan
