// PyTorch zip checkpoints (pytorch_model.bin as torch.save writes it since torch 1.6):
// <archive>/data.pkl holds the state dict, <archive>/data/<key> each storage's raw little-endian bytes.
#pragma once

#include <string>
#include <vector>

#include "engine/convert/source_tensor.hpp"

namespace pe::convert {

// Every tensor of the state dict, with absolute offsets into `path`. Non-contiguous tensors and
// big-endian archives are refused with a pe::Error naming the file and the tensor.
std::vector<SourceTensor> read_torch_checkpoint(const std::string& path);

}  // namespace pe::convert
