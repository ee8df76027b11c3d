// A Hugging Face checkpoint folder's weights, whichever form they take: model.safetensors,
// model.safetensors.index.json (shards), pytorch_model.bin or pytorch_model.bin.index.json.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/convert/input_file.hpp"
#include "engine/convert/source_tensor.hpp"

namespace pe::convert {

// The weight files a folder's checkpoint consists of (the index file first when sharded), in the
// preference order above. Throws bad_input when the folder has none.
std::vector<std::string> find_weight_files(const std::string& hf_dir);

class Checkpoint {
public:
    static Checkpoint open(const std::string& hf_dir);

    const SourceTensor* find(const std::string& name) const;
    const std::map<std::string, SourceTensor>& tensors() const { return tensors_; }
    const std::vector<std::string>& files() const { return files_; }

    // The tensor's bytes as stored (little-endian, contiguous, torch order).
    std::vector<std::byte> read(const SourceTensor& t) const;

private:
    std::vector<std::string> files_;
    std::map<std::string, SourceTensor> tensors_;
    mutable std::map<std::string, std::unique_ptr<InputFile>> open_;  // opened on first read
};

}  // namespace pe::convert
