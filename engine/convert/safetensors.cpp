// safetensors header parsing: every dtype, shape and offset is checked against the file size before
// a tensor is handed on (style.md §5: counts compared with the bytes left).
#include "engine/convert/safetensors.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "engine/convert/input_file.hpp"
#include "engine/convert/json_input.hpp"
#include "engine/error.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::convert {

namespace {

SourceDType parse_dtype(std::string_view s) {
    if (s == "F32") return SourceDType::f32;
    if (s == "F16") return SourceDType::f16;
    if (s == "BF16") return SourceDType::bf16;
    if (s == "F64") return SourceDType::f64;
    if (s == "I64") return SourceDType::i64;
    if (s == "I32") return SourceDType::i32;
    if (s == "I16") return SourceDType::i16;
    if (s == "I8") return SourceDType::i8;
    if (s == "U8") return SourceDType::u8;
    if (s == "BOOL") return SourceDType::boolean;
    return SourceDType::other;
}

uint64_t get_u64(simdjson::dom::element e, const std::string& file, const std::string& field) {
    uint64_t v = 0;
    if (e.get_uint64().get(v) != simdjson::SUCCESS)
        throw_bad_input(file, field, "expected a non-negative integer");
    return v;
}

SourceTensor parse_entry(std::string_view name, simdjson::dom::element e, uint64_t data_start,
                         uint64_t file_bytes, const std::string& file) {
    const std::string where = "tensor '" + std::string(name) + "'";
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) throw_bad_input(file, where, "expected an object");
    SourceTensor t;
    t.name = std::string(name);
    t.file = file;

    std::string_view dtype;
    if (obj["dtype"].get_string().get(dtype) != simdjson::SUCCESS)
        throw_bad_input(file, where + " dtype", "missing or not a string");
    t.dtype = parse_dtype(dtype);
    if (t.dtype == SourceDType::other)
        throw_unsupported(file, where + " dtype", "unsupported dtype '" + std::string(dtype) + "'");

    simdjson::dom::array shape;
    if (obj["shape"].get_array().get(shape) != simdjson::SUCCESS)
        throw_bad_input(file, where + " shape", "missing or not an array");
    uint64_t numel = 1;
    for (simdjson::dom::element d : shape) {
        if (t.shape.size() >= 8) throw_bad_input(file, where + " shape", "more than 8 dimensions");
        t.shape.push_back(get_u64(d, file, where + " shape"));
        numel = checked_mul(numel, t.shape.back(), file, where + " shape");
    }

    simdjson::dom::array offsets;
    if (obj["data_offsets"].get_array().get(offsets) != simdjson::SUCCESS || offsets.size() != 2)
        throw_bad_input(file, where + " data_offsets", "missing or not [begin, end]");
    const uint64_t begin = get_u64(offsets.at(0).value_unsafe(), file, where + " data_offsets");
    const uint64_t end = get_u64(offsets.at(1).value_unsafe(), file, where + " data_offsets");
    const uint64_t data_bytes = file_bytes - data_start;
    if (begin > end || end > data_bytes)
        throw_bad_input(file, where + " data_offsets",
                        "[" + std::to_string(begin) + ", " + std::to_string(end) +
                            "] outside the data section of " + std::to_string(data_bytes) + " bytes");
    t.n_bytes = checked_mul(numel, dtype_bytes(t.dtype), file, where + " shape");
    if (end - begin != t.n_bytes)
        throw_bad_input(file, where + " data_offsets",
                        "spans " + std::to_string(end - begin) + " bytes, but " + std::string(dtype) +
                            " of this shape needs " + std::to_string(t.n_bytes));
    t.offset_bytes = data_start + begin;
    return t;
}

// As the safetensors library validates a file: the tensors tile the data section exactly, in offset
// order, with no overlap, no gap and nothing after the last one. Bytes that no tensor owns, or that
// two tensors share, mean the file is not what its header says.
void check_data_layout(const std::vector<SourceTensor>& tensors, uint64_t data_start, uint64_t file_bytes,
                       const std::string& file) {
    std::vector<const SourceTensor*> order;
    for (const SourceTensor& t : tensors) order.push_back(&t);
    std::sort(order.begin(), order.end(), [](const SourceTensor* a, const SourceTensor* b) {
        return a->offset_bytes != b->offset_bytes ? a->offset_bytes < b->offset_bytes : a->n_bytes < b->n_bytes;
    });
    uint64_t end = data_start;
    const SourceTensor* prev = nullptr;
    for (const SourceTensor* t : order) {
        const std::string where = "tensor '" + t->name + "' data_offsets";
        if (t->offset_bytes < end)
            throw_bad_input(file, where, "overlaps tensor '" + prev->name + "' (bytes " +
                                             std::to_string(t->offset_bytes - data_start) + " to " +
                                             std::to_string(end - data_start) + " of the data section)");
        if (t->offset_bytes > end)
            throw_bad_input(file, where, "starts at " + std::to_string(t->offset_bytes - data_start) +
                                             ", leaving a gap of " + std::to_string(t->offset_bytes - end) +
                                             " bytes that no tensor owns after " +
                                             (prev ? "tensor '" + prev->name + "'" : std::string("the header")));
        end = t->offset_bytes + t->n_bytes;
        prev = t;
    }
    if (end != file_bytes)
        throw_bad_input(file, "data", std::to_string(file_bytes - end) + " trailing bytes after the last tensor" +
                                          (prev ? " ('" + prev->name + "')" : std::string()) +
                                          ": not a file the safetensors library would load",
                        end);
}

}  // namespace

std::vector<SourceTensor> parse_safetensors_header(std::string_view json, uint64_t file_bytes,
                                                   const std::string& file) {
    const uint64_t data_start = 8 + uint64_t(json.size());
    if (data_start > file_bytes) throw_bad_input(file, "header", "longer than the file", 0);
    const JsonInput input(json, file, "header", 8);
    const simdjson::dom::element doc = input.root;
    simdjson::dom::object top;
    if (doc.get_object().get(top) != simdjson::SUCCESS)
        throw_bad_input(file, "header", "not a JSON object", 8);
    std::vector<SourceTensor> tensors;
    for (auto field : top) {
        if (field.key == "__metadata__") continue;  // free-form strings, e.g. {"format": "pt"}
        tensors.push_back(parse_entry(field.key, field.value, data_start, file_bytes, file));
    }
    check_data_layout(tensors, data_start, file_bytes, file);
    return tensors;
}

std::vector<SourceTensor> read_safetensors(const std::string& path) {
    const ReadingInput reading(path);
    InputFile f(path);
    const auto len_bytes = f.read(0, 8, "header length");
    uint64_t len = 0;
    std::memcpy(&len, len_bytes.data(), 8);  // little-endian host (static_assert in convert.cpp)
    if (len > safetensors_max_header_bytes || len > f.size() - 8)
        throw_bad_input(path, "header length",
                        std::to_string(len) + " bytes, but the file has " + std::to_string(f.size()) +
                            " (truncated or not a safetensors file)",
                        0);
    std::string json(len, '\0');
    f.read_into(8, reinterpret_cast<std::byte*>(json.data()), len, "header");
    return parse_safetensors_header(json, f.size(), path);
}

}  // namespace pe::convert
