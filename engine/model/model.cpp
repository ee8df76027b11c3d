// Model::load: a gptneox GGUF (neox-gguf-tokenizer.md §2) checked key by key and tensor by tensor
// before any weight is used, so the forward passes can trust every shape.
#include "engine/model/model.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include "engine/error.hpp"
#include "engine/model/gptneox_names.hpp"
#include "engine/model/quant.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::model {
namespace {

class Loader {
public:
    explicit Loader(const gguf::Reader& reader) : r_(reader) {}

    HParams read_hparams() {
        HParams hp;
        const auto arch = r_.get_string(names::architecture_key);
        if (!arch) throw_bad_input(r_.path(), names::architecture_key, "missing");
        if (*arch != names::architecture)
            throw_unsupported(r_.path(), names::architecture_key,
                              "'" + *arch + "', expected '" + names::architecture + "' (GPT-NeoX / Pythia)");
        hp.n_ctx = required_u32(names::context_length);
        hp.n_embd = required_u32(names::embedding_length);
        hp.n_layer = required_u32(names::block_count);
        hp.n_ff = required_u32(names::feed_forward_length);
        hp.n_head = required_u32(names::head_count);
        const auto n_rot = r_.get_integer(names::rope_dimension_count);
        if (!n_rot) throw_bad_input(r_.path(), names::rope_dimension_count, "missing");
        if (*n_rot < 0 || *n_rot > int64_t(hp.n_embd))
            throw_bad_input(r_.path(), names::rope_dimension_count, std::to_string(*n_rot) + " is out of range");
        hp.n_rot = uint32_t(*n_rot);
        if (hp.n_embd % hp.n_head != 0)
            throw_bad_input(r_.path(), names::head_count,
                            std::to_string(hp.n_head) + " does not divide n_embd = " + std::to_string(hp.n_embd));
        if (hp.n_rot > hp.head_dim() || hp.n_rot % 2 != 0)
            throw_bad_input(r_.path(), names::rope_dimension_count,
                            std::to_string(hp.n_rot) + ", expected an even number <= head_dim = " +
                                std::to_string(hp.head_dim()));
        if (const auto eps = r_.get_number(names::layer_norm_epsilon)) {
            if (!(std::isfinite(*eps) && *eps > 0))
                throw_bad_input(r_.path(), names::layer_norm_epsilon, std::to_string(*eps) + ", expected > 0");
            hp.norm_eps = float(*eps);
        }
        if (const auto base = r_.get_number(names::rope_freq_base)) {
            if (!(std::isfinite(*base) && *base > 1))
                throw_bad_input(r_.path(), names::rope_freq_base, std::to_string(*base) + ", expected > 1");
            hp.rope_base = float(*base);
        }
        if (const auto par = r_.get_bool(names::use_parallel_residual)) hp.parallel_residual = *par;
        return hp;
    }

    // A matrix may be any type we can dequantize; norms and biases are f32 (§2.2).
    Weight tensor(const TensorRef& t, const HParams& hp) {
        const std::string name = t.gguf_name();
        const gguf::TensorInfo* info = r_.find_tensor(name);
        if (!info) throw_bad_input(r_.path(), "tensor '" + name + "'", "missing");
        if (!t.spec.is_matrix() && info->type != gguf::TensorType::f32)
            throw_unsupported(r_.path(), "tensor '" + name + "'",
                              "type " + std::string(gguf::type_traits(info->type).name) +
                                  ", expected F32 (norms and biases are always f32)");
        const std::vector<Dim> dims = t.dims();  // outermost first: ne[i] is dims[rank - 1 - i]
        if (info->ne.size() != dims.size())
            throw_bad_input(r_.path(), "tensor '" + name + "'",
                            std::to_string(info->ne.size()) + " dims, expected " + std::to_string(dims.size()),
                            info->info_offset_bytes);
        for (size_t i = 0; i < dims.size(); ++i) {
            const Dim d = dims[dims.size() - 1 - i];
            if (info->ne[i] != dim_value(d, hp))
                throw_bad_input(r_.path(), "tensor '" + name + "' ne[" + std::to_string(i) + "]",
                                std::to_string(info->ne[i]) + ", expected " + dim_name(d) + " = " +
                                    std::to_string(dim_value(d, hp)),
                                info->info_offset_bytes);
        }
        if (const auto at = first_non_finite(info->type, info->data))
            throw_bad_input(r_.path(), "tensor '" + name + "'",
                            "holds a NaN or infinite value at element " + std::to_string(*at) +
                                " (every score would be NaN); the file is damaged or was not converted from "
                                "finite weights",
                            info->offset_bytes);
        used_.insert(name);
        return Weight{info->name, info->type, info->ne, info->data};
    }

