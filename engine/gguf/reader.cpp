// GGUF reader (neox-gguf-tokenizer.md §3.1): parses header, metadata and tensor infos through a
// Cursor, then checks the data layout (alignment, bounds, overlaps) before any tensor view exists.
#include "engine/gguf/reader.hpp"

#include <algorithm>
#include <limits>

#include "engine/error.hpp"
#include "engine/gguf/cursor.hpp"
#include "engine/io/mapped_file.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::gguf {

namespace {

// Smallest encodings, used to bound counts by the bytes left before anything is allocated.
constexpr uint64_t min_kv_bytes = 8 + 4 + 1;               // empty key, type, 1-byte value
constexpr uint64_t min_tensor_info_bytes = 8 + 4 + 8 + 4 + 8;  // empty name, 1 dim, type, offset
constexpr uint32_t max_array_depth = 16;  // nested arrays: the spec allows them, nobody writes deep ones
// Each array element becomes a Scalar (~40 bytes, even for a u8), so a file-size bound alone would
// still let a large u8 array cost 40x its size in memory. Real files hold a few vocabularies of
// up to ~256k entries; 2^24 elements in all is far above that.
constexpr uint64_t max_array_elements = uint64_t(1) << 24;
constexpr uint64_t max_reserve = 1 << 16;  // vectors grow past this only as items are actually read

uint64_t min_value_bytes(ValueType t) {
    switch (t) {
        case ValueType::u8: case ValueType::i8: case ValueType::boolean: return 1;
        case ValueType::u16: case ValueType::i16: return 2;
        case ValueType::u32: case ValueType::i32: case ValueType::f32: return 4;
        case ValueType::u64: case ValueType::i64: case ValueType::f64: case ValueType::string: return 8;
        case ValueType::array: return 4 + 8;
    }
    return 1;
}

std::string quoted(std::string_view s) {
    // Keys and names come from the file: keep the error on one line and short.
    std::string out = "'";
    for (char c : s.substr(0, 80)) out += (c == '\n' || c == '\r' || c == '\0') ? '?' : c;
    if (s.size() > 80) out += "...";
    return out + "'";
}

}  // namespace

class Parser {
public:
    Parser(Reader& r, std::span<const std::byte> bytes) : r_(r), cur_(bytes, r.path_) {}

    void run() {
        header();
        metadata();
        tensor_infos();
        data_layout();
    }

private:
    void header() {
        const uint32_t m = cur_.u32("header.magic");
        if (m != magic) cur_.fail("header.magic", "not a GGUF file (magic is not \"GGUF\")", 0);
        const uint64_t version_at = cur_.offset();
        const uint32_t v = cur_.u32("header.version");
        if (v == 0) cur_.fail("header.version", "invalid version 0", version_at);
        if ((v & 0xffff) == 0)
            throw Error(ErrorKind::unsupported, r_.path_, "header.version",
                        "version " + std::to_string(v) + " looks byte-swapped: big-endian GGUF is not supported",
                        version_at);
        if (v == 1 || v > version_current)
            throw Error(ErrorKind::unsupported, r_.path_, "header.version",
                        "GGUF version " + std::to_string(v) + " is not supported (versions 2 and 3 are)",
                        version_at);
        r_.version_ = v;
        n_tensors_at_ = cur_.offset();
        n_tensors_ = cur_.u64("header.n_tensors");
        const uint64_t n_kv_at = cur_.offset();
        n_kv_ = cur_.u64("header.n_kv");
        // Both counts must fit the bytes that follow, even at their smallest encodings.
        const auto kv_min = checked_mul(n_kv_, min_kv_bytes);
        if (!kv_min || *kv_min > cur_.remaining())
            cur_.fail("header.n_kv", std::to_string(n_kv_) + " key-value pairs cannot fit in the " +
                                         std::to_string(cur_.remaining()) + " bytes left", n_kv_at);
        const auto t_min = checked_mul(n_tensors_, min_tensor_info_bytes);
        if (!t_min || *t_min > cur_.remaining() - *kv_min)
            cur_.fail("header.n_tensors", std::to_string(n_tensors_) + " tensor infos cannot fit in the " +
                                              std::to_string(cur_.remaining()) + " bytes left", n_tensors_at_);
    }

