// Element sizes and names of checkpoint dtypes, and the checked size arithmetic the readers share.
#include "engine/convert/source_tensor.hpp"

#include "engine/error.hpp"

namespace pe::convert {

uint64_t dtype_bytes(SourceDType t) {
    switch (t) {
        case SourceDType::f64: case SourceDType::i64: return 8;
        case SourceDType::f32: case SourceDType::i32: return 4;
        case SourceDType::f16: case SourceDType::bf16: case SourceDType::i16: return 2;
        case SourceDType::i8: case SourceDType::u8: case SourceDType::boolean: return 1;
        case SourceDType::other: return 0;
    }
    return 0;
}

const char* dtype_name(SourceDType t) {
    switch (t) {
        case SourceDType::f32: return "F32";
        case SourceDType::f16: return "F16";
        case SourceDType::bf16: return "BF16";
        case SourceDType::f64: return "F64";
        case SourceDType::i64: return "I64";
        case SourceDType::i32: return "I32";
        case SourceDType::i16: return "I16";
        case SourceDType::i8: return "I8";
        case SourceDType::u8: return "U8";
        case SourceDType::boolean: return "BOOL";
        case SourceDType::other: return "other";
    }
    return "other";
}

uint64_t SourceTensor::numel() const {
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;  // validated by the readers with checked_mul
    return n;
}

uint64_t checked_mul(uint64_t a, uint64_t b, const std::string& file, const std::string& field) {
    if (a != 0 && b > UINT64_MAX / a) throw_bad_input(file, field, "size overflows 64 bits");
    return a * b;
}

uint64_t checked_add(uint64_t a, uint64_t b, const std::string& file, const std::string& field) {
    if (b > UINT64_MAX - a) throw_bad_input(file, field, "offset overflows 64 bits");
    return a + b;
}

}  // namespace pe::convert
