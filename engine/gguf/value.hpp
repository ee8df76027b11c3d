// A GGUF metadata value: one of the 13 types, arrays included (homogeneous, any element type).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "engine/gguf/format.hpp"

namespace pe::gguf {

struct Array;
using Scalar = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                            std::string, uint64_t, int64_t, double>;

struct Array {
    ValueType elem_type = ValueType::u8;
    // Scalars in element order; nested arrays (allowed by the spec, never used by llama.cpp)
    // are held in `arrays` instead, and `elem_type` is then ValueType::array.
    std::vector<Scalar> items;
    std::vector<Array> arrays;
    uint64_t size() const { return elem_type == ValueType::array ? arrays.size() : items.size(); }
};

struct Value {
    ValueType type = ValueType::u8;
    std::variant<Scalar, Array> data;

    static Value of(ValueType t, Scalar s) { return {t, std::move(s)}; }
    static Value of_array(Array a) { return {ValueType::array, std::move(a)}; }

    const Scalar* scalar() const { return std::get_if<Scalar>(&data); }
    const Array* array() const { return std::get_if<Array>(&data); }
};

// Integer value of any integer type (hyper-parameters: llama.cpp writes u32, others u64 or i32).
std::optional<int64_t> as_integer(const Value& v);
std::optional<double> as_number(const Value& v);  // any integer or float type
const std::string* as_string(const Value& v);
std::optional<bool> as_bool(const Value& v);

}  // namespace pe::gguf
