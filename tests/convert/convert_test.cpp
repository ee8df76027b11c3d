// End-to-end conversion of the tiny-neox fixture: both weight formats and the sharded form give the
// same GGUF; metadata and tensors follow llama.cpp's gptneox convention (spec §2.1-2.3); other dtypes
// dequantize within their stated tolerances; bad inputs fail with a clear error and leave no file;
// the converted model run through the CPU reference reproduces reference_logits.json.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>

#include <simdjson.h>

#include "engine/convert/convert.hpp"
#include "engine/convert/safetensors.hpp"
#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/half.hpp"
#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "engine/model/quant.hpp"
#include "tests/common/shared.hpp"
#include "tests/convert/crafted.hpp"

namespace fs = std::filesystem;
using pe::gguf::Reader;
using pe::gguf::TensorType;
using pe::test::needs_shared;

namespace {

fs::path fixture(const std::string& f = "") { return pe::test::shared_path("fixtures/tiny-neox") / f; }

fs::path convert_folder(const fs::path& dir, const std::string& out_name,
                        std::optional<TensorType> dtype = std::nullopt, const std::string& model_id = "") {
    const fs::path out = dir.parent_path() / (dir.filename().string() + "-" + out_name);
    pe::convert::ConvertOptions o;
    o.dtype = dtype;
    o.model_id = model_id;
    pe::convert::convert_hf_checkpoint(dir.string(), out.string(), o);
    return out;
}

// A printable form of a metadata value, so that two files' values compare with a readable diff.
std::string show(const pe::gguf::Value& v) {
    auto scalar = [](const pe::gguf::Scalar& s) {
        return std::visit([](const auto& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::string>) return "\"" + x + "\"";
            else return std::to_string(x);
        }, s);
    };
    if (const auto* s = v.scalar()) return std::to_string(int(v.type)) + ":" + scalar(*s);
    std::string out = "array " + std::to_string(int(v.array()->elem_type)) + "[" + std::to_string(v.array()->size()) + "]";
    for (const auto& s : v.array()->items) out += " " + scalar(s);
    return out;
}

// Same keys, values, tensor names, types, shapes and bytes, in the same order; reports the first difference.
void require_same_gguf(const fs::path& a_path, const fs::path& b_path) {
    const Reader a = Reader::open(a_path.string()), b = Reader::open(b_path.string());
    BOOST_REQUIRE_EQUAL(a.kvs().size(), b.kvs().size());
    for (size_t i = 0; i < a.kvs().size(); ++i) {
        BOOST_REQUIRE_EQUAL(a.kvs()[i].key, b.kvs()[i].key);
        BOOST_TEST(show(a.kvs()[i].value) == show(b.kvs()[i].value), "key " << a.kvs()[i].key);
    }
    BOOST_REQUIRE_EQUAL(a.tensors().size(), b.tensors().size());
    for (size_t i = 0; i < a.tensors().size(); ++i) {
        const auto &x = a.tensors()[i], &y = b.tensors()[i];
        BOOST_REQUIRE_EQUAL(x.name, y.name);
        BOOST_TEST(int(x.type) == int(y.type), x.name);
        BOOST_TEST(x.ne == y.ne, x.name);
        BOOST_REQUIRE_EQUAL(x.data.size(), y.data.size());
        size_t first = x.data.size();
        for (size_t k = 0; k < x.data.size() && first == x.data.size(); ++k)
            if (x.data[k] != y.data[k]) first = k;
        BOOST_TEST(first == x.data.size(), x.name << ": first differing byte " << first);
    }
    BOOST_TEST(pe::test::read_file(a_path) == pe::test::read_file(b_path), "files differ byte for byte");
}

struct Fixture16 {  // the fixture's safetensors tensors with their raw bytes
    std::map<std::string, pe::convert::SourceTensor> t;
    std::string file = pe::test::read_file(fixture("model.safetensors"));
    Fixture16() {
        for (auto& s : pe::convert::read_safetensors(fixture("model.safetensors").string())) t[s.name] = s;
    }
    std::string_view bytes(const std::string& name) const {
        const auto& s = t.at(name);
        return std::string_view(file).substr(s.offset_bytes, s.n_bytes);
    }
    float at(const std::string& name, uint64_t i) const {
        uint16_t h;
        std::memcpy(&h, bytes(name).data() + 2 * i, 2);
        return pe::fp16_to_f32(h);
    }
};

