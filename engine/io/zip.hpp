// One ZIP reader for the torch.save checkpoints (convert) and the dataset archives (data fetch):
// the archive is mapped, stored entries are returned in place (zero-copy), deflated ones are
// inflated through zlib, ZIP64 archives and entries are read. Format: PKWARE APPNOTE.TXT §4.3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/mapped_file.hpp"

namespace pe::io {

struct ZipEntry {
    std::string name;
    uint16_t method = 0;            // 0 stored, 8 deflate
    uint32_t crc32 = 0;
    uint64_t compressed_size = 0;   // bytes in the archive
    uint64_t size = 0;              // uncompressed
    uint64_t data_offset = 0;       // absolute offset of the entry's bytes (after its local header)
};

class ZipArchive {
public:
    // Maps `path` and reads its central directory. Throws bad_input naming the field and byte offset
    // for anything malformed (and for data that lies outside the file), unsupported for encryption.
    explicit ZipArchive(std::string path);

    const std::string& path() const { return path_; }
    const std::vector<ZipEntry>& entries() const { return entries_; }
    // The entry called `name`; a missing one is bad_input listing what the archive holds.
    const ZipEntry& entry(std::string_view name) const;

    // A stored entry's bytes where they lie in the archive; a compressed entry is unsupported,
    // named by `what` (a caller's word for it, such as "tensor 'x' storage"). No CRC check.
    std::span<const std::byte> stored(const ZipEntry& e, const std::string& what) const;
    // Any entry's bytes, inflated if needed, with its CRC-32 checked.
    std::string read(std::string_view name) const;

private:
    std::string path_;
    MappedFile file_;
    std::vector<ZipEntry> entries_;
};

}  // namespace pe::io
