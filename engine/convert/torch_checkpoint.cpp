// Joins the zip directory with the unpickled state dict: each tensor becomes a byte range inside its
// storage's zip entry, after checking that it is contiguous and lies inside that storage.
#include "engine/convert/torch_checkpoint.hpp"

#include <cstdio>
#include <set>
#include <unordered_map>

#include <zlib.h>

#include "engine/convert/torch_pickle.hpp"
#include "engine/error.hpp"
#include "engine/io/zip.hpp"
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

// A stored entry's bytes against the CRC-32 the archive records: a damaged or altered checkpoint is
// refused before anything is converted from it (issue #12, item 9).
void check_crc32(const std::string& path, const io::ZipEntry& e, std::span<const std::byte> bytes) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    for (size_t done = 0; done < bytes.size();) {
        const size_t n = std::min<size_t>(bytes.size() - done, size_t(1) << 30);
        crc = ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), uInt(n));
        done += n;
    }
    if (uint32_t(crc) != e.crc32) {
        char got[16], want[16];
        std::snprintf(got, sizeof got, "%08x", unsigned(crc));
        std::snprintf(want, sizeof want, "%08x", unsigned(e.crc32));
        throw_bad_input(path, "zip entry '" + e.name + "'",
                        std::string("CRC-32 of its bytes is ") + got + ", the archive says " + want +
                            ": the file is damaged or was altered",
                        e.data_offset);
    }
}

}  // namespace

std::vector<SourceTensor> read_torch_checkpoint(const std::string& path) {
    const ReadingInput reading(path);
    // torch.save before 1.6 wrote a bare pickle, which starts with the PROTO opcode 0x80.
    if (const auto file = io::MappedFile::map(path); !file.bytes().empty() && file.bytes()[0] == std::byte{0x80})
        throw_unsupported(path, "zip", "not a zip archive: the legacy pre-1.6 torch.save format is not supported "
                                       "(re-save the state dict with PyTorch >= 1.6)");
    const io::ZipArchive zip(path);
    std::unordered_map<std::string, const io::ZipEntry*> by_name;
    const io::ZipEntry* pkl = nullptr;
    for (const io::ZipEntry& e : zip.entries()) {
        by_name[e.name] = &e;
        if (e.name == "data.pkl" || ends_with(e.name, "/data.pkl")) {
            if (pkl) throw_bad_input(path, "data.pkl", "more than one data.pkl in the archive");
            pkl = &e;
        }
    }
    if (!pkl) throw_bad_input(path, "data.pkl", "missing: not a torch.save checkpoint");
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::string("data.pkl").size());

    if (auto it = by_name.find(prefix + "byteorder"); it != by_name.end()) {
        if (it->second->size > 16) throw_bad_input(path, "byteorder", "unexpected size");
        const auto b = zip.stored(*it->second, "byteorder");
        if (std::string(reinterpret_cast<const char*>(b.data()), b.size()) != "little")
            throw_unsupported(path, "byteorder", "only little-endian checkpoints are supported");
    }

    if (pkl->size > max_pickle_bytes) throw_bad_input(path, "data.pkl", "larger than 1 GiB");
    const auto pickle = zip.stored(*pkl, "data.pkl");
    check_crc32(path, *pkl, pickle);
    const std::vector<PickledTensor> pickled = parse_torch_pickle(pickle, path, "data.pkl");
    std::set<const io::ZipEntry*> checked;

    std::vector<SourceTensor> out;
    out.reserve(pickled.size());
    for (const PickledTensor& p : pickled) {
        const std::string where = "tensor '" + p.name + "'";
        auto it = by_name.find(prefix + "data/" + p.storage_key);
        if (it == by_name.end())
            throw_bad_input(path, where, "its storage '" + p.storage_key + "' is not in the archive");
        const io::ZipEntry& storage = *it->second;
        if (storage.method != 0)
            throw_unsupported(path, where, "storage is a compressed zip entry (torch writes stored entries)");
        if (checked.insert(&storage).second) check_crc32(path, storage, zip.stored(storage, where + " storage"));
        const uint64_t elem = dtype_bytes(p.dtype);
        if (checked_mul(p.storage_numel, elem, path, where) > storage.size)
            throw_bad_input(path, where, "storage '" + p.storage_key + "' holds " + std::to_string(storage.size) +
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
