// pe::Error, the one error type (style.md §5): kind, file, field, optional byte offset, message.
// what() is one line: "tiny.gguf: tensor 'blk.2.attn_qkv.weight' ne[1]: 384, expected 1536 (byte 4120)".
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace pe {

enum class ErrorKind { bad_input, io, unsupported, device, device_oom, internal };

const char* error_kind_name(ErrorKind kind);

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string file, std::string field, std::string message,
          std::optional<uint64_t> offset = std::nullopt);

    ErrorKind kind() const { return kind_; }
    const std::string& file() const { return file_; }
    const std::string& field() const { return field_; }
    const std::optional<uint64_t>& offset() const { return offset_; }
    const std::string& message() const { return message_; }

private:
    ErrorKind kind_;
    std::string file_, field_, message_;
    std::optional<uint64_t> offset_;
};

// Shorthands for the common kinds; `field` may be empty.
[[noreturn]] void throw_bad_input(const std::string& file, const std::string& field,
                                  const std::string& message,
                                  std::optional<uint64_t> offset = std::nullopt);
[[noreturn]] void throw_io(const std::string& file, const std::string& message);
[[noreturn]] void throw_unsupported(const std::string& file, const std::string& field,
                                    const std::string& message);

}  // namespace pe
