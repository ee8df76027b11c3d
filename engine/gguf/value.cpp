// Loose readers of GGUF metadata values: any integer width for counts and ids (§3.1 "accept any
// integer type"), any numeric type for floats.
#include "engine/gguf/value.hpp"

#include <limits>

namespace pe::gguf {

namespace {
// A Value built by hand may carry a type tag that disagrees with its payload; read nothing then.
template <class T>
std::optional<T> get(const Scalar& s) {
    if (const T* p = std::get_if<T>(&s)) return *p;
    return std::nullopt;
}
}  // namespace

std::optional<int64_t> as_integer(const Value& v) {
    const Scalar* s = v.scalar();
    if (!s) return std::nullopt;
    switch (v.type) {
        case ValueType::u8: return get<uint8_t>(*s);
        case ValueType::i8: return get<int8_t>(*s);
        case ValueType::u16: return get<uint16_t>(*s);
        case ValueType::i16: return get<int16_t>(*s);
        case ValueType::u32: return get<uint32_t>(*s);
        case ValueType::i32: return get<int32_t>(*s);
        case ValueType::i64: return get<int64_t>(*s);
        case ValueType::u64: {
            const auto u = get<uint64_t>(*s);
            if (!u || *u > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
            return int64_t(*u);
        }
        default: return std::nullopt;
    }
}

std::optional<double> as_number(const Value& v) {
    const Scalar* s = v.scalar();
    if (!s) return std::nullopt;
    switch (v.type) {
        case ValueType::f32: {
            const auto f = get<float>(*s);
            if (!f) return std::nullopt;
            return double(*f);
        }
        case ValueType::f64: return get<double>(*s);
        case ValueType::u64: {
            const auto u = get<uint64_t>(*s);
            if (!u) return std::nullopt;
            return double(*u);
        }
        default: {
            const auto i = as_integer(v);
            if (!i) return std::nullopt;
            return double(*i);
        }
    }
}

const std::string* as_string(const Value& v) {
    const Scalar* s = v.scalar();
    if (!s || v.type != ValueType::string) return nullptr;
    return std::get_if<std::string>(s);
}

std::optional<bool> as_bool(const Value& v) {
    const Scalar* s = v.scalar();
    if (!s || v.type != ValueType::boolean) return std::nullopt;
    return get<bool>(*s);
}

}  // namespace pe::gguf