    void metadata() {
        r_.kvs_.reserve(std::min(n_kv_, max_reserve));
        for (uint64_t i = 0; i < n_kv_; ++i) {
            const uint64_t at = cur_.offset();
            const std::string idx = "kv[" + std::to_string(i) + "]";
            std::string key(cur_.string(idx + ".key"));
            const std::string field = "key " + quoted(key);
            if (r_.kv_index_.count(key))
                cur_.fail(field, "duplicate key (first at byte " +
                                     std::to_string(r_.kvs_[r_.kv_index_.find(key)->second].offset_bytes) + ")",
                          at);
            const uint64_t type_at = cur_.offset();
            const uint32_t raw = cur_.u32(field + " type");
            const auto type = value_type_from(raw);
            if (!type) cur_.fail(field + " type", "unknown value type " + std::to_string(raw), type_at);
            const uint64_t value_at = cur_.offset();
            Value value = read_value(*type, field, 0);
            if (key == "general.alignment") check_alignment(value, field, value_at);
            r_.kv_index_.emplace(key, r_.kvs_.size());
            r_.kvs_.push_back({std::move(key), std::move(value), at});
        }
    }

    void check_alignment(const Value& v, const std::string& field, uint64_t at) {
        if (v.type != ValueType::u32)
            cur_.fail(field, std::string("must be u32, found ") + std::string(value_type_name(v.type)), at);
        const uint32_t a = std::get<uint32_t>(*v.scalar());
        if (a == 0 || (a & (a - 1)) != 0)
            cur_.fail(field, "alignment " + std::to_string(a) + " is not a power of two", at);
        r_.alignment_ = a;
    }

    Value read_value(ValueType t, const std::string& field, uint32_t depth) {
        if (t == ValueType::array) return Value::of_array(read_array(field, depth));
        return Value::of(t, read_scalar(t, field));
    }

    Scalar read_scalar(ValueType t, const std::string& field) {
        switch (t) {
            case ValueType::u8: return cur_.u8(field);
            case ValueType::i8: return cur_.i8(field);
            case ValueType::u16: return cur_.u16(field);
            case ValueType::i16: return cur_.i16(field);
            case ValueType::u32: return cur_.u32(field);
            case ValueType::i32: return cur_.i32(field);
            case ValueType::f32: return cur_.f32(field);
            case ValueType::u64: return cur_.u64(field);
            case ValueType::i64: return cur_.i64(field);
            case ValueType::f64: return cur_.f64(field);
            case ValueType::string: return std::string(cur_.string(field));
            case ValueType::boolean: {
                const uint64_t at = cur_.offset();
                const uint8_t b = cur_.u8(field);
                if (b > 1) cur_.fail(field, "bool must be 0 or 1, found " + std::to_string(b), at);
                return b == 1;
            }
            case ValueType::array: break;
        }
        cur_.fail(field, "internal: array read as a scalar");
    }

    Array read_array(const std::string& field, uint32_t depth) {
        const uint64_t at = cur_.offset();
        if (depth >= max_array_depth)
            cur_.fail(field, "arrays nested deeper than " + std::to_string(max_array_depth), at);
        const uint32_t raw = cur_.u32(field + " element type");
        const auto elem = value_type_from(raw);
        if (!elem) cur_.fail(field + " element type", "unknown value type " + std::to_string(raw), at);
        const uint64_t count_at = cur_.offset();
        const uint64_t count = cur_.u64(field + " count");
        if (count > cur_.remaining() / min_value_bytes(*elem))
            cur_.fail(field + " count",
                      "array of " + std::to_string(count) + " " + std::string(value_type_name(*elem)) +
                          " cannot fit in the " + std::to_string(cur_.remaining()) + " bytes left",
                      count_at);
        if (count > max_array_elements - array_elements_)
            throw Error(ErrorKind::unsupported, r_.path_, field + " count",
                        "metadata arrays hold more than " + std::to_string(max_array_elements) +
                            " elements in all, more than this reader accepts",
                        count_at);
        array_elements_ += count;
        Array a;
        a.elem_type = *elem;
        if (*elem == ValueType::array) {
            a.arrays.reserve(std::min(count, max_reserve));
            for (uint64_t i = 0; i < count; ++i) a.arrays.push_back(read_array(field, depth + 1));
        } else {
            a.items.reserve(std::min(count, max_reserve));
            for (uint64_t i = 0; i < count; ++i) a.items.push_back(read_scalar(*elem, field));
        }
        return a;
    }

