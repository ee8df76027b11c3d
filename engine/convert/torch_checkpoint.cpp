// Joins the zip directory with the unpickled state dict: each tensor becomes a byte range inside its
// storage's zip entry, after checking that it is contiguous and lies inside that storage.
#include "engine/convert/torch_checkpoint.hpp"

#include <set>
#include <unordered_map>

#include "engine/convert/input_file.hpp"
#include "engine/convert/torch_pickle.hpp"
#include "engine/convert/zip_reader.hpp"
#include "engine/error.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::convert {

namespace {

constexpr uint64_t max_pickle_bytes = uint64_t(1) << 30;

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// torch.Tensor.is_contiguous(): strides of size-1 dimensions do not matter.
bool is_contiguous(const std::vector<uint64_t>& shape, const std::vector<uint64_t>& stride) {
    uint64_t expected = 1;
    for (size_t k = shape.size(); k-- > 0;) {
        if (shape[k] == 0) return true;
        if (shape[k] != 1 && stride[k] != expected) return false;
        expected *= shape[k];
    }
    return true;
}

std::string join(const std::vector<uint64_t>& v) {
    std::string s = "(";
    for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + std::to_string(v[k]);
    return s + ")";
}

}  // namespace

std::vector<SourceTensor> read_torch_checkpoint(const std::string& path) {
    const ReadingInput reading(path);
    InputFile f(path);
    const std::vector<ZipEntry> entries = read_zip_directory(f);
    std::unordered_map<std::string, const ZipEntry*> by_name;
    const ZipEntry* pkl = nullptr;
    for (const ZipEntry& e : entries) {
        by_name[e.name] = &e;
        if (e.name == "data.pkl" || ends_with(e.name, "/data.pkl")) {
            if (pkl) throw_bad_input(path, "data.pkl", "more than one data.pkl in the archive");
            pkl = &e;
        }
    }
    if (!pkl) throw_bad_input(path, "data.pkl", "missing: not a torch.save checkpoint");
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::string("data.pkl").size());

    if (auto it = by_name.find(prefix + "byteorder"); it != by_name.end()) {
        if (it->second->size_bytes > 16) throw_bad_input(path, "byteorder", "unexpected size");
        const auto b = f.read(it->second->data_offset, it->second->size_bytes, "byteorder");
        if (std::string(reinterpret_cast<const char*>(b.data()), b.size()) != "little")
            throw_unsupported(path, "byteorder", "only little-endian checkpoints are supported");
    }

    if (pkl->method != 0) throw_unsupported(path, "data.pkl", "compressed zip entry (torch writes stored entries)");
    if (pkl->size_bytes > max_pickle_bytes) throw_bad_input(path, "data.pkl", "larger than 1 GiB");
    const auto pickle = f.read(pkl->data_offset, pkl->size_bytes, "data.pkl");
    const std::vector<PickledTensor> pickled = parse_torch_pickle(pickle, path, "data.pkl");

    // Every entry a tensor comes from is checked against its CRC-32 (reading the archive once).
    check_crc32(f, *pkl);
    std::set<const ZipEntry*> checked;

    std::vector<SourceTensor> out;
    out.reserve(pickled.size());
    for (const PickledTensor& p : pickled) {
        const std::string where = "tensor '" + p.name + "'";
        auto it = by_name.find(prefix + "data/" + p.storage_key);
        if (it == by_name.end())
            throw_bad_input(path, where, "its storage '" + p.storage_key + "' is not in the archive");
        const ZipEntry& storage = *it->second;
        if (storage.method != 0)
            throw_unsupported(path, where, "storage is a compressed zip entry (torch writes stored entries)");
        if (checked.insert(&storage).second) check_crc32(f, storage);
        const uint64_t elem = dtype_bytes(p.dtype);
        if (checked_mul(p.storage_numel, elem, path, where) > storage.size_bytes)
            throw_bad_input(path, where, "storage '" + p.storage_key + "' holds " + std::to_string(storage.size_bytes) +
                                             " bytes, fewer than its " + std::to_string(p.storage_numel) + " elements");
        if (!is_contiguous(p.shape, p.stride))
            throw_unsupported(path, where, "non-contiguous tensor: size " + join(p.shape) + ", stride " + join(p.stride) +
                                               "; re-save the state dict with contiguous tensors");
        SourceTensor t;
        t.name = p.name;
        t.dtype = p.dtype;
        t.shape = p.shape;
        t.file = path;
        uint64_t numel = 1;
        for (uint64_t d : p.shape) numel = checked_mul(numel, d, path, where + " size");
        if (checked_add(p.storage_offset, numel, path, where) > p.storage_numel)
            throw_bad_input(path, where, "elements [" + std::to_string(p.storage_offset) + ", +" + std::to_string(numel) +
                                             ") outside its storage of " + std::to_string(p.storage_numel));
        t.offset_bytes = storage.data_offset + p.storage_offset * elem;
        t.n_bytes = numel * elem;
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace pe::convert
