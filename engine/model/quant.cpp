// Block decoders and reference encoders for the weight types of neox-gguf-tokenizer.md §3.2.
// Blocks run along ne[0]; every multi-byte field is little-endian, fp16 scales are IEEE binary16.
#include "engine/model/quant.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "engine/error.hpp"
#include "engine/half.hpp"

namespace pe::model {

namespace {

using gguf::TensorType;

uint16_t load_u16(const std::byte* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

void store_u16(std::byte* p, uint16_t v) { std::memcpy(p, &v, 2); }

// inf or nan would turn the scale into nan and the integer conversion into undefined behaviour.
void check_finite(const float* x, uint64_t block, uint64_t n) {
    for (uint64_t j = 0; j < n; ++j)
        if (!std::isfinite(x[j]))
            throw Error(ErrorKind::bad_input, "", "quantize",
                        "non-finite value " + std::to_string(x[j]) + " at element " + std::to_string(block * n + j) +
                            " cannot be quantized");
}

void check_multiple(TensorType type, uint64_t n) {
    const auto& tr = gguf::type_traits(type);
    if (n % tr.block_elems != 0)
        throw Error(ErrorKind::internal, "", "row", std::to_string(n) + " elements is not a whole number of " +
                                                        std::string(tr.name) + " blocks");
}

// Q8_0 block (34 bytes): fp16 d, int8 qs[32]; y[j] = qs[j] * d.
void dequantize_q8_0(const std::byte* src, float* dst, uint64_t n_blocks) {
    for (uint64_t b = 0; b < n_blocks; ++b, src += 34, dst += 32) {
        const float d = fp16_to_f32(load_u16(src));
        for (int j = 0; j < 32; ++j) dst[j] = float(int8_t(src[2 + j])) * d;
    }
}

// Q4_0 block (18 bytes): fp16 d, uint8 qs[16]; low nibbles are elements 0..15, high nibbles 16..31,
// each stored with an offset of 8.
void dequantize_q4_0(const std::byte* src, float* dst, uint64_t n_blocks) {
    for (uint64_t b = 0; b < n_blocks; ++b, src += 18, dst += 32) {
        const float d = fp16_to_f32(load_u16(src));
        for (int j = 0; j < 16; ++j) {
            const auto q = uint8_t(src[2 + j]);
            dst[j] = float(int(q & 0x0f) - 8) * d;
            dst[j + 16] = float(int(q >> 4) - 8) * d;
        }
    }
}

// Q6_K super-block (210 bytes): ql[128] low 4 bits, qh[64] high 2 bits, int8 scales[16], fp16 d.
// Each 128-element half uses 64 ql, 32 qh and 8 scales; a 6-bit q is stored with an offset of 32,
// and each run of 16 elements has its own scale: y = d * scale * (q - 32).
void dequantize_q6_k(const std::byte* src, float* dst, uint64_t n_blocks) {
    for (uint64_t b = 0; b < n_blocks; ++b, src += 210, dst += 256) {
        const auto* ql = reinterpret_cast<const uint8_t*>(src);
        const auto* qh = ql + 128;
        const auto* sc = reinterpret_cast<const int8_t*>(src + 192);
        const float d = fp16_to_f32(load_u16(src + 208));
        float* y = dst;
        for (int half = 0; half < 2; ++half, ql += 64, qh += 32, sc += 8, y += 128) {
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int q1 = int((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = int((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = int((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = int((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * float(sc[is + 0]) * float(q1);
                y[l + 32] = d * float(sc[is + 2]) * float(q2);
                y[l + 64] = d * float(sc[is + 4]) * float(q3);
                y[l + 96] = d * float(sc[is + 6]) * float(q4);
            }
        }
    }
}

// ggml's reference Q8_0: d = amax/127 and q = round(x * (1/d)), rounding half away from zero. The
// fp32 d is used for q; only the stored copy is fp16. (ggml multiplies by the reciprocal rather
// than dividing, which can differ in the last bit; we match ggml's bytes.)
void quantize_q8_0(const float* src, std::byte* dst, uint64_t n_blocks) {
    for (uint64_t b = 0; b < n_blocks; ++b, src += 32, dst += 34) {
        check_finite(src, b, 32);
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j) amax = std::fmax(amax, std::fabs(src[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        store_u16(dst, f32_to_fp16(d));
        for (int j = 0; j < 32; ++j) dst[2 + j] = std::byte(uint8_t(int8_t(std::round(src[j] * id))));
    }
}

// ggml's reference Q4_0: d = m / -8 where m is the value of largest magnitude (sign kept, first
// one on ties), q = min(15, trunc(x/d + 8.5)).
void quantize_q4_0(const float* src, std::byte* dst, uint64_t n_blocks) {
    for (uint64_t b = 0; b < n_blocks; ++b, src += 32, dst += 18) {
        check_finite(src, b, 32);
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < 32; ++j)
            if (amax < std::fabs(src[j])) {
                amax = std::fabs(src[j]);
                max = src[j];
            }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        store_u16(dst, f32_to_fp16(d));
        for (int j = 0; j < 16; ++j) {
            const int q0 = std::min(15, int(int8_t(src[j] * id + 8.5f)));
            const int q1 = std::min(15, int(int8_t(src[j + 16] * id + 8.5f)));
            dst[2 + j] = std::byte(uint8_t(q0 | (q1 << 4)));
        }
    }
}

}  // namespace

uint64_t row_bytes(TensorType type, uint64_t n_elements) {
    check_multiple(type, n_elements);
    const auto& tr = gguf::type_traits(type);
    return n_elements / tr.block_elems * tr.block_bytes;
}

void dequantize_row(TensorType type, const std::byte* src, float* dst, uint64_t n_elements) {
    check_multiple(type, n_elements);
    const uint64_t n_blocks = n_elements / gguf::type_traits(type).block_elems;
    switch (type) {
        case TensorType::f32: std::memcpy(dst, src, n_elements * 4); return;
        case TensorType::f16:
            for (uint64_t i = 0; i < n_elements; ++i) dst[i] = fp16_to_f32(load_u16(src + 2 * i));
            return;
        case TensorType::bf16:
            for (uint64_t i = 0; i < n_elements; ++i) dst[i] = bf16_to_f32(load_u16(src + 2 * i));
            return;
        case TensorType::q8_0: dequantize_q8_0(src, dst, n_blocks); return;
        case TensorType::q4_0: dequantize_q4_0(src, dst, n_blocks); return;
        case TensorType::q6_k: dequantize_q6_k(src, dst, n_blocks); return;
    }
}

void quantize_row(TensorType type, const float* src, std::byte* dst, uint64_t n_elements) {
    check_multiple(type, n_elements);
    const uint64_t n_blocks = n_elements / gguf::type_traits(type).block_elems;
    switch (type) {
        case TensorType::f32: std::memcpy(dst, src, n_elements * 4); return;
        case TensorType::f16:
            for (uint64_t i = 0; i < n_elements; ++i) store_u16(dst + 2 * i, f32_to_fp16(src[i]));
            return;
        case TensorType::bf16:
            for (uint64_t i = 0; i < n_elements; ++i) store_u16(dst + 2 * i, f32_to_bf16(src[i]));
            return;
        case TensorType::q8_0: quantize_q8_0(src, dst, n_blocks); return;
        case TensorType::q4_0: quantize_q4_0(src, dst, n_blocks); return;
        case TensorType::q6_k: break;
    }
    throw Error(ErrorKind::unsupported, "", "quantize", std::string("cannot write ") +
                                                            std::string(gguf::type_traits(type).name) + " tensors");
}

std::optional<uint64_t> first_non_finite(TensorType type, std::span<const std::byte> data) {
    // An IEEE value is NaN or infinite exactly when its exponent bits are all ones.
    auto scan16 = [&](uint16_t exponent_mask, size_t stride, size_t at, uint64_t elems_per) -> std::optional<uint64_t> {
        for (size_t i = 0; i + at + 2 <= data.size(); i += stride)
            if ((load_u16(data.data() + i + at) & exponent_mask) == exponent_mask) return i / stride * elems_per;
        return std::nullopt;
    };
    switch (type) {
        case TensorType::f32:
            for (size_t i = 0; i + 4 <= data.size(); i += 4) {
                uint32_t v;
                std::memcpy(&v, data.data() + i, 4);
                if ((v & 0x7f800000u) == 0x7f800000u) return i / 4;
            }
            return std::nullopt;
        case TensorType::f16: return scan16(0x7c00, 2, 0, 1);
        case TensorType::bf16: return scan16(0x7f80, 2, 0, 1);
        case TensorType::q8_0: return scan16(0x7c00, 34, 0, 32);   // the fp16 scale d leads each block
        case TensorType::q4_0: return scan16(0x7c00, 18, 0, 32);
        case TensorType::q6_k: return scan16(0x7c00, 210, 208, 256);  // d closes each super-block
    }
    return std::nullopt;
}

std::vector<std::byte> quantize(TensorType type, std::span<const float> src) {
    std::vector<std::byte> out(row_bytes(type, src.size()));
    quantize_row(type, src.data(), out.data(), src.size());
    return out;
}

}  // namespace pe::model
