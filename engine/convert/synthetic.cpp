// Random-weight Pythia-shaped GGUFs (synthetic.hpp); shapes from neox-gguf-tokenizer.md §1.8,
// keys and tensor layout from §2.1-§2.2 (the same the converter writes).
#include "engine/convert/synthetic.hpp"

#include <cmath>
#include <numbers>

#include "engine/convert/gguf_metadata.hpp"
#include "engine/convert/hf_tokenizer.hpp"
#include "engine/gguf/writer.hpp"
#include "engine/model/gptneox_names.hpp"
#include "engine/model/quant.hpp"
#include "engine/model/tensors.hpp"

namespace pe::convert {

using model::HParams;
namespace names = model::names;

namespace {

HParams pythia(uint32_t n_layer, uint32_t n_embd, uint32_t n_head) {
    HParams hp;
    hp.n_vocab = 50304;
    hp.n_ctx = 2048;
    hp.n_embd = n_embd;
    hp.n_layer = n_layer;
    hp.n_head = n_head;
    hp.n_rot = n_embd / n_head / 4;  // rotary_pct 0.25
    hp.n_ff = 4 * n_embd;
    return hp;
}

const std::vector<SynthShape>& shapes() {
    static const std::vector<SynthShape> all = {
        {"tiny", pythia(3, 128, 4)},   {"14m", pythia(6, 128, 4)},    {"70m", pythia(6, 512, 8)},
        {"160m", pythia(12, 768, 12)}, {"410m", pythia(24, 1024, 16)},
    };
    return all;
}

// splitmix64 + Box-Muller: the same numbers on every platform and standard library, which
// std::normal_distribution does not promise.
class Normal {
public:
    explicit Normal(uint64_t seed) : state_(seed) {}
    float operator()(double mean, double std) {
        if (has_spare_) {
            has_spare_ = false;
            return float(mean + std * spare_);
        }
        const double u1 = (double(next() >> 11) + 1.0) * 0x1p-53;  // (0, 1]
        const double u2 = double(next() >> 11) * 0x1p-53;
        const double r = std::sqrt(-2.0 * std::log(u1));
        spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
        has_spare_ = true;
        return float(mean + std * r * std::cos(2.0 * std::numbers::pi * u2));
    }

private:
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t state_;
    double spare_ = 0;
    bool has_spare_ = false;
};

struct Init {
    double mean, std;
};

// The weight scales of synthetic.hpp, by what the tensor is: a layer matrix writing C features
// writes into the residual stream and is scaled down by sqrt(2L) more (GPT-2's initialisation).
Init init_of(const model::TensorRef& t, const HParams& hp) {
    using model::Dim, model::TensorKind;
    switch (t.spec.kind) {
        case TensorKind::embedding: return {0.0, 1.0};
        case TensorKind::norm: return {1.0, 0.05};
        case TensorKind::bias: return {0.0, 0.02};
        case TensorKind::unembedding: return {0.0, 2.0 / std::sqrt(double(hp.n_embd))};
        case TensorKind::matrix: break;
    }
    const double fan_in = double(model::dim_value(t.spec.dims[1], hp));
    if (t.spec.dims[0] == Dim::C) return {0.0, 1.0 / std::sqrt(2.0 * hp.n_layer * fan_in)};
    return {0.0, 1.0 / std::sqrt(fan_in)};
}

}  // namespace

std::optional<SynthShape> synth_shape(std::string_view name) {
    for (const auto& s : shapes())
        if (s.name == name) return s;
    return std::nullopt;
}

std::vector<std::string> synth_shape_names() {
    std::vector<std::string> out;
    for (const auto& s : shapes()) out.push_back(s.name);
    return out;
}

void write_synthetic_gguf(const std::string& path, const SynthOptions& options) {
    const HParams& hp = options.shape.hparams;
    gguf::Writer w(path);
    w.add_string(names::architecture_key, names::architecture);
    w.add_string(names::name_key, "synthetic-pythia-" + options.shape.name + "-seed" + std::to_string(options.seed));
    add_hparams_keys(w, hp, options.dtype);
    if (!options.tokenizer_json.empty())  // bos = eos = 0 as in every Pythia config (§1.8)
        add_tokenizer_keys(w, read_hf_tokenizer(options.tokenizer_json, hp.n_vocab), 0, 0);

    auto dtype_of = [&](const model::TensorRef& t) { return t.spec.is_matrix() ? options.dtype : gguf::TensorType::f32; };
    model::for_each_tensor_spec(hp.n_layer, [&](const model::TensorRef& t) {
        w.declare_tensor(t.gguf_name(), dtype_of(t), t.ne(hp));
    });
    uint64_t i = 0;
    model::for_each_tensor_spec(hp.n_layer, [&](const model::TensorRef& t) {
        // One stream per tensor, so a tensor's values do not depend on the dtype or on the others.
        Normal normal(options.seed * 0x100000001b3ull + i + 1);
        ++i;
        const Init init = init_of(t, hp);
        uint64_t n = 1;
        for (uint64_t d : t.shape(hp)) n *= d;
        std::vector<float> values(n);
        for (float& x : values) x = normal(init.mean, init.std);
        w.write_tensor_data(t.gguf_name(), model::quantize(dtype_of(t), values));
    });
    w.commit();
}

}  // namespace pe::convert
