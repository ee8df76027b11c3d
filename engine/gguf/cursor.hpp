// Bounds-checked little-endian reads over a byte image, each named for the error message
// (style.md §5): cur.u64("header.n_tensors") throws bad_input with file, field and byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pe::gguf {

// Overflow-checked size arithmetic; nullopt on wrap-around.
std::optional<uint64_t> checked_add(uint64_t a, uint64_t b);
std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b);

class Cursor {
public:
    Cursor(std::span<const std::byte> bytes, std::string file) : bytes_(bytes), file_(std::move(file)) {}

    uint64_t offset() const { return offset_; }
    uint64_t size() const { return bytes_.size(); }
    uint64_t remaining() const { return bytes_.size() - offset_; }
    const std::string& file() const { return file_; }

    uint8_t u8(std::string_view field);
    uint16_t u16(std::string_view field);
    uint32_t u32(std::string_view field);
    uint64_t u64(std::string_view field);
    int8_t i8(std::string_view field) { return int8_t(u8(field)); }
    int16_t i16(std::string_view field) { return int16_t(u16(field)); }
    int32_t i32(std::string_view field) { return int32_t(u32(field)); }
    int64_t i64(std::string_view field) { return int64_t(u64(field)); }
    float f32(std::string_view field);
    double f64(std::string_view field);
    // A gguf_string: u64 length, then that many bytes (checked against the bytes left first).
    std::string_view string(std::string_view field);
    // `n` raw bytes, zero-copy.
    std::span<const std::byte> bytes(uint64_t n, std::string_view field);
    void skip_to(uint64_t offset, std::string_view field);

    // Checked arithmetic that reports the field and the current offset when it overflows.
    uint64_t add(uint64_t a, uint64_t b, std::string_view field) const;
    uint64_t mul(uint64_t a, uint64_t b, std::string_view field) const;

    // bad_input at `offset` (default: the current one).
    [[noreturn]] void fail(std::string_view field, const std::string& message,
                           std::optional<uint64_t> offset = std::nullopt) const;

private:
    const std::byte* take(uint64_t n, std::string_view field);
    std::span<const std::byte> bytes_;
    std::string file_;
    uint64_t offset_ = 0;
};

}  // namespace pe::gguf
