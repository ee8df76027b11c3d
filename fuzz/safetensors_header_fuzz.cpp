// libFuzzer target for the safetensors header parser: any header text must give tensors whose byte
// ranges lie inside the file, or throw pe::Error; nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/convert/safetensors.hpp"
#include "engine/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    // First byte: how much data follows the header (0..255 KiB), so offsets are tested both ways.
    const uint64_t data_bytes = uint64_t(data[0]) * 1024;
    const std::string_view header(reinterpret_cast<const char*>(data + 1), size - 1);
    const uint64_t file_bytes = 8 + header.size() + data_bytes;
    try {
        for (const auto& t : pe::convert::parse_safetensors_header(header, file_bytes, "fuzz.safetensors"))
            if (t.offset_bytes < 8 + header.size() || t.offset_bytes + t.n_bytes > file_bytes ||
                t.n_bytes != t.numel() * pe::convert::dtype_bytes(t.dtype))
                __builtin_trap();
    } catch (const pe::Error&) {
    }
    return 0;
}