    void tensor_infos() {
        r_.tensors_.reserve(std::min(n_tensors_, max_reserve));
        offset_field_at_.reserve(std::min(n_tensors_, max_reserve));
        for (uint64_t i = 0; i < n_tensors_; ++i) {
            TensorInfo t;
            t.info_offset_bytes = cur_.offset();
            t.name = std::string(cur_.string("tensor[" + std::to_string(i) + "].name"));
            const std::string field = "tensor " + quoted(t.name);
            if (t.name.size() > max_name_bytes)
                cur_.fail(field + " name", "name is " + std::to_string(t.name.size()) + " bytes, at most " +
                                               std::to_string(max_name_bytes) + " allowed",
                          t.info_offset_bytes);
            if (auto it = r_.tensor_index_.find(t.name); it != r_.tensor_index_.end())
                cur_.fail(field + " name",
                          "duplicate tensor name (first at byte " +
                              std::to_string(r_.tensors_[it->second].info_offset_bytes) + ")",
                          t.info_offset_bytes);
            const uint64_t dims_at = cur_.offset();
            const uint32_t n_dims = cur_.u32(field + " n_dims");
            if (n_dims == 0 || n_dims > max_dims)
                cur_.fail(field + " n_dims",
                          std::to_string(n_dims) + " dims, expected 1.." + std::to_string(max_dims), dims_at);
            uint64_t n_elements = 1;
            for (uint32_t d = 0; d < n_dims; ++d) {
                const std::string ne_field = field + " ne[" + std::to_string(d) + "]";
                const uint64_t ne_at = cur_.offset();
                const uint64_t ne = cur_.u64(ne_field);
                if (ne == 0) cur_.fail(ne_field, "dimension is 0", ne_at);
                if (ne > uint64_t(std::numeric_limits<int64_t>::max()))
                    cur_.fail(ne_field, "dimension " + std::to_string(ne) + " exceeds int64", ne_at);
                const auto prod = checked_mul(n_elements, ne);
                if (!prod || *prod > uint64_t(std::numeric_limits<int64_t>::max()))
                    cur_.fail(ne_field, "element count overflows int64", ne_at);
                n_elements = *prod;
                t.ne.push_back(ne);
            }
            const uint64_t type_at = cur_.offset();
            const uint32_t raw = cur_.u32(field + " type");
            const auto type = tensor_type_from(raw);
            if (!type) {
                const std::string_view ggml_name = ggml_type_name(raw);
                if (ggml_name.empty())
                    cur_.fail(field + " type", "unknown tensor type id " + std::to_string(raw), type_at);
                throw Error(ErrorKind::unsupported, r_.path_, field + " type",
                            "type " + std::string(ggml_name) + " (id " + std::to_string(raw) +
                                ") is not supported (F32, F16, BF16, Q8_0, Q4_0, Q6_K are)",
                            type_at);
            }
            t.type = *type;
            const TypeTraits& tr = type_traits(t.type);
            if (t.ne[0] % tr.block_elems != 0)
                cur_.fail(field + " ne[0]",
                          std::to_string(t.ne[0]) + " is not a multiple of the " + std::string(tr.name) +
                              " block size " + std::to_string(tr.block_elems),
                          dims_at + 4);
            uint64_t n_bytes = cur_.mul(t.ne[0] / tr.block_elems, tr.block_bytes, field + " size");
            for (size_t d = 1; d < t.ne.size(); ++d) n_bytes = cur_.mul(n_bytes, t.ne[d], field + " size");
            t.n_bytes = n_bytes;
            offset_field_at_.push_back(cur_.offset());
            t.offset_bytes = cur_.u64(field + " offset");  // relative for now; made absolute below
            r_.tensor_index_.emplace(t.name, r_.tensors_.size());
            r_.tensors_.push_back(std::move(t));
        }
    }

    void data_layout() {
        const uint64_t info_end = cur_.offset();
        const uint64_t pad = (r_.alignment_ - info_end % r_.alignment_) % r_.alignment_;
        r_.data_offset_ = cur_.add(info_end, pad, "data section");
        const uint64_t file_size = cur_.size();
        if (r_.tensors_.empty()) return;
        if (r_.data_offset_ > file_size)
            cur_.fail("data section", "starts at byte " + std::to_string(r_.data_offset_) +
                                          ", past the end of the file (" + std::to_string(file_size) + " bytes)",
                      info_end);
        for (size_t i = 0; i < r_.tensors_.size(); ++i) {
            TensorInfo& t = r_.tensors_[i];
            const std::string field = "tensor " + quoted(t.name) + " offset";
            const uint64_t rel = t.offset_bytes;
            if (rel % r_.alignment_ != 0)
                cur_.fail(field, std::to_string(rel) + " is not a multiple of the alignment " +
                                     std::to_string(r_.alignment_), offset_field_at_[i]);
            const auto begin = checked_add(r_.data_offset_, rel);
            const auto end = begin ? checked_add(*begin, t.n_bytes) : std::nullopt;
            if (!end || *end > file_size)
                cur_.fail(field, "data [" + std::to_string(rel) + ", +" + std::to_string(t.n_bytes) +
                                     ") runs past the end of the file (" + std::to_string(file_size - r_.data_offset_) +
                                     " data bytes)", offset_field_at_[i]);
            t.offset_bytes = *begin;
        }
        std::vector<size_t> order(r_.tensors_.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return r_.tensors_[a].offset_bytes < r_.tensors_[b].offset_bytes;
        });
        for (size_t k = 1; k < order.size(); ++k) {
            const TensorInfo& prev = r_.tensors_[order[k - 1]];
            const TensorInfo& next = r_.tensors_[order[k]];
            if (prev.offset_bytes + prev.n_bytes > next.offset_bytes) {
                const size_t later = std::max(order[k - 1], order[k]);  // report the one declared second
                const TensorInfo& other = r_.tensors_[later == order[k] ? order[k - 1] : order[k]];
                cur_.fail("tensor " + quoted(r_.tensors_[later].name) + " offset",
                          "data overlaps tensor " + quoted(other.name), offset_field_at_[later]);
            }
        }
    }

    Reader& r_;
    Cursor cur_;
    uint64_t n_tensors_ = 0, n_kv_ = 0, n_tensors_at_ = 0, array_elements_ = 0;
    std::vector<uint64_t> offset_field_at_;  // where each tensor's offset field sits, for errors
};

