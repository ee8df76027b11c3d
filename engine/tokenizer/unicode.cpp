// UTF-8 validation, NFC and lossy decoding (neox-gguf-tokenizer.md §4.3).
#include "engine/tokenizer/unicode.hpp"

#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "engine/error.hpp"

namespace pe::tokenizer {

namespace {

// Length of the well-formed UTF-8 sequence at bytes[i], or 0 when it is ill-formed; then
// `bad_len` is the length of its maximal ill-formed prefix (at least 1). The allowed ranges for
// the second byte are Unicode's table 3-7 (they exclude overlongs, surrogates and > U+10FFFF).
size_t sequence_length(std::string_view bytes, size_t i, size_t& bad_len) {
    auto at = [&](size_t k) { return uint8_t(bytes[k]); };
    uint8_t b0 = at(i);
    if (b0 < 0x80) return 1;
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
    else if (b0 == 0xE0) need = 2, lo = 0xA0;
    else if (b0 == 0xED) need = 2, hi = 0x9F;
    else if (b0 >= 0xE1 && b0 <= 0xEF) need = 2;
    else if (b0 == 0xF0) need = 3, lo = 0x90;
    else if (b0 == 0xF4) need = 3, hi = 0x8F;
    else if (b0 >= 0xF1 && b0 <= 0xF3) need = 3;
    else {
        bad_len = 1;
        return 0;
    }
    if (i + 1 >= bytes.size() || at(i + 1) < lo || at(i + 1) > hi) {
        bad_len = 1;
        return 0;
    }
    for (size_t k = 2; k <= need; ++k) {
        if (i + k >= bytes.size() || at(i + k) < 0x80 || at(i + k) > 0xBF) {
            bad_len = k;
            return 0;
        }
    }
    return need + 1;
}

}  // namespace

std::optional<size_t> find_invalid_utf8(std::string_view text) {
    size_t i = 0, bad_len = 0;
    while (i < text.size()) {
        if (uint8_t(text[i]) < 0x80) {
            ++i;
            continue;
        }
        size_t n = sequence_length(text, i, bad_len);
        if (n == 0) return i;
        i += n;
    }
    return std::nullopt;
}

bool is_ascii(std::string_view text) {
    bool ascii = true;
    for (char c : text) ascii &= uint8_t(c) < 0x80;
    return ascii;
}

std::string nfc(std::string_view text) {
    if (is_ascii(text)) return std::string(text);
    utf8proc_uint8_t* out = nullptr;
    auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                          utf8proc_ssize_t(text.size()), &out, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    if (n < 0)
        throw Error(ErrorKind::internal, "", "nfc", std::string("utf8proc: ") + utf8proc_errmsg(n));
    return std::string(reinterpret_cast<const char*>(out), size_t(n));
}

std::string utf8_lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    size_t i = 0, bad_len = 0;
    while (i < bytes.size()) {
        size_t n = sequence_length(bytes, i, bad_len);
        if (n > 0) {
            out.append(bytes.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD
            i += bad_len;
        }
    }
    return out;
}

}  // namespace pe::tokenizer
