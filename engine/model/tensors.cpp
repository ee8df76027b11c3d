// TensorRef and the dimension names of the tensor table (tensors.hpp).
#include "engine/model/tensors.hpp"

namespace pe::model {

uint64_t dim_value(Dim d, const HParams& hp) {
    switch (d) {
        case Dim::C: return hp.n_embd;
        case Dim::C3: return 3ull * hp.n_embd;
        case Dim::F: return hp.n_ff;
        case Dim::Vp: return hp.n_vocab;
        case Dim::none: break;
    }
    return 0;
}

const char* dim_name(Dim d) {
    switch (d) {
        case Dim::C: return "n_embd";
        case Dim::C3: return "3*n_embd";
        case Dim::F: return "n_ff";
        case Dim::Vp: return "n_vocab (token_embd ne[1])";
        case Dim::none: break;
    }
    return "?";
}

std::string TensorRef::gguf_name() const {
    return layer < 0 ? std::string(spec.gguf) : "blk." + std::to_string(layer) + "." + spec.gguf;
}

std::string TensorRef::hf_name() const {
    return layer < 0 ? std::string(spec.hf) : "gpt_neox.layers." + std::to_string(layer) + "." + spec.hf;
}

std::vector<Dim> TensorRef::dims() const {
    std::vector<Dim> out;
    for (Dim d : spec.dims)
        if (d != Dim::none) out.push_back(d);
    return out;
}

std::vector<uint64_t> TensorRef::shape(const HParams& hp) const {
    std::vector<uint64_t> out;
    for (Dim d : dims()) out.push_back(dim_value(d, hp));
    return out;
}

std::vector<uint64_t> TensorRef::ne(const HParams& hp) const {
    const auto s = shape(hp);
    return {s.rbegin(), s.rend()};
}

}  // namespace pe::model