    // Every tensor of the file was asked for: an extra one (a block past block_count, a name this
    // architecture does not have) means the file is not what its metadata says.
    void check_no_extra_tensors(uint32_t n_layer) const {
        for (const gguf::TensorInfo& t : r_.tensors()) {
            if (used_.count(t.name)) continue;
            const std::string field = "tensor '" + t.name + "'";
            if (t.name.starts_with("blk."))
                throw_bad_input(r_.path(), field,
                                "not a tensor of a " + std::to_string(n_layer) + "-layer gptneox model (" +
                                    names::block_count + " = " + std::to_string(n_layer) + " disagrees with the tensors)",
                                t.info_offset_bytes);
            throw_bad_input(r_.path(), field, "unknown tensor: not part of a gptneox model", t.info_offset_bytes);
        }
    }

private:
    uint32_t required_u32(const char* key) {
        const auto v = r_.get_integer(key);
        if (!v) throw_bad_input(r_.path(), key, "missing");
        if (*v <= 0 || *v > int64_t(std::numeric_limits<int32_t>::max()))
            throw_bad_input(r_.path(), key, std::to_string(*v) + " is out of range");
        return uint32_t(*v);
    }

    const gguf::Reader& r_;
    std::set<std::string, std::less<>> used_;
};

}  // namespace

Model Model::load(const std::string& path) { return from_reader(gguf::Reader::open(path)); }

Model Model::from_reader(gguf::Reader reader) {
    const ReadingInput reading(reader.path());
    Model m(std::move(reader));
    Loader ld(m.reader_);
    HParams hp = ld.read_hparams();

    // The padded vocabulary is whatever token_embd holds (§1.7); output.weight must agree.
    const std::string embd_name = TensorRef{std::get<0>(input_tensors).spec}.gguf_name();
    const gguf::TensorInfo* embd = m.reader_.find_tensor(embd_name);
    if (embd && embd->ne.size() == 2) {
        if (embd->ne[1] == 0 || embd->ne[1] > uint64_t(std::numeric_limits<int32_t>::max()))
            throw_bad_input(m.reader_.path(), "tensor '" + embd_name + "' ne[1]",
                            std::to_string(embd->ne[1]) + " is not a usable vocabulary size",
                            embd->info_offset_bytes);
        hp.n_vocab = uint32_t(embd->ne[1]);
    }
    // 12 tensors per layer: a block_count the tensors cannot back is refused before the layer table
    // is allocated from it (a layer short of a tensor or two gets the "missing" error below instead).
    const uint64_t tensors_needed = uint64_t(hp.n_layer) * 12;
    if (tensors_needed > m.reader_.tensors().size())
        throw_bad_input(m.reader_.path(), names::block_count,
                        std::to_string(hp.n_layer) + " layers need " + std::to_string(tensors_needed) +
                            " tensors, but the file holds " + std::to_string(m.reader_.tensors().size()));
    m.layers.resize(hp.n_layer);
    for_each_tensor([&](const TensorRef& t, Weight& w) { w = ld.tensor(t, hp); }, static_cast<ModelWeights&>(m));
    ld.check_no_extra_tensors(hp.n_layer);
    m.hparams_ = hp;
    return m;
}

std::string Model::name() const {
    if (auto n = reader_.get_string(names::name_key); n && !n->empty()) return *n;
    return std::filesystem::path(reader_.path()).stem().string();
}

}  // namespace pe::model
