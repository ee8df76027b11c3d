// Random-weight Pythia-shaped GGUFs (synthetic.hpp); shapes from neox-gguf-tokenizer.md §1.8,
// keys and tensor layout from §2.1-§2.2 (the same the converter writes).
#include "engine/convert/synthetic.hpp"

#include <cmath>
#include <numbers>

#include "engine/convert/hf_tokenizer.hpp"
#include "engine/gguf/writer.hpp"
#include "engine/model/gptneox_names.hpp"
#include "engine/model/quant.hpp"

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

struct TensorPlan {
    std::string name;
    std::vector<uint64_t> ne;
    bool matrix;  // stored in the chosen dtype; otherwise f32
    double mean, std;
};

std::vector<TensorPlan> plan(const HParams& hp) {
    const double C = hp.n_embd, F = hp.n_ff, L2 = 2.0 * hp.n_layer;
    const uint64_t c = hp.n_embd, f = hp.n_ff, v = hp.n_vocab;
    std::vector<TensorPlan> p;
    p.push_back({names::token_embd, {c, v}, true, 0.0, 1.0});
    for (uint32_t i = 0; i < hp.n_layer; ++i) {
        auto n = [i](const char* suffix) { return names::layer_tensor(i, suffix); };
        p.push_back({n(names::attn_norm_w), {c}, false, 1.0, 0.05});
        p.push_back({n(names::attn_norm_b), {c}, false, 0.0, 0.02});
        p.push_back({n(names::attn_qkv_w), {c, 3 * c}, true, 0.0, 1.0 / std::sqrt(C)});
        p.push_back({n(names::attn_qkv_b), {3 * c}, false, 0.0, 0.02});
        p.push_back({n(names::attn_output_w), {c, c}, true, 0.0, 1.0 / std::sqrt(L2 * C)});
        p.push_back({n(names::attn_output_b), {c}, false, 0.0, 0.02});
        p.push_back({n(names::ffn_norm_w), {c}, false, 1.0, 0.05});
        p.push_back({n(names::ffn_norm_b), {c}, false, 0.0, 0.02});
        p.push_back({n(names::ffn_up_w), {c, f}, true, 0.0, 1.0 / std::sqrt(C)});
        p.push_back({n(names::ffn_up_b), {f}, false, 0.0, 0.02});
        p.push_back({n(names::ffn_down_w), {f, c}, true, 0.0, 1.0 / std::sqrt(L2 * F)});
        p.push_back({n(names::ffn_down_b), {c}, false, 0.0, 0.02});
    }
    p.push_back({names::output_norm_w, {c}, false, 1.0, 0.05});
    p.push_back({names::output_norm_b, {c}, false, 0.0, 0.02});
    p.push_back({names::output, {c, v}, true, 0.0, 2.0 / std::sqrt(C)});
    return p;
}

// llama.cpp's general.file_type (LLAMA_FTYPE_*) for a file whose matrices are all `t`.
uint32_t file_type(gguf::TensorType t) {
    switch (t) {
        case gguf::TensorType::f32: return 0;
        case gguf::TensorType::f16: return 1;
        case gguf::TensorType::q4_0: return 2;
        case gguf::TensorType::q8_0: return 7;
        case gguf::TensorType::bf16: return 32;
        case gguf::TensorType::q6_k: return 18;
    }
    return 0;
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
    w.add_u32(names::file_type_key, file_type(options.dtype));
    w.add_u32(names::context_length, hp.n_ctx);
    w.add_u32(names::embedding_length, hp.n_embd);
    w.add_u32(names::block_count, hp.n_layer);
    w.add_u32(names::feed_forward_length, hp.n_ff);
    w.add_u32(names::rope_dimension_count, hp.n_rot);
    w.add_u32(names::head_count, hp.n_head);
    w.add_bool(names::use_parallel_residual, true);
    w.add_f32(names::layer_norm_epsilon, hp.norm_eps);
    if (!options.tokenizer_json.empty())  // bos = eos = 0 as in every Pythia config (§1.8)
        add_tokenizer_keys(w, read_hf_tokenizer(options.tokenizer_json, hp.n_vocab), 0, 0);

    const std::vector<TensorPlan> tensors = plan(hp);
    for (const auto& t : tensors)
        w.declare_tensor(t.name, t.matrix ? options.dtype : gguf::TensorType::f32, t.ne);
    for (size_t i = 0; i < tensors.size(); ++i) {
        const TensorPlan& t = tensors[i];
        // One stream per tensor, so a tensor's values do not depend on the dtype or on the others.
        Normal normal(options.seed * 0x100000001b3ull + i + 1);
        uint64_t n = 1;
        for (uint64_t d : t.ne) n *= d;
        std::vector<float> values(n);
        for (float& x : values) x = normal(t.mean, t.std);
        const std::vector<std::byte> bytes = model::quantize(t.matrix ? options.dtype : gguf::TensorType::f32, values);
        w.write_tensor_data(t.name, bytes);
    }
    w.commit();
}

}  // namespace pe::convert