std::vector<float> dequantize(const pe::gguf::TensorInfo& t) {
    std::vector<float> out(t.n_elements());
    const uint64_t row = t.ne[0], rows = t.n_elements() / row, rb = pe::model::row_bytes(t.type, row);
    for (uint64_t r = 0; r < rows; ++r)
        pe::model::dequantize_row(t.type, t.data.data() + r * rb, out.data() + r * row, row);
    return out;
}

// A .safetensors file written from (name, dtype, shape, bytes), header built by hand (format README).
struct StEntry { std::string name, dtype; std::vector<uint64_t> shape; std::string bytes; };
void write_safetensors(const fs::path& p, const std::vector<StEntry>& entries) {
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}", data;
    for (const auto& e : entries) {
        header += ",\"" + e.name + "\":{\"dtype\":\"" + e.dtype + "\",\"shape\":[";
        for (size_t k = 0; k < e.shape.size(); ++k) header += (k ? "," : "") + std::to_string(e.shape[k]);
        header += "],\"data_offsets\":[" + std::to_string(data.size()) + "," + std::to_string(data.size() + e.bytes.size()) + "]}";
        data += e.bytes;
    }
    header += "}";
    std::string len(8, '\0');
    const uint64_t n = header.size();
    std::memcpy(len.data(), &n, 8);
    pe::test::write_file(p, len + header + data);
}

std::vector<StEntry> fixture_entries(const Fixture16& f) {
    std::vector<StEntry> out;
    for (const auto& [name, s] : f.t) out.push_back({name, "F16", s.shape, std::string(f.bytes(name))});
    return out;
}

