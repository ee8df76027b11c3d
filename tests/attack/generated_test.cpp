// Generated hostile inputs, per parser: seeded mutations of one honest input (truncations, flipped
// bytes, extreme sizes and counts, repeated spans; for JSON: extreme numbers, duplicate keys, wrong
// types, deep nesting). Each variant runs isolated (isolated.hpp) and may only succeed or fail with
// one line naming the input. Counts are fixed so the suite stays well under two minutes.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "engine/convert/hf_config.hpp"
#include "engine/convert/hf_tokenizer.hpp"
#include "engine/convert/safetensors.hpp"
#include "engine/convert/torch_checkpoint.hpp"
#include "engine/convert/torch_pickle.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/model/model.hpp"
#include "engine/tokenizer/byte_level.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "tasks/dataset.hpp"
#include "tasks/task.hpp"
#include "tests/attack/isolated.hpp"
#include "tests/attack/small_model.hpp"
#include "tests/common/shared.hpp"
#include "tests/convert/crafted.hpp"

namespace fs = std::filesystem;
using namespace pe::test;

namespace {

// Runs `count` variants of `honest` made by `mutate` through `parse(path_of_variant)`; reports each
// variant that crashed, hung, threw something else, or failed without naming its file.
template <class Mutate, class Parse>
void attack(const std::string& name, const std::string& honest, size_t count, Mutate mutate, Parse parse,
            const Isolation& isolation = {10, uint64_t(1) << 30}) {
    const fs::path dir = scratch_dir("attack_gen_" + name);
    Rng rng(0x5eed0000 + std::hash<std::string>{}(name));
    size_t errors = 0;
    for (size_t i = 0; i < count; ++i) {
        const std::string variant = mutate(honest, rng);
        const fs::path path = dir / ("case" + std::to_string(i) + "-" + name);
        write_file(path, variant);
        const Outcome o = run_isolated([&] { parse(path.string()); }, isolation);
        // The file name at least (some readers name files by their base name).
        BOOST_TEST(ok_or_clean_error(o, path.filename().string()), name << " case " << i << ": " << describe(o));
        errors += o.kind == Outcome::Kind::error;
    }
    BOOST_TEST_MESSAGE(name << ": " << count << " variants, " << errors << " refused, " << count - errors << " accepted");
}

std::string binary(const std::string& s, Rng& rng) { return mutate_bytes(s, rng); }
std::string json(const std::string& s, Rng& rng) { return mutate_json(s, rng); }

std::string small_gguf_bytes() {
    const fs::path p = scratch_dir("attack_gen_honest") / "small.gguf";
    write_small_model(p.string());
    return read_file(p);
}

std::string utf8(char32_t c) {
    std::string s;
    if (c < 0x80) s += char(c);
    else if (c < 0x800) { s += char(0xc0 | (c >> 6)); s += char(0x80 | (c & 0x3f)); }
    else { s += char(0xe0 | (c >> 12)); s += char(0x80 | ((c >> 6) & 0x3f)); s += char(0x80 | (c & 0x3f)); }
    return s;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

// A 259-token byte-level BPE tokenizer.json: the 256 byte symbols, two merges, <|endoftext|>.
std::string small_tokenizer_json() {
    std::string vocab;
    for (int b = 0; b < 256; ++b) vocab += json_string(utf8(pe::tokenizer::byte_to_char(uint8_t(b)))) + ": " + std::to_string(b) + ", ";
    const std::string g = utf8(pe::tokenizer::byte_to_char(uint8_t(' ')));
    vocab += json_string(g + "t") + ": 256, \"he\": 257, \"<|endoftext|>\": 258";
    return R"({"version": "1.0", "truncation": null, "padding": null,
  "added_tokens": [{"id": 258, "special": true, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false}],
  "normalizer": {"type": "NFC"},
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
  "post_processor": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true},
  "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true},
  "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null,
            "fuse_unk": false, "vocab": {)" + vocab + R"(}, "merges": [)" + json_string(g + " t") + R"(, "h e"]}})";
}

std::string small_safetensors() {
    const std::string header = R"({"__metadata__": {"format": "pt"}, "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, )"
                               R"("b": {"dtype": "F16", "shape": [4], "data_offsets": [16, 24]}, "c": {"dtype": "BF16", "shape": [1], "data_offsets": [24, 26]}})";
    std::string s(8, '\0');
    const uint64_t n = header.size();
    for (int k = 0; k < 8; ++k) s[size_t(k)] = char((n >> (8 * k)) & 0xff);
    return s + header + std::string(26, '\x01');
}

std::string small_pickle() {
    return state_dict_pickle([](Pickle& p) {
        p.tensor_entry("a", "FloatStorage", "0", 8, 0, {2, 2}, {2, 1});
        p.tensor_entry("b", "FloatStorage", "0", 8, 4, {4}, {1});
    });
}

