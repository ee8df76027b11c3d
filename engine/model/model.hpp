// A GPT-NeoX model read from a GGUF in llama.cpp's gptneox convention (neox-gguf-tokenizer.md §2):
// hyper-parameters checked against every tensor's shape, and zero-copy views of the weights.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/gguf/reader.hpp"
#include "engine/model/hparams.hpp"
#include "engine/model/tensors.hpp"

namespace pe::model {

// A weight as stored: row r of a 2-D weight is ne[0] contiguous elements (one output feature).
struct Weight {
    std::string name;
    gguf::TensorType type = gguf::TensorType::f32;
    std::vector<uint64_t> ne;
    std::span<const std::byte> data;
    uint64_t cols() const { return ne.empty() ? 0 : ne[0]; }
    uint64_t rows() const { return ne.size() > 1 ? ne[1] : 1; }
};

// The model's tensors as GGUF views, laid out by the tensor table (tensors.hpp).
using LayerWeights = LayerTensors<Weight>;
using ModelWeights = ModelTensors<Weight>;

class Model : public ModelWeights {
public:
    // Reads and validates a gptneox GGUF: architecture, hyper-parameters, every tensor's presence,
    // type and shape. Throws pe::Error naming the file and the offending key or tensor.
    static Model load(const std::string& path);
    static Model from_reader(gguf::Reader reader);

    const HParams& hparams() const { return hparams_; }
    const gguf::Reader& gguf() const { return reader_; }
    const std::string& path() const { return reader_.path(); }
    std::string name() const;  // general.name, else the file stem

private:
    explicit Model(gguf::Reader reader) : reader_(std::move(reader)) {}
    gguf::Reader reader_;
    HParams hparams_;
};

}  // namespace pe::model
