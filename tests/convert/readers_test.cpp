// The checkpoint readers on the tiny-neox fixture and on crafted bad inputs: safetensors, torch zip +
// pickle, config.json, tokenizer.json. Each bad input asserts the error's file, field and offset.
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "engine/convert/checkpoint.hpp"
#include "engine/convert/hf_config.hpp"
#include "engine/convert/hf_tokenizer.hpp"
#include "engine/convert/safetensors.hpp"
#include "engine/convert/torch_checkpoint.hpp"
#include "engine/convert/torch_pickle.hpp"
#include "engine/error.hpp"
#include "tests/common/shared.hpp"
#include "tests/convert/crafted.hpp"

namespace fs = std::filesystem;
using namespace pe::convert;
using pe::test::needs_shared;

namespace {

fs::path fixture(const std::string& f = "") { return pe::test::shared_path("fixtures/tiny-neox") / f; }

// Runs `f`, expecting a pe::Error whose what() contains every one of `parts`.
template <class F>
pe::Error expect_error(F f, std::initializer_list<std::string> parts) {
    try {
        f();
    } catch (const pe::Error& e) {
        for (const std::string& p : parts)
            BOOST_TEST(std::string(e.what()).find(p) != std::string::npos, "'" << p << "' not in: " << e.what());
        return e;
    }
    BOOST_FAIL("no pe::Error thrown");
    throw;  // unreachable
}

std::string u64le(uint64_t v) {
    std::string s(8, '\0');
    std::memcpy(s.data(), &v, 8);
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(readers)

BOOST_AUTO_TEST_CASE(safetensors_and_torch_agree_on_the_fixture, *boost::unit_test::precondition(needs_shared)) {
    const auto st = read_safetensors(fixture("model.safetensors").string());
    const auto pt = read_torch_checkpoint(fixture("pytorch_model.bin").string());
    // 3 layers * 12 + embed_in, final norm (2), embed_out; the .bin also carries 3 legacy buffers per layer.
    BOOST_TEST(st.size() == 40u);
    BOOST_TEST(pt.size() == 49u);
    const Checkpoint a = Checkpoint::open(pe::test::make_hf_folder("rd_st", fixture(), {"model.safetensors"}).string());
    const Checkpoint b = Checkpoint::open(pe::test::make_hf_folder("rd_pt", fixture(), {"pytorch_model.bin"}).string());
    for (const SourceTensor& t : st) {
        const SourceTensor* u = b.find(t.name);
        BOOST_REQUIRE_MESSAGE(u, t.name << " missing from pytorch_model.bin");
        BOOST_TEST(u->shape == t.shape, t.name);
        BOOST_TEST(int(u->dtype) == int(SourceDType::f16), t.name);
        BOOST_TEST((a.read(*a.find(t.name)) == b.read(*u)), t.name << ": bytes differ between the two files");
    }
    const SourceTensor* mask = b.find("gpt_neox.layers.0.attention.bias");
    BOOST_REQUIRE(mask);
    BOOST_TEST(int(mask->dtype) == int(SourceDType::boolean));
    BOOST_TEST((mask->shape == std::vector<uint64_t>{1, 1, 2048, 2048}));
    const SourceTensor* qkv = a.find("gpt_neox.layers.0.attention.query_key_value.weight");
    BOOST_REQUIRE(qkv);
    BOOST_TEST((qkv->shape == std::vector<uint64_t>{384, 128}));
}

BOOST_AUTO_TEST_CASE(safetensors_bad_headers) {
    const fs::path dir = pe::test::scratch_dir("st_bad");
    // Header length larger than the file.
    const fs::path trunc = dir / "trunc.safetensors";
    pe::test::write_file(trunc, u64le(1000) + "{}");
    auto e = expect_error([&] { read_safetensors(trunc.string()); }, {"trunc.safetensors", "header length", "1000"});
    BOOST_TEST(e.offset().value_or(99) == 0u);
    // File shorter than the 8-byte length.
    const fs::path tiny = dir / "tiny.safetensors";
    pe::test::write_file(tiny, "abc");
    expect_error([&] { read_safetensors(tiny.string()); }, {"tiny.safetensors", "header length"});
    // Offsets past the data section (8 bytes of data, tensor claims [0, 16)).
    const std::string h1 = R"({"w":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}})";
    const fs::path oob = dir / "oob.safetensors";
    pe::test::write_file(oob, u64le(h1.size()) + h1 + std::string(8, '\0'));
    expect_error([&] { read_safetensors(oob.string()); }, {"oob.safetensors", "tensor 'w' data_offsets", "outside"});
    // Span that does not match the shape.
    const std::string h2 = R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
    expect_error([&] { parse_safetensors_header(h2, 8 + h2.size() + 8, "x.safetensors"); },
                 {"x.safetensors", "tensor 'w' data_offsets", "needs 12"});
    // Invalid JSON, unknown dtype, shape overflow.
    expect_error([&] { parse_safetensors_header("{\"w\":", 100, "j.safetensors"); }, {"j.safetensors", "header", "invalid JSON"});
    const std::string h3 = R"({"w":{"dtype":"Q9","shape":[1],"data_offsets":[0,1]}})";
    expect_error([&] { parse_safetensors_header(h3, 1000, "d.safetensors"); }, {"tensor 'w' dtype", "Q9"});
    const std::string h4 = R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,1]}})";
    expect_error([&] { parse_safetensors_header(h4, 1000, "o.safetensors"); }, {"tensor 'w' shape", "overflow"});
}

