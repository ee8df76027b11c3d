// Cursor: every read checks the bytes left before touching memory; values are little-endian.
#include "engine/gguf/cursor.hpp"

#include <bit>
#include <cstring>

#include "engine/error.hpp"

namespace pe::gguf {

static_assert(std::endian::native == std::endian::little, "GGUF is little-endian; so is every target we build");

std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}

std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

void Cursor::fail(std::string_view field, const std::string& message, std::optional<uint64_t> offset) const {
    throw_bad_input(file_, std::string(field), message, offset ? offset : std::optional<uint64_t>(offset_));
}

const std::byte* Cursor::take(uint64_t n, std::string_view field) {
    if (n > remaining())
        fail(field, "file truncated: needs " + std::to_string(n) + " bytes, " +
                        std::to_string(remaining()) + " left");
    const std::byte* p = bytes_.data() + offset_;
    offset_ += n;
    return p;
}

uint8_t Cursor::u8(std::string_view field) { return uint8_t(*take(1, field)); }

uint16_t Cursor::u16(std::string_view field) {
    uint16_t v;
    std::memcpy(&v, take(2, field), 2);
    return v;
}

uint32_t Cursor::u32(std::string_view field) {
    uint32_t v;
    std::memcpy(&v, take(4, field), 4);
    return v;
}

uint64_t Cursor::u64(std::string_view field) {
    uint64_t v;
    std::memcpy(&v, take(8, field), 8);
    return v;
}

float Cursor::f32(std::string_view field) { return std::bit_cast<float>(u32(field)); }
double Cursor::f64(std::string_view field) { return std::bit_cast<double>(u64(field)); }

std::string_view Cursor::string(std::string_view field) {
    const uint64_t at = offset_;
    const uint64_t len = u64(field);
    if (len > remaining())
        fail(field, "string length " + std::to_string(len) + " exceeds the " + std::to_string(remaining()) +
                        " bytes left in the file", at);
    return {reinterpret_cast<const char*>(take(len, field)), size_t(len)};
}

std::span<const std::byte> Cursor::bytes(uint64_t n, std::string_view field) {
    return {take(n, field), size_t(n)};
}

void Cursor::skip_to(uint64_t offset, std::string_view field) {
    if (offset > size())
        fail(field, "offset " + std::to_string(offset) + " is past the end of the file (" +
                        std::to_string(size()) + " bytes)");
    offset_ = offset;
}

uint64_t Cursor::add(uint64_t a, uint64_t b, std::string_view field) const {
    const auto r = checked_add(a, b);
    if (!r) fail(field, "size overflows 64 bits (" + std::to_string(a) + " + " + std::to_string(b) + ")");
    return *r;
}

uint64_t Cursor::mul(uint64_t a, uint64_t b, std::string_view field) const {
    const auto r = checked_mul(a, b);
    if (!r) fail(field, "size overflows 64 bits (" + std::to_string(a) + " * " + std::to_string(b) + ")");
    return *r;
}

}  // namespace pe::gguf
