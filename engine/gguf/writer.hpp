// GGUF v3 writer. Streaming: declare every tensor (name, type, shape) and all metadata first,
// then write each tensor's bytes in declaration order, one at a time, then commit(). Output goes
// to "<path>.tmp-<pid>" and is renamed on commit(); a Writer destroyed before commit() removes it,
// so an interrupted write leaves nothing behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf/format.hpp"
#include "engine/gguf/value.hpp"
#include "engine/io/atomic_file.hpp"

namespace pe::gguf {

class Writer {
public:
    explicit Writer(std::string path, uint32_t alignment = default_alignment);
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void add(std::string key, Value value);  // any type; arrays via Value::of_array
    void add_u32(std::string key, uint32_t v);
    void add_f32(std::string key, float v);
    void add_bool(std::string key, bool v);
    void add_string(std::string key, std::string v);
    void add_string_array(std::string key, const std::vector<std::string>& v);
    void add_i32_array(std::string key, const std::vector<int32_t>& v);

    // ne[0] first (GGUF order). Byte size follows from type and shape.
    void declare_tensor(std::string name, TensorType type, std::vector<uint64_t> ne);
    // Writes the header on the first call; tensors must come in declaration order with exactly
    // the declared byte size.
    void write_tensor_data(const std::string& name, std::span<const std::byte> bytes);
    void commit();  // every declared tensor written → fsync, rename

    const std::string& path() const { return path_; }

private:
    void write_header();
    void write_bytes(std::span<const std::byte> bytes);
    struct Declared { std::string name; TensorType type; std::vector<uint64_t> ne; uint64_t n_bytes, offset; };
    std::string path_;
    io::AtomicFile file_;  // "<path>.tmp-<pid>" until commit()
    uint32_t alignment_;
    std::vector<std::pair<std::string, Value>> kvs_;
    std::vector<Declared> tensors_;
    size_t next_tensor_ = 0;
    bool header_written_ = false, committed_ = false;
    uint64_t written_ = 0;
};

// Byte size of a tensor of `type` and shape `ne`; throws bad_input when ne[0] is not a multiple of
// the block size or the size overflows.
uint64_t tensor_bytes(TensorType type, const std::vector<uint64_t>& ne, const std::string& file,
                      const std::string& tensor_name);

}  // namespace pe::gguf
