// Reads one member out of a .zip archive (stored or deflated, no ZIP64), for `data fetch`: WinoGrande
// and SciQ are published as zips (PROVENANCE.md). The CRC-32 of every member read is checked.
#pragma once

#include <string>
#include <vector>

namespace pe::tasks {

struct ZipEntry {
    std::string name;
    uint16_t method = 0;  // 0 stored, 8 deflate
    uint32_t crc32 = 0;
    uint64_t compressed_size = 0, size = 0;
    uint64_t local_header_offset = 0;
};

class ZipArchive {
public:
    // Reads the central directory; throws pe::Error (bad_input, naming the field and byte offset).
    explicit ZipArchive(std::string path);
    const std::vector<ZipEntry>& entries() const { return entries_; }
    // The member's bytes; a missing member is an error listing what the archive holds.
    std::string read(const std::string& name) const;

private:
    std::string path_;
    std::string bytes_;  // the archives here are a few MB
    std::vector<ZipEntry> entries_;
};

}  // namespace pe::tasks