BOOST_AUTO_TEST_CASE(pickle_refuses_forbidden_globals_without_running_them) {
    pe::test::Pickle p;
    p.global("os", "system").str("echo pwned").op('\x85').reduce().stop();
    const auto e = expect_error([&] { parse_torch_pickle(pe::test::to_bytes(p.b), "evil.bin", "data.pkl"); },
                                {"evil.bin", "data.pkl", "unsupported pickle global os.system"});
    BOOST_TEST(e.offset().value_or(0) == 2u);  // the GLOBAL opcode right after PROTO
    BOOST_TEST(int(e.kind()) == int(pe::ErrorKind::unsupported));

    // The same pickle inside a torch zip, converted through the checkpoint reader: names the .bin.
    const fs::path dir = pe::test::scratch_dir("pickle_evil");
    pe::test::write_file(dir / "pytorch_model.bin",
                         pe::test::make_stored_zip({{"archive/data.pkl", p.b}, {"archive/version", "3\n"}}));
    expect_error([&] { read_torch_checkpoint((dir / "pytorch_model.bin").string()); },
                 {"pytorch_model.bin", "unsupported pickle global os.system"});
}

BOOST_AUTO_TEST_CASE(pickle_reads_a_crafted_state_dict) {
    const std::string pkl = pe::test::state_dict_pickle([](pe::test::Pickle& p) {
        p.tensor_entry("a", "FloatStorage", "0", 6, 0, {2, 3}, {3, 1});
        p.tensor_entry("b", "HalfStorage", "1", 10, 4, {3}, {1});
        p.tensor_entry("mask", "ByteStorage", "2", 4, 0, {1, 1, 2, 2}, {4, 4, 2, 1});
    });
    const auto ts = parse_torch_pickle(pe::test::to_bytes(pkl), "ok.bin", "data.pkl");
    BOOST_REQUIRE(ts.size() == 3u);
    BOOST_TEST(int(ts[2].dtype) == int(SourceDType::u8));
    BOOST_TEST(ts[0].name == "a");
    BOOST_TEST((ts[0].shape == std::vector<uint64_t>{2, 3}));
    BOOST_TEST((ts[0].stride == std::vector<uint64_t>{3, 1}));
    BOOST_TEST(int(ts[0].dtype) == int(SourceDType::f32));
    BOOST_TEST(ts[1].storage_key == "1");
    BOOST_TEST(ts[1].storage_offset == 4u);
    BOOST_TEST(ts[1].storage_numel == 10u);

    // In a zip: tensor b starts 4 halves (8 bytes) into storage 1.
    const fs::path dir = pe::test::scratch_dir("pickle_ok");
    pe::test::write_file(dir / "m.bin", pe::test::make_stored_zip({{"m/data.pkl", pkl},
                                                                   {"m/data/0", std::string(24, 'a')},
                                                                   {"m/data/1", std::string(20, 'b')},
                                                                   {"m/data/2", std::string(4, 'c')}}));
    const auto st = read_torch_checkpoint((dir / "m.bin").string());
    BOOST_REQUIRE(st.size() == 3u);
    BOOST_TEST(st[1].n_bytes == 6u);
    BOOST_TEST(st[1].offset_bytes - st[0].offset_bytes > 24u);
}

