// A strict pickle reader for torch.save state dicts (data.pkl inside a torch zip checkpoint).
// Nothing is executed: it understands only the opcodes torch writes for an OrderedDict of tensors
// and the globals collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
// torch.{Float,Half,BFloat16,Bool,Byte}Storage; anything else is a pe::Error naming it.
// Opcode meanings: CPython Lib/pickletools.py; torch layout: torch/serialization.py (_save).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/convert/source_tensor.hpp"

namespace pe::convert {

struct PickledTensor {
    std::string name;
    SourceDType dtype = SourceDType::other;  // from the storage class
    std::string storage_key;                 // names the zip entry <archive>/data/<key>
    uint64_t storage_numel = 0;              // elements in the whole storage
    uint64_t storage_offset = 0;             // in elements
    std::vector<uint64_t> shape, stride;     // torch order, strides in elements
};

// `file` and `field` name the source in errors (e.g. "pytorch_model.bin", "data.pkl").
std::vector<PickledTensor> parse_torch_pickle(std::span<const std::byte> bytes, const std::string& file,
                                              const std::string& field);

}  // namespace pe::convert
