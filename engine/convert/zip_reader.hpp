// Minimal ZIP reader for PyTorch checkpoints (torch.save's zip format): end-of-central-directory
// record (and its ZIP64 form), central directory, local headers. Only stored (uncompressed) entries
// can be read, which is what torch writes. Format: PKWARE APPNOTE.TXT §4.3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/convert/input_file.hpp"

namespace pe::convert {

struct ZipEntry {
    std::string name;
    uint16_t method = 0;        // 0 = stored
    uint64_t size_bytes = 0;    // uncompressed size
    uint64_t data_offset = 0;   // absolute offset of the entry's bytes (after its local header)
    uint32_t crc32 = 0;         // of the uncompressed bytes, from the central directory
};

// All entries of `file`. Throws bad_input naming the file for anything malformed; entries that are
// compressed are listed (method != 0) and refused only when read.
std::vector<ZipEntry> read_zip_directory(const InputFile& file);

// Reads a stored entry's bytes (in 1 MiB pieces) and compares their CRC-32 with the directory's:
// a damaged archive is refused before anything is converted from it. bad_input naming the entry.
void check_crc32(const InputFile& file, const ZipEntry& entry);

}  // namespace pe::convert
