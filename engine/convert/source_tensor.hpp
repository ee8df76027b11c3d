// A tensor as a Hugging Face checkpoint stores it: name, element type, torch shape (outermost first)
// and where its contiguous bytes lie in which file. Filled by the safetensors and torch readers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pe::convert {

// Element types of checkpoint tensors. Only f32/f16/bf16 are converted; the others are recorded so
// that legacy buffers (bool causal masks) can be recognised and skipped.
enum class SourceDType { f32, f16, bf16, f64, i64, i32, i16, i8, u8, boolean, other };

uint64_t dtype_bytes(SourceDType t);  // 0 for `other`
const char* dtype_name(SourceDType t);

struct SourceTensor {
    std::string name;             // HF name, e.g. "gpt_neox.layers.0.attention.dense.weight"
    SourceDType dtype = SourceDType::other;
    std::vector<uint64_t> shape;  // torch order: outermost first
    std::string file;             // the file holding the bytes
    uint64_t offset_bytes = 0;    // absolute, in `file`
    uint64_t n_bytes = 0;         // = numel * dtype_bytes
    uint64_t numel() const;
};

// Checked arithmetic for sizes read from files: throws bad_input naming `file` and `field` on overflow.
uint64_t checked_mul(uint64_t a, uint64_t b, const std::string& file, const std::string& field);
uint64_t checked_add(uint64_t a, uint64_t b, const std::string& file, const std::string& field);

}  // namespace pe::convert
