// GGUF v3 writer (neox-gguf-tokenizer.md §3.1): header and tensor infos serialised in memory, then
// tensor data streamed one tensor at a time into an io::AtomicFile, renamed into place on commit().
#include "engine/gguf/writer.hpp"

#include <algorithm>

#include "engine/error.hpp"
#include "engine/gguf/cursor.hpp"

namespace pe::gguf {

namespace {

[[noreturn]] void internal(const std::string& file, const std::string& field, const std::string& message) {
    throw Error(ErrorKind::internal, file, field, message);
}

// Index of the Scalar alternative that holds a value of type `t` (string = 8, then u64, i64, f64).
size_t scalar_index(ValueType t) {
    const auto i = uint32_t(t);
    return i <= 8 ? i : i - 1;
}

class Buffer {
public:
    template <class T>
    void put(T v) {
        const auto* p = reinterpret_cast<const std::byte*>(&v);
        bytes.insert(bytes.end(), p, p + sizeof v);
    }
    void put_string(std::string_view s) {
        put<uint64_t>(s.size());
        const auto* p = reinterpret_cast<const std::byte*>(s.data());
        bytes.insert(bytes.end(), p, p + s.size());
    }
    std::vector<std::byte> bytes;
};

void put_scalar(Buffer& b, ValueType t, const Scalar& s, const std::string& file, const std::string& key) {
    if (s.index() != scalar_index(t))
        internal(file, "key '" + key + "'", "value does not hold a " + std::string(value_type_name(t)));
    std::visit([&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) b.put_string(v);
        else if constexpr (std::is_same_v<V, bool>) b.put<uint8_t>(v ? 1 : 0);
        else b.put<V>(v);
    }, s);
}

void put_array(Buffer& b, const Array& a, const std::string& file, const std::string& key) {
    b.put<uint32_t>(uint32_t(a.elem_type));
    b.put<uint64_t>(a.size());
    if (a.elem_type == ValueType::array) {
        if (!a.items.empty()) internal(file, "key '" + key + "'", "array of arrays holds scalars");
        for (const Array& inner : a.arrays) put_array(b, inner, file, key);
    } else {
        if (!a.arrays.empty()) internal(file, "key '" + key + "'", "scalar array holds arrays");
        for (const Scalar& s : a.items) put_scalar(b, a.elem_type, s, file, key);
    }
}

}  // namespace

uint64_t tensor_bytes(TensorType type, const std::vector<uint64_t>& ne, const std::string& file,
                      const std::string& tensor_name) {
    const TypeTraits& tr = type_traits(type);
    const std::string field = "tensor '" + tensor_name + "'";
    if (ne.empty() || ne.size() > max_dims)
        throw_bad_input(file, field, std::to_string(ne.size()) + " dims, expected 1.." + std::to_string(max_dims));
    if (ne[0] % tr.block_elems != 0)
        throw_bad_input(file, field + " ne[0]", std::to_string(ne[0]) + " is not a multiple of the " +
                                                    std::string(tr.name) + " block size " +
                                                    std::to_string(tr.block_elems));
    auto n = checked_mul(ne[0] / tr.block_elems, tr.block_bytes);
    for (size_t d = 1; d < ne.size() && n; ++d) n = checked_mul(*n, ne[d]);
    if (!n) throw_bad_input(file, field, "byte size overflows 64 bits");
    return *n;
}

Writer::Writer(std::string path, uint32_t alignment)
    : path_(std::move(path)), file_(path_), alignment_(alignment) {
    if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0)
        internal(path_, "general.alignment", "alignment " + std::to_string(alignment_) + " is not a power of two");
}

void Writer::add(std::string key, Value value) {
    if (header_written_) internal(path_, "key '" + key + "'", "metadata added after tensor data started");
    for (const auto& kv : kvs_)
        if (kv.first == key) internal(path_, "key '" + key + "'", "key added twice");
    if (key == "general.alignment" && (value.type != ValueType::u32 || !value.scalar() ||
                                       value.scalar()->index() != scalar_index(ValueType::u32) ||
                                       std::get<uint32_t>(*value.scalar()) != alignment_))
        internal(path_, "key 'general.alignment'", "set the alignment through the Writer constructor");
    kvs_.emplace_back(std::move(key), std::move(value));
}

void Writer::add_u32(std::string key, uint32_t v) { add(std::move(key), Value::of(ValueType::u32, v)); }
void Writer::add_f32(std::string key, float v) { add(std::move(key), Value::of(ValueType::f32, v)); }
void Writer::add_bool(std::string key, bool v) { add(std::move(key), Value::of(ValueType::boolean, v)); }
void Writer::add_string(std::string key, std::string v) {
    add(std::move(key), Value::of(ValueType::string, std::move(v)));
}