std::string small_torch_bin() {
    return make_stored_zip({{"archive/data.pkl", small_pickle()}, {"archive/byteorder", "little"},
                            {"archive/data/0", std::string(32, '\x02')}, {"archive/version", "3\n"}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(generated)

BOOST_AUTO_TEST_CASE(gguf_model_files) {
    attack("model.gguf", small_gguf_bytes(), 200, binary, [](const std::string& p) { pe::model::Model::load(p); });
}

BOOST_AUTO_TEST_CASE(safetensors_files) {
    attack("x.safetensors", small_safetensors(), 150, binary, [](const std::string& p) { pe::convert::read_safetensors(p); });
}

BOOST_AUTO_TEST_CASE(pickles) {
    attack("data.pkl", small_pickle(), 200, binary, [](const std::string& p) {
        pe::convert::parse_torch_pickle(to_bytes(read_file(p)), p, "data.pkl");
    });
}

BOOST_AUTO_TEST_CASE(torch_zip_archives) {
    attack("pytorch_model.bin", small_torch_bin(), 150, binary, [](const std::string& p) { pe::convert::read_torch_checkpoint(p); });
}

BOOST_AUTO_TEST_CASE(tokenizer_json) {
    const std::string honest = small_tokenizer_json();
    // The honest file must itself pass both readers, or the variants prove nothing.
    const fs::path dir = scratch_dir("attack_gen_tokenizer_honest");
    write_file(dir / "tokenizer.json", honest);
    BOOST_TEST_REQUIRE(pe::tokenizer::Tokenizer::from_json_file((dir / "tokenizer.json").string()).vocab_size() >= 258u);
    pe::convert::parse_hf_tokenizer(honest, 259, "tokenizer.json");
    attack("tokenizer.json", honest, 120, json, [](const std::string& p) {
        pe::tokenizer::Tokenizer::from_json_file(p);
        pe::convert::read_hf_tokenizer(p, 259);
    });
}

BOOST_AUTO_TEST_CASE(config_json, *boost::unit_test::precondition(needs_shared)) {
    attack("config.json", read_file(shared_path("fixtures/tiny-neox/config.json")), 200, json,
           [](const std::string& p) { pe::convert::read_hf_config(p); });
}

BOOST_AUTO_TEST_CASE(task_data_is_used_only_when_it_is_the_pinned_file, *boost::unit_test::precondition(needs_shared)) {
    // Any change to a pinned data file must be refused: no variant may load (it would score a
    // different test set under the same name).
    for (const std::string task : {"piqa", "winogrande", "sciq"}) {
        const pe::tasks::TaskInfo& info = pe::tasks::find_task(task);
        const fs::path root = scratch_dir("attack_gen_data_" + task);
        for (const auto& f : info.files) {
            fs::create_directories((root / f.path).parent_path());
            fs::copy_file(shared_path("data") / f.path, root / f.path);
        }
        const auto& target = info.files.front();
        const std::string honest = read_file(root / target.path);
        Rng rng(0xda7a + task.size());
        for (int i = 0; i < 8; ++i) {
            const std::string variant = i % 2 ? mutate_json(honest, rng) : mutate_bytes(honest, rng);
            if (variant == honest) continue;
            write_file(root / target.path, variant);
            const Outcome o = run_isolated([&] { info.load(pe::tasks::DataDir(root)); }, {30, uint64_t(2) << 30});
            BOOST_TEST(clean_error(o, (root / target.path).string()), task << " case " << i << ": " << describe(o));
        }
        write_file(root / target.path, honest);
        const Outcome ok = run_isolated([&] { info.load(pe::tasks::DataDir(root)); }, {30, uint64_t(2) << 30});
        BOOST_TEST((ok.kind == Outcome::Kind::ok), task << " honest: " << describe(ok));
    }
}

BOOST_AUTO_TEST_CASE(cli_info_and_convert_on_variants, *boost::unit_test::precondition(needs_shared)) {
    // A sample through the real program, each under a timeout: exit 0, or exit 1 with one line.
    const fs::path dir = scratch_dir("attack_gen_cli");
    const std::string gguf = small_gguf_bytes();
    Rng rng(0xc11);
    for (int i = 0; i < 12; ++i) {
        const fs::path p = dir / ("case" + std::to_string(i) + ".gguf");
        write_file(p, mutate_bytes(gguf, rng));
        const CliResult r = run_cli({"info", p.string()}, {}, {}, {30, 0});
        BOOST_TEST((r.exit_code == 0 || clean_cli_error(r, p.string())), "info case " << i << ": " << describe(r));
    }
    const std::string config = read_file(shared_path("fixtures/tiny-neox/config.json"));
    for (int i = 0; i < 6; ++i) {
        const fs::path hf = make_hf_folder("attack_gen_cli_hf" + std::to_string(i), shared_path("fixtures/tiny-neox"),
                                           {"model.safetensors"}, mutate_json(config, rng));
        const CliResult r = run_cli({"convert", hf.string(), (dir / "out.gguf").string()}, {}, {}, {60, 0});
        BOOST_TEST((r.exit_code == 0 || clean_cli_error(r, hf.string())), "convert case " << i << ": " << describe(r));
    }
}

BOOST_AUTO_TEST_SUITE_END()
