// libFuzzer target for the strict torch pickle reader: any input must give a state dict of tensor
// records or throw pe::Error; no crash, leak, deep recursion or other exception.
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/convert/torch_pickle.hpp"
#include "engine/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const auto tensors = pe::convert::parse_torch_pickle(
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size), "fuzz.bin", "data.pkl");
        for (const auto& t : tensors)
            if (t.shape.size() != t.stride.size()) __builtin_trap();
    } catch (const pe::Error&) {
    }
    return 0;
}
