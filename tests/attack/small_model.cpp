// write_small_model (small_model.hpp): deterministic weights 0.02 * sin(k), norms near 1.
#include "tests/attack/small_model.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/gguf/writer.hpp"
#include "engine/model/gptneox_names.hpp"

namespace pe::test {

namespace names = pe::model::names;

void write_small_model(const std::string& path, const SmallModel& m) {
    constexpr uint32_t V = 64, C = 8, H = 2, F = 32, R = 2;
    struct T {
        std::string name;
        std::vector<uint64_t> ne;
        bool norm;
    };
    std::vector<T> tensors = {{"token_embd.weight", {C, V}, false}};
    for (uint32_t i = 0; i < m.n_layer; ++i) {
        auto g = [i](const char* s) { return "blk." + std::to_string(i) + "." + s; };
        for (const T& t : std::vector<T>{{g("attn_norm.weight"), {C}, true}, {g("attn_norm.bias"), {C}, false},
                                         {g("attn_qkv.weight"), {C, 3 * C}, false}, {g("attn_qkv.bias"), {3 * C}, false},
                                         {g("attn_output.weight"), {C, C}, false}, {g("attn_output.bias"), {C}, false},
                                         {g("ffn_norm.weight"), {C}, true}, {g("ffn_norm.bias"), {C}, false},
                                         {g("ffn_up.weight"), {C, F}, false}, {g("ffn_up.bias"), {F}, false},
                                         {g("ffn_down.weight"), {F, C}, false}, {g("ffn_down.bias"), {C}, false}})
            tensors.push_back(t);
    }
    tensors.push_back({"output_norm.weight", {C}, true});
    tensors.push_back({"output_norm.bias", {C}, false});
    tensors.push_back({"output.weight", {C, V}, false});
    if (!m.extra_tensor.empty()) tensors.push_back({m.extra_tensor, {C}, false});

    gguf::Writer w(path);
    w.add_string(names::architecture_key, names::architecture);
    w.add_string(names::name_key, "attack-small");
    w.add_u32(names::context_length, 64);
    w.add_u32(names::embedding_length, C);
    w.add_u32(names::block_count, m.block_count.value_or(m.n_layer));
    w.add_u32(names::feed_forward_length, F);
    w.add_u32(names::rope_dimension_count, R);
    w.add_u32(names::head_count, H);
    w.add_bool(names::use_parallel_residual, true);
    w.add_f32(names::layer_norm_epsilon, 1e-5f);
    for (const T& t : tensors) w.declare_tensor(t.name, gguf::TensorType::f32, t.ne);
    uint64_t k = 0;
    for (const T& t : tensors) {
        uint64_t n = 1;
        for (uint64_t d : t.ne) n *= d;
        std::vector<float> v(n);
        for (uint64_t j = 0; j < n; ++j, ++k) v[j] = (t.norm ? 1.0f : 0.0f) + 0.02f * std::sin(float(k));
        if (t.name == m.nan_tensor) v[3] = std::numeric_limits<float>::quiet_NaN();
        std::vector<std::byte> bytes(n * 4);
        std::memcpy(bytes.data(), v.data(), bytes.size());
        w.write_tensor_data(t.name, bytes);
    }
    w.commit();
}

}  // namespace pe::test
