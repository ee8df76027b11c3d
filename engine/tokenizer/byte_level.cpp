// GPT-2 byte <-> character table (neox-gguf-tokenizer.md §4.3 step 2), built once from its rule.
#include "engine/tokenizer/byte_level.hpp"

#include <utf8proc.h>

namespace pe::tokenizer {

namespace {

struct ByteTable {
    std::array<char32_t, 256> to_char{};
    std::array<std::string, 256> to_utf8;
    std::array<int16_t, 0x144> from_char;  // inverse; the table's code points all lie below U+0144

    ByteTable() {
        // Bytes that are printable and not whitespace keep their own code point; the rest take
        // U+0100, U+0101, ... in byte order (GPT-2's bytes_to_unicode()).
        from_char.fill(-1);
        char32_t next = 0x100;
        for (int b = 0; b < 256; ++b) {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            to_char[b] = printable ? char32_t(b) : next++;
            utf8proc_uint8_t buf[4];
            auto n = utf8proc_encode_char(utf8proc_int32_t(to_char[b]), buf);
            to_utf8[b].assign(reinterpret_cast<const char*>(buf), size_t(n));
            from_char[to_char[b]] = int16_t(b);
        }
    }

    std::optional<uint8_t> to_byte(char32_t c) const {
        if (c >= from_char.size() || from_char[c] < 0) return std::nullopt;
        return uint8_t(from_char[c]);
    }
};

const ByteTable& table() {
    static const ByteTable t;
    return t;
}

}  // namespace

char32_t byte_to_char(uint8_t byte) { return table().to_char[byte]; }

std::string byte_level_encode(std::string_view bytes) {
    const auto& t = table();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) out += t.to_utf8[b];
    return out;
}

std::optional<std::string> byte_level_decode(std::string_view token) {
    const auto& t = table();
    std::string out;
    out.reserve(token.size());
    auto p = reinterpret_cast<const utf8proc_uint8_t*>(token.data());
    utf8proc_ssize_t left = utf8proc_ssize_t(token.size());
    while (left > 0) {
        utf8proc_int32_t c;
        auto n = utf8proc_iterate(p, left, &c);
        if (n <= 0) return std::nullopt;
        auto b = t.to_byte(char32_t(c));
        if (!b) return std::nullopt;
        out += char(*b);
        p += n;
        left -= n;
    }
    return out;
}

}  // namespace pe::tokenizer