BOOST_AUTO_TEST_CASE(torch_checkpoint_bad_inputs) {
    const fs::path dir = pe::test::scratch_dir("torch_bad");
    auto write_bin = [&](const std::string& name, const std::string& pkl, std::vector<std::pair<std::string, std::string>> more) {
        more.insert(more.begin(), {"m/data.pkl", pkl});
        pe::test::write_file(dir / name, pe::test::make_stored_zip(more));
        return (dir / name).string();
    };
    // Non-contiguous (a transposed view).
    const auto nc = write_bin("nc.bin", pe::test::state_dict_pickle([](pe::test::Pickle& p) {
        p.tensor_entry("w", "FloatStorage", "0", 6, 0, {3, 2}, {1, 3});
    }), {{"m/data/0", std::string(24, '\0')}});
    expect_error([&] { read_torch_checkpoint(nc); }, {"nc.bin", "tensor 'w'", "non-contiguous"});
    // Tensor runs past its storage.
    const auto big = write_bin("big.bin", pe::test::state_dict_pickle([](pe::test::Pickle& p) {
        p.tensor_entry("w", "FloatStorage", "0", 6, 2, {6}, {1});
    }), {{"m/data/0", std::string(24, '\0')}});
    expect_error([&] { read_torch_checkpoint(big); }, {"big.bin", "tensor 'w'", "outside its storage"});
    // Storage entry missing, and storage entry shorter than its element count.
    const auto miss = write_bin("miss.bin", pe::test::state_dict_pickle([](pe::test::Pickle& p) {
        p.tensor_entry("w", "FloatStorage", "7", 6, 0, {6}, {1});
    }), {});
    expect_error([&] { read_torch_checkpoint(miss); }, {"miss.bin", "tensor 'w'", "storage '7' is not in the archive"});
    const auto short_storage = write_bin("short.bin", pe::test::state_dict_pickle([](pe::test::Pickle& p) {
        p.tensor_entry("w", "FloatStorage", "0", 6, 0, {6}, {1});
    }), {{"m/data/0", std::string(20, '\0')}});
    expect_error([&] { read_torch_checkpoint(short_storage); }, {"short.bin", "tensor 'w'", "fewer than"});
    // Unsupported storage class (int64) and truncated pickle.
    const auto lng = write_bin("long.bin", pe::test::state_dict_pickle([](pe::test::Pickle& p) {
        p.tensor_entry("w", "LongStorage", "0", 1, 0, {1}, {1});
    }), {{"m/data/0", std::string(8, '\0')}});
    expect_error([&] { read_torch_checkpoint(lng); }, {"long.bin", "unsupported pickle global torch.LongStorage"});
    std::string cut = pe::test::state_dict_pickle([](pe::test::Pickle& p) { p.tensor_entry("w", "FloatStorage", "0", 1, 0, {1}, {1}); });
    cut.resize(cut.size() - 10);
    expect_error([&] { parse_torch_pickle(pe::test::to_bytes(cut), "cut.bin", "data.pkl"); }, {"cut.bin", "data.pkl", "truncated"});
    // Not a zip at all (the legacy torch.save format starts with a pickle).
    pe::test::write_file(dir / "legacy.bin", std::string("\x80\x02\x8a\x0a", 4) + std::string(64, 'x'));
    expect_error([&] { read_torch_checkpoint((dir / "legacy.bin").string()); }, {"legacy.bin", "not a zip archive"});
    // A zip whose central directory claims an entry beyond the end of the file.
    std::string z = pe::test::make_stored_zip({{"m/data.pkl", "x"}});
    z.resize(z.size() - 1);
    pe::test::write_file(dir / "cutzip.bin", z);
    expect_error([&] { read_torch_checkpoint((dir / "cutzip.bin").string()); }, {"cutzip.bin"});
}

