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
};

// All entries of `file`. Throws bad_input naming the file for anything malformed; entries that are
// compressed are listed (method != 0) and refused only when read.
std::vector<ZipEntry> read_zip_directory(const InputFile& file);

}  // namespace pe::convert