uint64_t TensorInfo::n_elements() const {
    uint64_t n = 1;
    for (uint64_t d : ne) n *= d;  // validated by the reader not to overflow
    return n;
}

Reader Reader::open(const std::string& path) {
    const ReadingInput reading(path);
    Reader r;
    r.path_ = path;
    r.map_ = std::make_unique<io::MappedFile>(io::MappedFile::map(path));
    Parser(r, r.map_->bytes()).run();
    for (TensorInfo& t : r.tensors_) t.data = r.map_->bytes().subspan(t.offset_bytes, t.n_bytes);
    return r;
}

Reader Reader::from_bytes(std::vector<std::byte> bytes, const std::string& name) {
    const ReadingInput reading(name);
    Reader r;
    r.path_ = name;
    r.map_ = std::make_unique<io::MappedFile>(io::MappedFile::own(std::move(bytes)));
    Parser(r, r.map_->bytes()).run();
    for (TensorInfo& t : r.tensors_) t.data = r.map_->bytes().subspan(t.offset_bytes, t.n_bytes);
    return r;
}

Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
Reader::~Reader() = default;

uint64_t Reader::file_bytes() const { return map_ ? map_->bytes().size() : 0; }

const KeyValue* Reader::find_kv(std::string_view key) const {
    const auto it = kv_index_.find(key);
    return it == kv_index_.end() ? nullptr : &kvs_[it->second];
}

const Value* Reader::find(std::string_view key) const {
    const KeyValue* kv = find_kv(key);
    return kv ? &kv->value : nullptr;
}

const TensorInfo* Reader::find_tensor(std::string_view name) const {
    const auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

namespace {
[[noreturn]] void wrong_type(const std::string& file, const KeyValue& kv, const char* expected) {
    throw_bad_input(file, "key '" + kv.key + "'",
                    std::string("expected ") + expected + ", found " + std::string(value_type_name(kv.value.type)),
                    kv.offset_bytes);
}
}  // namespace

std::optional<int64_t> Reader::get_integer(std::string_view key) const {
    const KeyValue* kv = find_kv(key);
    if (!kv) return std::nullopt;
    const auto v = as_integer(kv->value);
    if (!v) wrong_type(path_, *kv, "an integer");
    return v;
}

std::optional<double> Reader::get_number(std::string_view key) const {
    const KeyValue* kv = find_kv(key);
    if (!kv) return std::nullopt;
    const auto v = as_number(kv->value);
    if (!v) wrong_type(path_, *kv, "a number");
    return v;
}

std::optional<std::string> Reader::get_string(std::string_view key) const {
    const KeyValue* kv = find_kv(key);
    if (!kv) return std::nullopt;
    const std::string* v = as_string(kv->value);
    if (!v) wrong_type(path_, *kv, "a string");
    return *v;
}

std::optional<bool> Reader::get_bool(std::string_view key) const {
    const KeyValue* kv = find_kv(key);
    if (!kv) return std::nullopt;
    const auto v = as_bool(kv->value);
    if (!v) wrong_type(path_, *kv, "a bool");
    return v;
}

const Array* Reader::get_array(std::string_view key) const {
    const KeyValue* kv = find_kv(key);
    if (!kv) return nullptr;
    const Array* a = kv->value.array();
    if (!a) wrong_type(path_, *kv, "an array");
    return a;
}

}  // namespace pe::gguf
