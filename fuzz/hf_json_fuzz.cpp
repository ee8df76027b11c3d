// libFuzzer target for the converter's JSON readers: config.json (first byte even) and
// tokenizer.json (odd). Any text must give a config or vocabulary, or throw pe::Error; nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/convert/hf_config.hpp"
#include "engine/convert/hf_tokenizer.hpp"
#include "engine/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        if (data[0] % 2 == 0) {
            const auto c = pe::convert::parse_hf_config(json, "fuzz/config.json");
            if (c.n_head == 0 || c.n_embd % c.n_head != 0) __builtin_trap();
        } else {
            const auto v = pe::convert::parse_hf_tokenizer(json, 512, "fuzz/tokenizer.json");
            if (v.tokens.size() != 512 || v.types.size() != 512) __builtin_trap();
        }
    } catch (const pe::Error&) {
    }
    return 0;
}