void Writer::add_string_array(std::string key, const std::vector<std::string>& v) {
    Array a;
    a.elem_type = ValueType::string;
    a.items.assign(v.begin(), v.end());
    add(std::move(key), Value::of_array(std::move(a)));
}

void Writer::add_i32_array(std::string key, const std::vector<int32_t>& v) {
    Array a;
    a.elem_type = ValueType::i32;
    a.items.assign(v.begin(), v.end());
    add(std::move(key), Value::of_array(std::move(a)));
}

void Writer::declare_tensor(std::string name, TensorType type, std::vector<uint64_t> ne) {
    const std::string field = "tensor '" + name + "'";
    if (header_written_) internal(path_, field, "declared after tensor data started");
    if (name.size() > max_name_bytes)
        internal(path_, field, "name longer than " + std::to_string(max_name_bytes) + " bytes");
    for (const auto& t : tensors_)
        if (t.name == name) internal(path_, field, "declared twice");
    for (size_t d = 0; d < ne.size(); ++d)
        if (ne[d] == 0) internal(path_, field, "ne[" + std::to_string(d) + "] is 0");
    const uint64_t n_bytes = tensor_bytes(type, ne, path_, name);
    uint64_t offset = 0;
    if (!tensors_.empty()) {
        const Declared& last = tensors_.back();
        const auto end = checked_add(last.offset, last.n_bytes);
        const auto aligned = end ? checked_add(*end, alignment_ - 1) : std::nullopt;
        if (!aligned) internal(path_, field, "data offset overflows 64 bits");
        offset = align_up(*end, alignment_);
    }
    tensors_.push_back({std::move(name), type, std::move(ne), n_bytes, offset});
}

void Writer::write_header() {
    const bool has_alignment_key =
        std::any_of(kvs_.begin(), kvs_.end(), [](const auto& kv) { return kv.first == "general.alignment"; });
    Buffer b;
    b.put<uint32_t>(magic);
    b.put<uint32_t>(version_current);
    b.put<uint64_t>(tensors_.size());
    const bool add_alignment = alignment_ != default_alignment && !has_alignment_key;
    b.put<uint64_t>(kvs_.size() + (add_alignment ? 1 : 0));
    if (add_alignment) {
        b.put_string("general.alignment");
        b.put<uint32_t>(uint32_t(ValueType::u32));
        b.put<uint32_t>(alignment_);
    }
    for (const auto& [key, value] : kvs_) {
        b.put_string(key);
        b.put<uint32_t>(uint32_t(value.type));
        if (value.type == ValueType::array) {
            const Array* a = value.array();
            if (!a) internal(path_, "key '" + key + "'", "array value holds a scalar");
            put_array(b, *a, path_, key);
        } else {
            const Scalar* s = value.scalar();
            if (!s) internal(path_, "key '" + key + "'", "scalar value holds an array");
            put_scalar(b, value.type, *s, path_, key);
        }
    }
    for (const Declared& t : tensors_) {
        b.put_string(t.name);
        b.put<uint32_t>(uint32_t(t.ne.size()));
        for (uint64_t d : t.ne) b.put<uint64_t>(d);
        b.put<uint32_t>(uint32_t(t.type));
        b.put<uint64_t>(t.offset);
    }
    b.bytes.resize(align_up(b.bytes.size(), alignment_), std::byte{0});
    header_written_ = true;
    write_bytes(b.bytes);
}

void Writer::write_bytes(std::span<const std::byte> bytes) {
    file_.write(bytes);
    written_ += bytes.size();
}

void Writer::write_tensor_data(const std::string& name, std::span<const std::byte> bytes) {
    if (committed_) internal(path_, "tensor '" + name + "'", "written after commit");
    if (!header_written_) write_header();
    if (next_tensor_ >= tensors_.size())
        internal(path_, "tensor '" + name + "'", "written but never declared (or written twice)");
    const Declared& t = tensors_[next_tensor_];
    if (t.name != name)
        internal(path_, "tensor '" + name + "'", "written out of order: expected '" + t.name + "' next");
    if (bytes.size() != t.n_bytes)
        internal(path_, "tensor '" + name + "'", std::to_string(bytes.size()) + " bytes given, " +
                                                      std::to_string(t.n_bytes) + " declared");
    write_bytes(bytes);
    static constexpr std::byte zeros[256] = {};
    uint64_t pad = align_up(t.n_bytes, alignment_) - t.n_bytes;
    while (pad > 0) {
        const uint64_t n = std::min<uint64_t>(pad, sizeof zeros);
        write_bytes({zeros, size_t(n)});
        pad -= n;
    }
    ++next_tensor_;
}

void Writer::commit() {
    if (committed_) internal(path_, "", "committed twice");
    if (!header_written_) write_header();
    if (next_tensor_ != tensors_.size())
        internal(path_, "tensor '" + tensors_[next_tensor_].name + "'", "declared but never written");
    file_.commit();
    committed_ = true;
}

}  // namespace pe::gguf
