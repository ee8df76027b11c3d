// GGUF reader: mmaps the file, validates everything before use, and hands out zero-copy tensor views.
// Every problem is a pe::Error naming the file, the field and the byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf/format.hpp"
#include "engine/gguf/value.hpp"

namespace pe::io {
class MappedFile;
}

namespace pe::gguf {

struct KeyValue {
    std::string key;
    Value value;
    uint64_t offset_bytes;  // where the key starts in the file, for error messages
};

struct TensorInfo {
    std::string name;
    TensorType type;
    std::vector<uint64_t> ne;       // ne[0] is the contiguous dim (GGUF order)
    uint64_t offset_bytes;          // absolute offset of the data in the file
    uint64_t n_bytes;               // data size
    uint64_t info_offset_bytes;     // where the tensor_info record starts, for error messages
    std::span<const std::byte> data;  // view into the mapping
    uint64_t n_elements() const;
};

class Reader {
public:
    // Maps and validates `path`. Throws pe::Error (bad_input for malformed files, io for open/mmap
    // failures, unsupported for unknown versions or tensor types).
    static Reader open(const std::string& path);
    // Parses an in-memory image (fuzzing, tests); `name` stands for the file in errors.
    static Reader from_bytes(std::vector<std::byte> bytes, const std::string& name);

    Reader(Reader&&) noexcept;
    Reader& operator=(Reader&&) noexcept;
    ~Reader();

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint32_t alignment() const { return alignment_; }
    uint64_t data_offset_bytes() const { return data_offset_; }
    uint64_t file_bytes() const;

    const std::vector<KeyValue>& kvs() const { return kvs_; }
    const Value* find(std::string_view key) const;
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(std::string_view name) const;

    // Typed getters: nullopt when absent; pe::Error (naming the key) when present with a wrong type.
    std::optional<int64_t> get_integer(std::string_view key) const;
    std::optional<double> get_number(std::string_view key) const;
    std::optional<std::string> get_string(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    const Array* get_array(std::string_view key) const;

private:
    Reader() = default;
    const KeyValue* find_kv(std::string_view key) const;
    std::string path_;
    std::unique_ptr<io::MappedFile> map_;  // owns the mmap
    uint32_t version_ = 0, alignment_ = default_alignment;
    uint64_t data_offset_ = 0;
    std::vector<KeyValue> kvs_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, size_t, std::less<>> kv_index_, tensor_index_;
    friend class Parser;
};

}  // namespace pe::gguf
