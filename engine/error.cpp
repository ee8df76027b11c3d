// pe::Error: builds the one-line message once, so what() never allocates.
#include "engine/error.hpp"

namespace pe {

namespace {
std::string format_error(const std::string& file, const std::string& field, const std::string& message,
                         const std::optional<uint64_t>& offset) {
    std::string s;
    if (!file.empty()) s += file + ": ";
    if (!field.empty()) s += field + ": ";
    s += message;
    if (offset) s += " (byte " + std::to_string(*offset) + ")";
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';  // one line, whatever the message held
    return s;
}
}  // namespace

const char* error_kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::bad_input: return "bad_input";
        case ErrorKind::io: return "io";
        case ErrorKind::unsupported: return "unsupported";
        case ErrorKind::device: return "device";
        case ErrorKind::device_oom: return "device_oom";
        case ErrorKind::internal: return "internal";
    }
    return "internal";
}

Error::Error(ErrorKind kind, std::string file, std::string field, std::string message,
             std::optional<uint64_t> offset)
    : std::runtime_error(format_error(file, field, message, offset)),
      kind_(kind), file_(std::move(file)), field_(std::move(field)), message_(std::move(message)),
      offset_(offset) {}

void throw_bad_input(const std::string& file, const std::string& field, const std::string& message,
                     std::optional<uint64_t> offset) {
    throw Error(ErrorKind::bad_input, file, field, message, offset);
}
void throw_io(const std::string& file, const std::string& message) {
    throw Error(ErrorKind::io, file, "", message);
}
void throw_unsupported(const std::string& file, const std::string& field, const std::string& message) {
    throw Error(ErrorKind::unsupported, file, field, message);
}

}  // namespace pe