void expect_convert_error(const fs::path& dir, std::initializer_list<std::string> parts) {
    const fs::path out = dir.parent_path() / (dir.filename().string() + ".gguf");
    try {
        pe::convert::convert_hf_checkpoint(dir.string(), out.string());
        BOOST_FAIL("no pe::Error for " << dir);
    } catch (const pe::Error& e) {
        for (const std::string& p : parts)
            BOOST_TEST(std::string(e.what()).find(p) != std::string::npos, "'" << p << "' not in: " << e.what());
    }
    BOOST_TEST(!fs::exists(out));
    for (const auto& entry : fs::directory_iterator(dir.parent_path()))
        BOOST_TEST(entry.path().string().find(".gguf.tmp") == std::string::npos, "left behind: " << entry.path());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(convert)

BOOST_AUTO_TEST_CASE(safetensors_and_bin_give_identical_gguf, *boost::unit_test::precondition(needs_shared)) {
    // The same model id for both, so that general.name does not follow the (different) folder names.
    const fs::path a = convert_folder(pe::test::make_hf_folder("cv_st", fixture(), {"model.safetensors"}), "out.gguf",
                                      std::nullopt, "EleutherAI/tiny-neox");
    const fs::path b = convert_folder(pe::test::make_hf_folder("cv_pt", fixture(), {"pytorch_model.bin"}), "out.gguf",
                                      std::nullopt, "EleutherAI/tiny-neox");
    require_same_gguf(a, b);
    const Reader r = Reader::open(a.string());
    BOOST_TEST(r.get_string("general.name").value() == "tiny-neox");
    BOOST_TEST(r.get_string("general.source.huggingface.repository").value() == "EleutherAI/tiny-neox");
}

BOOST_AUTO_TEST_CASE(metadata_follows_llama_cpp_gptneox, *boost::unit_test::precondition(needs_shared)) {
    const fs::path out = convert_folder(pe::test::make_hf_folder("cv_meta", fixture(), {"model.safetensors"}), "out.gguf");
    const Reader r = Reader::open(out.string());
    auto type_of = [&](const char* key) { const auto* v = r.find(key); BOOST_REQUIRE_MESSAGE(v, key); return v->type; };
    using VT = pe::gguf::ValueType;
    BOOST_TEST(r.get_string("general.architecture").value() == "gptneox");
    BOOST_TEST(r.get_string("general.name").value() == "cv_meta");
    const std::pair<const char*, int64_t> u32s[] = {
        {"gptneox.context_length", 2048}, {"gptneox.embedding_length", 128}, {"gptneox.block_count", 3},
        {"gptneox.feed_forward_length", 512}, {"gptneox.rope.dimension_count", 8},
        {"gptneox.attention.head_count", 4}, {"general.file_type", 1},
        {"tokenizer.ggml.bos_token_id", 0}, {"tokenizer.ggml.eos_token_id", 0}, {"tokenizer.ggml.unknown_token_id", 0}};
    for (const auto& [key, value] : u32s) {
        BOOST_TEST(int(type_of(key)) == int(VT::u32), key);
        BOOST_TEST(r.get_integer(key).value() == value, key);
    }
    BOOST_TEST(int(type_of("gptneox.use_parallel_residual")) == int(VT::boolean));
    BOOST_TEST(r.get_bool("gptneox.use_parallel_residual").value());
    BOOST_TEST(int(type_of("gptneox.attention.layer_norm_epsilon")) == int(VT::f32));
    BOOST_TEST(r.get_number("gptneox.attention.layer_norm_epsilon").value() == double(1e-5f));
    BOOST_TEST(!r.find("gptneox.rope.freq_base"));  // llama.cpp writes none for base 10000 (spec §2.1)
    BOOST_TEST(!r.find("general.quantization_version"));
    BOOST_TEST(r.get_string("tokenizer.ggml.model").value() == "gpt2");
    BOOST_TEST(r.get_string("tokenizer.ggml.pre").value() == "olmo");
    BOOST_TEST(r.get_array("tokenizer.ggml.tokens")->size() == 50304u);
    BOOST_TEST(int(r.get_array("tokenizer.ggml.token_type")->elem_type) == int(VT::i32));
    BOOST_TEST(r.get_array("tokenizer.ggml.merges")->size() == 50009u);

    BOOST_REQUIRE(r.tensors().size() == 40u);
    BOOST_TEST(r.tensors().front().name == "token_embd.weight");
    BOOST_TEST(r.tensors()[1].name == "blk.0.attn_norm.weight");
    BOOST_TEST(r.tensors().back().name == "output.weight");
    for (const auto& t : r.tensors()) {
        const bool matrix = t.ne.size() == 2;
        BOOST_TEST(int(t.type) == int(matrix ? TensorType::f16 : TensorType::f32), t.name);
    }
    BOOST_TEST((r.find_tensor("token_embd.weight")->ne == std::vector<uint64_t>{128, 50304}));
    BOOST_TEST((r.find_tensor("blk.2.attn_qkv.weight")->ne == std::vector<uint64_t>{128, 384}));
    BOOST_TEST((r.find_tensor("blk.2.ffn_down.weight")->ne == std::vector<uint64_t>{512, 128}));
    BOOST_TEST((r.find_tensor("blk.2.attn_qkv.bias")->ne == std::vector<uint64_t>{384}));
}

BOOST_AUTO_TEST_CASE(qkv_reorder_and_values_match_the_checkpoint, *boost::unit_test::precondition(needs_shared)) {
    const fs::path out = convert_folder(pe::test::make_hf_folder("cv_qkv", fixture(), {"model.safetensors"}), "out.gguf");
    const Reader r = Reader::open(out.string());
    const Fixture16 f;
    const uint64_t C = 128, H = 4, D = 32;
    for (int l = 0; l < 3; ++l) {
        const std::string hf = "gpt_neox.layers." + std::to_string(l) + ".attention.query_key_value.";
        const auto* w = r.find_tensor("blk." + std::to_string(l) + ".attn_qkv.weight");
        const auto* b = r.find_tensor("blk." + std::to_string(l) + ".attn_qkv.bias");
        const std::string_view src = f.bytes(hf + "weight");
        int bad_rows = 0, bad_bias = 0;
        for (uint64_t t = 0; t < 3; ++t)
            for (uint64_t h = 0; h < H; ++h)
                for (uint64_t d = 0; d < D; ++d) {
                    const uint64_t g = t * C + h * D + d, s = h * 3 * D + t * D + d;  // spec §2.3
                    bad_rows += std::memcmp(w->data.data() + g * C * 2, src.data() + s * C * 2, C * 2) != 0;
                    float gv;
                    std::memcpy(&gv, b->data.data() + g * 4, 4);
                    bad_bias += gv != f.at(hf + "bias", s);
                }
        BOOST_TEST(bad_rows == 0, "layer " << l);
        BOOST_TEST(bad_bias == 0, "layer " << l);
    }
    // Everything else is the checkpoint's values: f16 matrices byte for byte, 1-D tensors widened to f32.
    const std::pair<const char*, const char*> same[] = {
        {"token_embd.weight", "gpt_neox.embed_in.weight"}, {"output.weight", "embed_out.weight"},
        {"blk.1.attn_output.weight", "gpt_neox.layers.1.attention.dense.weight"},
        {"blk.1.ffn_up.weight", "gpt_neox.layers.1.mlp.dense_h_to_4h.weight"},
        {"blk.1.ffn_down.weight", "gpt_neox.layers.1.mlp.dense_4h_to_h.weight"}};
    for (const auto& [g, h] : same) {
        const auto* t = r.find_tensor(g);
        BOOST_TEST((std::string_view(reinterpret_cast<const char*>(t->data.data()), t->data.size()) == f.bytes(h)), g);
    }
    const std::pair<const char*, const char*> widened[] = {
        {"blk.0.attn_norm.weight", "gpt_neox.layers.0.input_layernorm.weight"},
        {"blk.0.attn_norm.bias", "gpt_neox.layers.0.input_layernorm.bias"},
        {"blk.2.ffn_norm.weight", "gpt_neox.layers.2.post_attention_layernorm.weight"},
        {"blk.2.ffn_up.bias", "gpt_neox.layers.2.mlp.dense_h_to_4h.bias"},
        {"blk.2.ffn_down.bias", "gpt_neox.layers.2.mlp.dense_4h_to_h.bias"},
        {"blk.2.attn_output.bias", "gpt_neox.layers.2.attention.dense.bias"},
        {"output_norm.weight", "gpt_neox.final_layer_norm.weight"},
        {"output_norm.bias", "gpt_neox.final_layer_norm.bias"}};
    for (const auto& [g, h] : widened) {
        const auto* t = r.find_tensor(g);
        int bad = 0;
        for (uint64_t i = 0; i < t->n_elements(); ++i) {
            float v;
            std::memcpy(&v, t->data.data() + 4 * i, 4);
            bad += v != f.at(h, i);
        }
        BOOST_TEST(bad == 0, g);
    }
}

BOOST_AUTO_TEST_CASE(sharded_safetensors_give_the_same_gguf, *boost::unit_test::precondition(needs_shared)) {
    const Fixture16 f;
    const fs::path dir = pe::test::make_hf_folder("cv_shard", fixture(), {});
    std::vector<StEntry> one, two;
    std::string map;
    for (auto& e : fixture_entries(f)) {
        const bool first = e.name.find("layers.2") == std::string::npos && e.name != "embed_out.weight";
        map += std::string(map.empty() ? "" : ",") + "\"" + e.name + "\":\"" +
               (first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors") + "\"";
        (first ? one : two).push_back(std::move(e));
    }
    write_safetensors(dir / "model-00001-of-00002.safetensors", one);
    write_safetensors(dir / "model-00002-of-00002.safetensors", two);
    pe::test::write_file(dir / "model.safetensors.index.json",
                         "{\"metadata\":{\"total_size\":1},\"weight_map\":{" + map + "}}");
    const fs::path sharded = convert_folder(dir, "out.gguf");
    const fs::path single = convert_folder(pe::test::make_hf_folder("cv_single", fixture(), {"model.safetensors"}), "out.gguf");
    // general.name follows the folder name; everything else must be identical.
    const Reader a = Reader::open(sharded.string()), b = Reader::open(single.string());
    BOOST_REQUIRE_EQUAL(a.kvs().size(), b.kvs().size());
    for (size_t i = 0; i < a.kvs().size(); ++i)
        if (a.kvs()[i].key != "general.name") BOOST_TEST(show(a.kvs()[i].value) == show(b.kvs()[i].value), a.kvs()[i].key);
    BOOST_REQUIRE_EQUAL(a.tensors().size(), b.tensors().size());
    for (size_t i = 0; i < a.tensors().size(); ++i) {
        BOOST_TEST(a.tensors()[i].name == b.tensors()[i].name);
        BOOST_TEST((a.tensors()[i].data.size() == b.tensors()[i].data.size() &&
                    std::memcmp(a.tensors()[i].data.data(), b.tensors()[i].data.data(), a.tensors()[i].data.size()) == 0),
                   a.tensors()[i].name);
    }
    // An index naming a tensor its shard lacks.
    pe::test::write_file(dir / "model.safetensors.index.json",
                         "{\"weight_map\":{" + map + ",\"gpt_neox.extra\":\"model-00001-of-00002.safetensors\"}}");
    expect_convert_error(dir, {"model-00001-of-00002.safetensors", "gpt_neox.extra", "not in this shard"});
}

// pytorch_model.bin.index.json over two crafted torch zips: the second is ZIP64 and keeps its tensors
// in one shared storage at increasing offsets, as torch does for views of one buffer.
BOOST_AUTO_TEST_CASE(sharded_bin_zip64_shared_storage_give_the_same_gguf, *boost::unit_test::precondition(needs_shared)) {
    const Fixture16 f;
    const fs::path dir = pe::test::make_hf_folder("cv_binshard", fixture(), {});
    std::string map;
    std::vector<std::pair<std::string, std::string>> shard_entries[2];
    std::string shared_storage;
    const std::string pickles[2] = {
        pe::test::state_dict_pickle([&](pe::test::Pickle& p) {
            int key = 0;
            for (const auto& [name, t] : f.t) {
                if (name.find("layers.2") != std::string::npos) continue;
                std::vector<uint32_t> shape(t.shape.begin(), t.shape.end()), stride(shape.size(), 1);
                for (size_t k = shape.size(); k-- > 1;) stride[k - 1] = stride[k] * shape[k];
                p.tensor_entry(name, "HalfStorage", std::to_string(key), uint32_t(t.numel()), 0, shape, stride);
                shard_entries[0].push_back({"shard1/data/" + std::to_string(key++), std::string(f.bytes(name))});
                map += std::string(map.empty() ? "" : ",") + "\"" + name + "\":\"pytorch_model-00001-of-00002.bin\"";
            }
        }),
        pe::test::state_dict_pickle([&](pe::test::Pickle& p) {
            std::vector<std::pair<std::string, const pe::convert::SourceTensor*>> mine;
            for (const auto& [name, t] : f.t)
                if (name.find("layers.2") != std::string::npos) mine.push_back({name, &t});
            uint64_t total = 0;
            for (const auto& m : mine) total += m.second->numel();
            for (const auto& [name, t] : mine) {
                std::vector<uint32_t> shape(t->shape.begin(), t->shape.end()), stride(shape.size(), 1);
                for (size_t k = shape.size(); k-- > 1;) stride[k - 1] = stride[k] * shape[k];
                p.tensor_entry(name, "HalfStorage", "0", uint32_t(total), uint32_t(shared_storage.size() / 2), shape, stride);
                shared_storage += std::string(f.bytes(name));
                map += ",\"" + name + "\":\"pytorch_model-00002-of-00002.bin\"";
            }
        })};
    shard_entries[0].insert(shard_entries[0].begin(), {"shard1/data.pkl", pickles[0]});
    pe::test::write_file(dir / "pytorch_model-00001-of-00002.bin", pe::test::make_stored_zip(shard_entries[0]));
    pe::test::write_file(dir / "pytorch_model-00002-of-00002.bin",
                         pe::test::make_stored_zip({{"shard2/data.pkl", pickles[1]}, {"shard2/data/0", shared_storage},
                                                    {"shard2/byteorder", "little"}}, true));
    pe::test::write_file(dir / "pytorch_model.bin.index.json", "{\"weight_map\":{" + map + "}}");
    const fs::path sharded = convert_folder(dir, "out.gguf", std::nullopt, "EleutherAI/tiny-neox");
    const fs::path single = convert_folder(pe::test::make_hf_folder("cv_binsingle", fixture(), {"model.safetensors"}),
                                           "out.gguf", std::nullopt, "EleutherAI/tiny-neox");
    require_same_gguf(sharded, single);
}

BOOST_AUTO_TEST_CASE(other_dtypes_dequantize_within_tolerance, *boost::unit_test::precondition(needs_shared)) {
    const fs::path dir = pe::test::make_hf_folder("cv_dtypes", fixture(), {"model.safetensors"});
    const Reader ref = Reader::open(convert_folder(dir, "f32.gguf", TensorType::f32).string());
    BOOST_TEST(ref.get_integer("general.file_type").value() == 0);
    struct Case { TensorType type; int64_t file_type; const char* why; };
    // f16: the checkpoint is f16, so f16 -> f32 -> f16 is exact. bf16: round to nearest even keeps
    // 8 significant bits, so half an ulp is at most 2^-8 |x|. q8_0: |x - q*fp16(d)| <= d/2 + 127*|d - fp16(d)|
    // <= d * (0.5 + 127 * 2^-11) with d = amax/127 per block of 32.
    for (const Case c : {Case{TensorType::f16, 1, "exact"}, Case{TensorType::bf16, 32, "2^-8 relative"},
                         Case{TensorType::q8_0, 7, "0.5625 * amax/127 per block"}}) {
        const Reader r = Reader::open(convert_folder(dir, std::to_string(int(c.type)) + ".gguf", c.type).string());
        BOOST_TEST(r.get_integer("general.file_type").value() == c.file_type);
        BOOST_TEST((r.find("general.quantization_version") != nullptr) == (c.type == TensorType::q8_0));
        for (const auto& t : ref.tensors()) {
            const auto* q = r.find_tensor(t.name);
            BOOST_REQUIRE(q);
            BOOST_TEST(int(q->type) == int(t.ne.size() == 2 ? c.type : TensorType::f32), t.name);
            const std::vector<float> x = dequantize(t), y = dequantize(*q);
            double worst = 0;
            size_t worst_i = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                double bound = 0;
                if (t.ne.size() == 2 && c.type == TensorType::bf16) bound = std::ldexp(std::fabs(x[i]), -8);
                if (t.ne.size() == 2 && c.type == TensorType::q8_0) {
                    float amax = 0;
                    for (size_t k = i / 32 * 32; k < i / 32 * 32 + 32; ++k) amax = std::max(amax, std::fabs(x[k]));
                    bound = 0.5625 * amax / 127;
                }
                const double excess = std::fabs(double(x[i]) - y[i]) - bound;
                if (excess > worst) { worst = excess; worst_i = i; }
            }
            BOOST_TEST(worst == 0.0, t.name << " (" << c.why << "): worst excess " << worst << " at " << worst_i
                                             << ": f32 " << x[worst_i] << " vs " << y[worst_i]);
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_inputs_fail_clearly_and_leave_nothing, *boost::unit_test::precondition(needs_shared)) {
    const Fixture16 f;
    const std::string config = pe::test::read_file(fixture("config.json"));
    // A config field missing.
    std::string no_vocab = config;
    no_vocab.erase(no_vocab.find("\"vocab_size\""), std::string("\"vocab_size\": 50304,\n").size());
    expect_convert_error(pe::test::make_hf_folder("bad_cfg", fixture(), {"model.safetensors"}, no_vocab),
                                         {"config.json", "vocab_size", "missing"});
    // A tensor's shape disagrees with config.json.
    std::string ff = config;
    ff.replace(ff.find("\"intermediate_size\": 512"), 24, "\"intermediate_size\": 256");
    expect_convert_error(pe::test::make_hf_folder("bad_shape", fixture(), {"model.safetensors"}, ff),
                                         {"model.safetensors", "gpt_neox.layers.0.mlp.dense_h_to_4h.weight", "(512, 128), expected (256, 128)"});
    // A tensor missing, and an unknown extra tensor.
    auto entries = fixture_entries(f);
    std::erase_if(entries, [](const StEntry& e) { return e.name == "gpt_neox.layers.1.attention.dense.bias"; });
    const fs::path miss = pe::test::make_hf_folder("bad_missing", fixture(), {});
    write_safetensors(miss / "model.safetensors", entries);
    expect_convert_error(miss, {"model.safetensors", "gpt_neox.layers.1.attention.dense.bias", "missing"});
    entries.push_back({"gpt_neox.layers.1.attention.dense.bias", "F16", {128}, std::string(256, '\0')});
    entries.push_back({"gpt_neox.layers.1.attention.surprise", "F16", {2}, std::string(4, '\0')});
    const fs::path extra = pe::test::make_hf_folder("bad_extra", fixture(), {});
    write_safetensors(extra / "model.safetensors", entries);
    expect_convert_error(extra, {"model.safetensors", "gpt_neox.layers.1.attention.surprise"});
    // An integer tensor where a weight should be.
    entries.pop_back();
    for (auto& e : entries)
        if (e.name == "gpt_neox.layers.1.attention.dense.bias") { e.dtype = "I16"; }
    const fs::path ints = pe::test::make_hf_folder("bad_dtype", fixture(), {});
    write_safetensors(ints / "model.safetensors", entries);
    expect_convert_error(ints, {"model.safetensors", "dense.bias", "I16"});
    // A truncated safetensors file and a .bin whose pickle names a forbidden global.
    const fs::path trunc = pe::test::make_hf_folder("bad_trunc", fixture(), {});
    pe::test::write_file(trunc / "model.safetensors", std::string(f.file, 0, 4000));
    expect_convert_error(trunc, {"model.safetensors", "header"});
    const fs::path evil = pe::test::make_hf_folder("bad_pickle", fixture(), {});
    pe::test::Pickle p;
    p.global("builtins", "eval").str("1").op('\x85').reduce().stop();
    pe::test::write_file(evil / "pytorch_model.bin", pe::test::make_stored_zip({{"a/data.pkl", p.b}}));
    expect_convert_error(evil, {"pytorch_model.bin", "unsupported pickle global builtins.eval"});
    // No weights at all.
    expect_convert_error(pe::test::make_hf_folder("bad_none", fixture(), {}), {"bad_none", "no model.safetensors"});
}

BOOST_AUTO_TEST_CASE(converted_bin_reproduces_reference_logits, *boost::unit_test::precondition(pe::test::needs_shared)) {
    // float32 logits of HF's GPTNeoXForCausalLM on the same fp16 weights: this checks that the GGUF
    // means what llama.cpp's gptneox convention says it means, the QKV reorder above all.
    const fs::path dir = pe::test::make_hf_folder("cv_logits", fixture(), {"pytorch_model.bin"});
    const fs::path out = dir.parent_path() / "cv_logits.gguf";
    pe::convert::convert_hf_checkpoint(dir.string(), out.string());
    const auto model = pe::model::Model::load(out.string());
    const auto cpu = pe::model::make_cpu_backend(model);

    simdjson::dom::parser parser;
    const simdjson::dom::element ref = parser.load(fixture("reference_logits.json").string());
    std::vector<int32_t> probe_ids;
    for (auto id : ref["probe_ids"].get_array()) probe_ids.push_back(int32_t(int64_t(id)));
    // fp32 arithmetic summed in another order than PyTorch: about 2e-6 seen on logits of size ~5.
    constexpr double tol = 1e-4;
    for (const char* name : {"hello", "lambada0", "padded_vocab_ids"}) {
        const auto seq = ref["sequences"][name];
        std::vector<int32_t> ids;
        for (auto id : seq["ids"].get_array()) ids.push_back(int32_t(int64_t(id)));
        const auto got = cpu->probe({ids, probe_ids});
        BOOST_REQUIRE_EQUAL(got.size(), ids.size());
        double worst = 0;
        std::string where;
        size_t pos = 0, argmax_mismatch = 0;
        for (auto p : seq["positions"].get_array()) {
            const auto note = [&](double want, double have, const std::string& what) {
                if (std::fabs(want - have) > worst) {
                    worst = std::fabs(want - have);
                    where = what + " at position " + std::to_string(pos) + ": reference " + std::to_string(want) +
                            ", got " + std::to_string(have);
                }
            };
            note(double(p["logsumexp"]), got[pos].logsumexp, "logsumexp");
            note(double(p["max"]), got[pos].max, "max logit");
            size_t k = 0;
            for (auto v : p["probe"].get_array()) {
                note(double(v), got[pos].probe[k], "logit of id " + std::to_string(probe_ids[k]));
                ++k;
            }
            argmax_mismatch += int64_t(p["argmax"]) != got[pos].argmax;
            ++pos;
        }
        BOOST_TEST(worst <= tol, name << ": largest error " << worst << ", " << where);
        BOOST_TEST(argmax_mismatch == 0u, name);
    }
}

BOOST_AUTO_TEST_SUITE_END()