BOOST_AUTO_TEST_CASE(config_fields, *boost::unit_test::precondition(needs_shared)) {
    const HfConfig c = read_hf_config(fixture("config.json").string());
    BOOST_TEST(c.n_embd == 128u);
    BOOST_TEST(c.n_layer == 3u);
    BOOST_TEST(c.n_head == 4u);
    BOOST_TEST(c.n_ff == 512u);
    BOOST_TEST(c.n_vocab == 50304u);
    BOOST_TEST(c.n_rot() == 8u);
    BOOST_TEST(c.rope_base == 10000.0);
    BOOST_TEST(c.norm_eps == 1e-5);
    BOOST_TEST(c.parallel_residual);

    const std::string base = pe::test::read_file(fixture("config.json"));
    auto without = [&](const std::string& key) {
        const size_t at = base.find("\"" + key + "\"");
        BOOST_REQUIRE(at != std::string::npos);
        const size_t end = base.find('\n', at);
        return base.substr(0, at) + base.substr(end + 1);
    };
    expect_error([&] { parse_hf_config(without("hidden_size"), "config.json"); }, {"config.json", "hidden_size", "missing"});
    expect_error([&] { parse_hf_config(without("rotary_pct"), "config.json"); }, {"config.json", "rotary_pct", "missing"});
    expect_error([&] { parse_hf_config(without("layer_norm_eps"), "config.json"); }, {"config.json", "layer_norm_eps"});
    std::string tied = base;
    tied.replace(tied.find("\"tie_word_embeddings\": false"), 28, "\"tie_word_embeddings\": true");
    expect_error([&] { parse_hf_config(tied, "config.json"); }, {"config.json", "tie_word_embeddings"});
    std::string heads = base;
    heads.replace(heads.find("\"num_attention_heads\": 4"), 24, "\"num_attention_heads\": 3");
    expect_error([&] { parse_hf_config(heads, "config.json"); }, {"config.json", "num_attention_heads", "does not divide"});
    std::string arch = base;
    arch.replace(arch.find("GPTNeoXForCausalLM"), 18, "LlamaForCausalLM");
    expect_error([&] { parse_hf_config(arch, "config.json"); }, {"config.json", "architectures"});
    // transformers v5 spellings
    std::string v5 = without("rotary_pct");
    v5 = v5.replace(v5.find("\"rotary_emb_base\": 10000,"), 25, R"("rope_parameters": {"rope_theta": 500, "partial_rotary_factor": 0.5},)");
    const HfConfig c5 = parse_hf_config(v5, "config.json");
    BOOST_TEST(c5.rope_base == 500.0);
    BOOST_TEST(c5.n_rot() == 16u);
}

BOOST_AUTO_TEST_CASE(tokenizer_vocab_as_llama_cpp_writes_it, *boost::unit_test::precondition(needs_shared)) {
    const GgufVocab v = read_hf_tokenizer(fixture("tokenizer.json").string(), 50304);
    BOOST_REQUIRE(v.tokens.size() == 50304u);
    BOOST_REQUIRE(v.types.size() == 50304u);
    BOOST_TEST(v.tokens[0] == "<|endoftext|>");
    BOOST_TEST(v.types[0] == 3);
    BOOST_TEST(v.tokens[1] == "<|padding|>");
    BOOST_TEST(v.types[1] == 3);
    BOOST_TEST(v.tokens[209] == "\xc4\xa0");  // "Ġ", a single space in byte-level form (spec §4.3)
    BOOST_TEST(v.types[209] == 1);
    BOOST_TEST(v.tokens[1533] == "\xc4\xa0world");
    BOOST_TEST(v.tokens[50254] == std::string(24, ' '));
    BOOST_TEST(v.types[50254] == 4);
    BOOST_TEST(v.tokens[50276] == "  ");
    BOOST_TEST(v.types[50276] == 4);
    BOOST_TEST(v.tokens[50277] == "[PAD50277]");
    BOOST_TEST(v.types[50277] == 5);
    BOOST_TEST(v.tokens[50303] == "[PAD50303]");
    BOOST_TEST(v.merges.size() == 50009u);
    BOOST_TEST(v.merges.front() == "\xc4\xa0 \xc4\xa0");
    BOOST_TEST(v.merges.back() == "\xc4\xa0Out comes");
    int counts[7] = {};
    for (int32_t t : v.types) counts[t]++;
    BOOST_TEST(counts[1] == 50252);
    BOOST_TEST(counts[3] == 2);
    BOOST_TEST(counts[4] == 23);
    BOOST_TEST(counts[5] == 27);
}

BOOST_AUTO_TEST_CASE(tokenizer_pair_merges_and_errors) {
    const std::string pairs =
        R"({"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"],["a b","c"]]},"added_tokens":[]})";
    const GgufVocab v = parse_hf_tokenizer(pairs, 4, "tokenizer.json");
    BOOST_TEST(v.merges.size() == 2u);
    BOOST_TEST(v.merges[0] == "a b");
    BOOST_TEST(v.merges[1] == "a\xc4\xa0" "b c");
    BOOST_TEST(v.tokens[3] == "[PAD3]");
    const std::string strings = R"({"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}})";
    BOOST_TEST(parse_hf_tokenizer(strings, 2, "tokenizer.json").merges[0] == "a b");
    expect_error([&] { parse_hf_tokenizer(strings, 1, "tokenizer.json"); }, {"tokenizer.json", "model.vocab", "not below"});
    expect_error([&] { parse_hf_tokenizer(R"({"model":{"type":"WordPiece"}})", 2, "tokenizer.json"); },
                 {"tokenizer.json", "model.type"});
    expect_error([&] { parse_hf_tokenizer(R"({"model":{"type":"BPE","vocab":{"a":0},"merges":[1]}})", 2, "tokenizer.json"); },
                 {"tokenizer.json", "model.merges[0]"});
}

BOOST_AUTO_TEST_SUITE_END()
