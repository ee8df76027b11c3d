// Helpers shared by the GGUF tests: printers for Boost.Test, and RawGguf, a byte-level builder
// written straight from the format description (§3.1) so crafted files do not depend on our Writer.
#pragma once

#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/gguf/format.hpp"

namespace pe {
inline std::ostream& operator<<(std::ostream& os, ErrorKind k) { return os << error_kind_name(k); }
}  // namespace pe

namespace pe::gguf {
inline std::ostream& operator<<(std::ostream& os, ValueType t) { return os << value_type_name(t); }
inline std::ostream& operator<<(std::ostream& os, TensorType t) { return os << type_traits(t).name; }
}  // namespace pe::gguf

namespace pe::test {

struct RawGguf {
    std::vector<std::byte> b;
    uint64_t size() const { return b.size(); }
    RawGguf& u8(uint8_t v) { return raw(&v, 1); }
    RawGguf& u16(uint16_t v) { return raw(&v, 2); }
    RawGguf& u32(uint32_t v) { return raw(&v, 4); }
    RawGguf& u64(uint64_t v) { return raw(&v, 8); }
    RawGguf& f32(float v) { return raw(&v, 4); }
    RawGguf& str(const std::string& s) { u64(s.size()); return raw(s.data(), s.size()); }
    RawGguf& header(uint64_t n_tensors, uint64_t n_kv, uint32_t version = 3) {
        return u32(0x46554747).u32(version).u64(n_tensors).u64(n_kv);
    }
    RawGguf& kv_u32(const std::string& key, uint32_t v) { return str(key).u32(4).u32(v); }
    RawGguf& kv_str(const std::string& key, const std::string& v) { return str(key).u32(8).str(v); }
    RawGguf& tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
        str(name).u32(uint32_t(ne.size()));
        for (uint64_t d : ne) u64(d);
        return u32(type).u64(offset);
    }
    RawGguf& pad_to(uint64_t alignment) {
        while (b.size() % alignment) u8(0);
        return *this;
    }
    RawGguf& zeros(uint64_t n) {
        b.resize(b.size() + n, std::byte{0});
        return *this;
    }
    RawGguf& raw(const void* p, size_t n) {
        const auto* q = static_cast<const std::byte*>(p);
        b.insert(b.end(), q, q + n);
        return *this;
    }
};

}  // namespace pe::test
