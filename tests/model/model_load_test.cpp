// Model::load against crafted GGUFs: a valid small gptneox file loads with the right hyper-
// parameters; each broken rule (architecture, key, tensor, dim, type) fails naming field and file.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/gguf/writer.hpp"
#include "engine/model/gptneox_names.hpp"
#include "engine/model/model.hpp"
#include "tests/common/shared.hpp"

namespace names = pe::model::names;
using pe::gguf::TensorType;

namespace {

// A small gptneox file: C 64, 2 heads (D 32, R 8), 2 layers, F 256, Vp 96. Keys and tensors can be
// edited before writing; tensor data is zeros.
struct Spec {
    struct Key { std::string key; pe::gguf::Value value; };
    struct Tensor { std::string name; TensorType type; std::vector<uint64_t> ne; };
    std::vector<Key> keys;
    std::vector<Tensor> tensors;

    Spec() {
        using pe::gguf::Value;
        using pe::gguf::ValueType;
        keys = {{names::architecture_key, Value::of(ValueType::string, std::string("gptneox"))},
                {names::context_length, Value::of(ValueType::u32, uint32_t(2048))},
                {names::embedding_length, Value::of(ValueType::u32, uint32_t(64))},
                {names::block_count, Value::of(ValueType::u32, uint32_t(2))},
                {names::feed_forward_length, Value::of(ValueType::u32, uint32_t(256))},
                {names::rope_dimension_count, Value::of(ValueType::u32, uint32_t(8))},
                {names::head_count, Value::of(ValueType::u32, uint32_t(2))},
                {names::use_parallel_residual, Value::of(ValueType::boolean, true)},
                {names::layer_norm_epsilon, Value::of(ValueType::f32, 1e-5f)}};
        const uint64_t C = 64, F = 256, V = 96;
        tensors.push_back({"token_embd.weight", TensorType::f16, {C, V}});
        for (uint32_t i = 0; i < 2; ++i) {
            auto n = [i](const char* s) { return "blk." + std::to_string(i) + "." + s; };
            tensors.push_back({n("attn_norm.weight"), TensorType::f32, {C}});
            tensors.push_back({n("attn_norm.bias"), TensorType::f32, {C}});
            tensors.push_back({n("attn_qkv.weight"), TensorType::q8_0, {C, 3 * C}});
            tensors.push_back({n("attn_qkv.bias"), TensorType::f32, {3 * C}});
            tensors.push_back({n("attn_output.weight"), TensorType::f16, {C, C}});
            tensors.push_back({n("attn_output.bias"), TensorType::f32, {C}});
            tensors.push_back({n("ffn_norm.weight"), TensorType::f32, {C}});
            tensors.push_back({n("ffn_norm.bias"), TensorType::f32, {C}});
            tensors.push_back({n("ffn_up.weight"), TensorType::bf16, {C, F}});
            tensors.push_back({n("ffn_up.bias"), TensorType::f32, {F}});
            tensors.push_back({n("ffn_down.weight"), TensorType::f32, {F, C}});
            tensors.push_back({n("ffn_down.bias"), TensorType::f32, {C}});
        }
        tensors.push_back({"output_norm.weight", TensorType::f32, {C}});
        tensors.push_back({"output_norm.bias", TensorType::f32, {C}});
        tensors.push_back({"output.weight", TensorType::f16, {C, V}});
    }

    Tensor& tensor(const std::string& name) {
        for (auto& t : tensors)
            if (t.name == name) return t;
        throw std::logic_error("no tensor " + name);
    }
    void set_key(const std::string& key, pe::gguf::Value v) {
        for (auto& k : keys)
            if (k.key == key) { k.value = std::move(v); return; }
        keys.push_back({key, std::move(v)});
    }
    void drop_key(const std::string& key) { std::erase_if(keys, [&](const Key& k) { return k.key == key; }); }
    void drop_tensor(const std::string& name) { std::erase_if(tensors, [&](const Tensor& t) { return t.name == name; }); }

