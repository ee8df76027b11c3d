// safetensors reader: u64 little-endian header length N, N bytes of JSON
//   {"__metadata__": {...}, "<name>": {"dtype": "F16", "shape": [..], "data_offsets": [begin, end]}, ...}
// then the data; offsets are relative to the data start (8 + N). Format: huggingface/safetensors README.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/convert/source_tensor.hpp"

namespace pe::convert {

inline constexpr uint64_t safetensors_max_header_bytes = 100'000'000;  // the reference library's limit

// Every tensor of a .safetensors file, in header order, with absolute byte offsets into `path`.
std::vector<SourceTensor> read_safetensors(const std::string& path);

// The header part alone (fuzzed): `json` is the header text, `file_bytes` the whole file's size.
std::vector<SourceTensor> parse_safetensors_header(std::string_view json, uint64_t file_bytes,
                                                   const std::string& file);

}  // namespace pe::convert
