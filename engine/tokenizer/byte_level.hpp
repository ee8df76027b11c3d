// GPT-2's byte <-> printable-character mapping used by the ByteLevel pre-tokenizer and decoder
// (neox-gguf-tokenizer.md §4.3 step 2): every byte gets one code point, so a token is a string.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pe::tokenizer {

// Code point that stands for `byte`: '!'..'~', 0xA1..0xAC and 0xAE..0xFF map to themselves,
// the other 68 bytes, in order, to U+0100 + n (space -> U+0120 'Ġ', '\n' -> U+010A 'Ċ').
char32_t byte_to_char(uint8_t byte);

// UTF-8 of byte_to_char(byte) for each byte of `bytes` ("Hello world" -> "HelloĠworld").
std::string byte_level_encode(std::string_view bytes);

// The bytes a byte-level token stands for, or nullopt when one of its characters is not in the
// table (then the decoder keeps the token's own text, as HF's ByteLevel decoder does).
std::optional<std::string> byte_level_decode(std::string_view token);

}  // namespace pe::tokenizer
