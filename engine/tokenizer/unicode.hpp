// UTF-8 validation, NFC (utf8proc) and Rust-compatible lossy decoding for the tokenizer
// (neox-gguf-tokenizer.md §4.2 normalizer, §4.3 "Input must be valid UTF-8", decoding).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pe::tokenizer {

// Byte offset of the first ill-formed UTF-8 sequence (overlong forms, surrogates and code points
// above U+10FFFF count as ill-formed), or nullopt when `text` is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text);

// Unicode NFC of valid UTF-8 text (utf8proc's tables, no hand-made ones).
std::string nfc(std::string_view text);
bool is_ascii(std::string_view text);  // then text is its own NFC, and nfc() can be skipped

// Bytes -> valid UTF-8, each maximal ill-formed subsequence replaced by one U+FFFD: the rule of
// Rust's String::from_utf8_lossy, which HF's ByteLevel decoder ends with.
std::string utf8_lossy(std::string_view bytes);

}  // namespace pe::tokenizer
