// libFuzzer target for the GGUF reader: any input must parse or throw pe::Error; nothing else
// (no crash, sanitizer report, other exception or unbounded allocation). Parsed files are then
// used the way the model loader uses them: typed getters, and a dequantized row of every tensor.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/model/quant.hpp"

namespace {

void exercise(const pe::gguf::Reader& r) {
    for (const auto& kv : r.kvs()) {
        // Each getter either answers or throws pe::Error for the wrong type.
        try { (void)r.get_integer(kv.key); } catch (const pe::Error&) {}
        try { (void)r.get_number(kv.key); } catch (const pe::Error&) {}
        try { (void)r.get_string(kv.key); } catch (const pe::Error&) {}
        try { (void)r.get_bool(kv.key); } catch (const pe::Error&) {}
        try { (void)r.get_array(kv.key); } catch (const pe::Error&) {}
    }
    std::vector<float> row;
    uint64_t budget = 1 << 20;  // elements decoded per input, so large shapes stay fast
    for (const auto& t : r.tensors()) {
        if (r.find_tensor(t.name) != &t) __builtin_trap();
        const uint64_t n = t.ne[0];
        if (n > budget) continue;
        budget -= n;
        const uint64_t bytes = pe::model::row_bytes(t.type, n);
        if (bytes > t.data.size()) __builtin_trap();  // the reader promised n_bytes of data
        row.resize(n);
        pe::model::dequantize_row(t.type, t.data.data(), row.data(), n);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data),
                                 reinterpret_cast<const std::byte*>(data) + size);
    try {
        const auto r = pe::gguf::Reader::from_bytes(std::move(bytes), "fuzz.gguf");
        exercise(r);
    } catch (const pe::Error& e) {
        if (e.file() != "fuzz.gguf") __builtin_trap();  // every error names the file
    }
    return 0;
}