    std::string write(const std::string& file_name) const {
        const auto path = (pe::test::scratch_dir("model_load_" + file_name) / file_name).string();
        pe::gguf::Writer w(path);
        for (const auto& k : keys) w.add(k.key, k.value);
        for (const auto& t : tensors) w.declare_tensor(t.name, t.type, t.ne);
        for (const auto& t : tensors) {
            std::vector<std::byte> zeros(pe::gguf::tensor_bytes(t.type, t.ne, path, t.name));
            w.write_tensor_data(t.name, zeros);
        }
        w.commit();
        return path;
    }
};

// Loads `path`, expecting a pe::Error of `kind` on `field` whose message contains `message_part`.
void expect_error(const std::string& path, pe::ErrorKind kind, const std::string& field,
                  const std::string& message_part) {
    try {
        pe::model::Model::load(path);
        BOOST_ERROR("loaded without error; expected " << field << ": " << message_part);
    } catch (const pe::Error& e) {
        BOOST_TEST(e.file() == path);
        BOOST_TEST(e.field() == field);
        BOOST_TEST(e.message().find(message_part) != std::string::npos,
                   "message '" << e.message() << "' lacks '" << message_part << "'");
        BOOST_TEST(pe::error_kind_name(e.kind()) == pe::error_kind_name(kind));
        BOOST_TEST(std::string(e.what()).find(path) == 0);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_load)

BOOST_AUTO_TEST_CASE(valid_file_loads_with_its_hparams) {
    const auto path = Spec().write("ok.gguf");
    const auto m = pe::model::Model::load(path);
    const auto& hp = m.hparams();
    BOOST_TEST(hp.n_vocab == 96u);
    BOOST_TEST(hp.n_embd == 64u);
    BOOST_TEST(hp.n_layer == 2u);
    BOOST_TEST(hp.n_head == 2u);
    BOOST_TEST(hp.head_dim() == 32u);
    BOOST_TEST(hp.n_rot == 8u);
    BOOST_TEST(hp.n_ff == 256u);
    BOOST_TEST(hp.n_ctx == 2048u);
    BOOST_TEST(hp.rope_base == 10000.0f);  // no freq_base key: llama.cpp's default
    BOOST_TEST(hp.norm_eps == 1e-5f);
    BOOST_TEST(hp.parallel_residual);
    BOOST_TEST(m.layers.size() == 2u);
    BOOST_TEST(m.layers[1].qkv_w.name == "blk.1.attn_qkv.weight");
    BOOST_TEST(m.layers[1].qkv_w.rows() == 192u);
    BOOST_TEST((m.layers[1].qkv_w.type == TensorType::q8_0));
    BOOST_TEST(m.output.rows() == 96u);
    BOOST_TEST(m.name() == "ok");  // no general.name: the file stem
}

BOOST_AUTO_TEST_CASE(hparams_accept_any_integer_type_and_freq_base) {
    using pe::gguf::Value;
    using pe::gguf::ValueType;
    Spec s;
    s.set_key(names::block_count, Value::of(ValueType::u64, uint64_t(2)));
    s.set_key(names::embedding_length, Value::of(ValueType::i32, int32_t(64)));
    s.set_key(names::head_count, Value::of(ValueType::u16, uint16_t(2)));
    s.set_key(names::rope_freq_base, Value::of(ValueType::f32, 500.0f));
    s.set_key(names::name_key, Value::of(ValueType::string, std::string("pythia-test")));
    const auto m = pe::model::Model::load(s.write("int_types.gguf"));
    BOOST_TEST(m.hparams().n_layer == 2u);
    BOOST_TEST(m.hparams().n_embd == 64u);
    BOOST_TEST(m.hparams().rope_base == 500.0f);
    BOOST_TEST(m.name() == "pythia-test");
}

BOOST_AUTO_TEST_CASE(wrong_architecture) {
    Spec s;
    s.set_key(names::architecture_key, pe::gguf::Value::of(pe::gguf::ValueType::string, std::string("llama")));
    expect_error(s.write("llama.gguf"), pe::ErrorKind::unsupported, "general.architecture",
                 "'llama', expected 'gptneox'");
}

BOOST_AUTO_TEST_CASE(missing_hparam_key) {
    Spec s;
    s.drop_key(names::head_count);
    expect_error(s.write("no_heads.gguf"), pe::ErrorKind::bad_input, names::head_count, "missing");
}

BOOST_AUTO_TEST_CASE(hparam_of_wrong_value_type) {
    Spec s;
    s.set_key(names::block_count, pe::gguf::Value::of(pe::gguf::ValueType::string, std::string("2")));
    BOOST_CHECK_THROW(pe::model::Model::load(s.write("string_layers.gguf")), pe::Error);
}

BOOST_AUTO_TEST_CASE(heads_must_divide_embedding) {
    Spec s;
    s.set_key(names::head_count, pe::gguf::Value::of(pe::gguf::ValueType::u32, uint32_t(3)));
    expect_error(s.write("three_heads.gguf"), pe::ErrorKind::bad_input, names::head_count,
                 "3 does not divide n_embd = 64");
}

BOOST_AUTO_TEST_CASE(missing_tensor) {
    Spec s;
    s.drop_tensor("blk.1.ffn_up.bias");
    expect_error(s.write("no_bias.gguf"), pe::ErrorKind::bad_input, "tensor 'blk.1.ffn_up.bias'", "missing");
}

BOOST_AUTO_TEST_CASE(wrong_shape_names_dim_got_and_expected) {
    Spec s;
    s.tensor("blk.1.attn_qkv.weight").ne = {64, 128};
    expect_error(s.write("qkv.gguf"), pe::ErrorKind::bad_input, "tensor 'blk.1.attn_qkv.weight' ne[1]",
                 "128, expected 3*n_embd = 192");

    Spec f;
    f.tensor("blk.0.ffn_down.weight").ne = {64, 64};
    expect_error(f.write("down.gguf"), pe::ErrorKind::bad_input, "tensor 'blk.0.ffn_down.weight' ne[0]",
                 "64, expected n_ff = 256");

    Spec d;
    d.tensor("output_norm.bias").ne = {64, 1};
    expect_error(d.write("dims.gguf"), pe::ErrorKind::bad_input, "tensor 'output_norm.bias'",
                 "2 dims, expected 1");
}

BOOST_AUTO_TEST_CASE(output_must_match_token_embd_vocab) {
    Spec s;
    s.tensor("output.weight").ne = {64, 128};
    expect_error(s.write("vocab.gguf"), pe::ErrorKind::bad_input, "tensor 'output.weight' ne[1]",
                 "128, expected n_vocab (token_embd ne[1]) = 96");
}

BOOST_AUTO_TEST_CASE(norms_and_biases_must_be_f32) {
    Spec s;
    s.tensor("blk.0.attn_norm.weight").type = TensorType::f16;
    expect_error(s.write("f16_norm.gguf"), pe::ErrorKind::unsupported, "tensor 'blk.0.attn_norm.weight'",
                 "type F16, expected F32");
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
    const auto path = (pe::test::scratch_dir("model_load_missing") / "absent.gguf").string();
    try {
        pe::model::Model::load(path);
        BOOST_ERROR("loaded a file that does not exist");
    } catch (const pe::Error& e) {
        BOOST_TEST(pe::error_kind_name(e.kind()) == std::string("io"));
        BOOST_TEST(e.file() == path);
    }
}

BOOST_AUTO_TEST_SUITE_END()
