// Writes the GGUF reader fuzzer's seed corpus into a folder: small valid files from our Writer
// covering every value type, nested arrays, every tensor type and a non-default alignment.
#include <cstdio>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/gguf/writer.hpp"

using namespace pe::gguf;

namespace {

std::vector<std::byte> fill(uint64_t n, uint8_t seed) {
    std::vector<std::byte> b(n);
    for (uint64_t i = 0; i < n; ++i) b[i] = std::byte(uint8_t(i * 29 + seed));
    return b;
}

void metadata_file(const std::string& path) {
    Writer w(path);
    w.add("u8", Value::of(ValueType::u8, uint8_t(1)));
    w.add("i8", Value::of(ValueType::i8, int8_t(-1)));
    w.add("u16", Value::of(ValueType::u16, uint16_t(2)));
    w.add("i16", Value::of(ValueType::i16, int16_t(-2)));
    w.add_u32("gptneox.block_count", 2);
    w.add("i32", Value::of(ValueType::i32, int32_t(-3)));
    w.add_f32("gptneox.attention.layer_norm_epsilon", 1e-5f);
    w.add_bool("gptneox.use_parallel_residual", true);
    w.add_string("general.architecture", "gptneox");
    w.add("u64", Value::of(ValueType::u64, uint64_t(4)));
    w.add("i64", Value::of(ValueType::i64, int64_t(-4)));
    w.add("f64", Value::of(ValueType::f64, 0.5));
    w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab"});
    w.add_i32_array("tokenizer.ggml.token_type", {1, 1, 3});
    Array inner, outer;
    inner.elem_type = ValueType::u8;
    inner.items = {uint8_t(7)};
    outer.elem_type = ValueType::array;
    outer.arrays = {inner, inner};
    w.add("nested", Value::of_array(outer));
    w.commit();
}

void tensor_file(const std::string& path, uint32_t alignment) {
    Writer w(path, alignment);
    w.add_string("general.architecture", "gptneox");
    struct T { const char* name; TensorType type; std::vector<uint64_t> ne; };
    const std::vector<T> ts = {{"a", TensorType::f32, {4, 2}}, {"b", TensorType::f16, {3}},
                               {"c", TensorType::bf16, {2, 1, 2}}, {"d", TensorType::q8_0, {32, 2}},
                               {"e", TensorType::q4_0, {64}}, {"f", TensorType::q6_k, {256}}};
    for (const T& t : ts) w.declare_tensor(t.name, t.type, t.ne);
    uint8_t seed = 0;
    for (const T& t : ts) w.write_tensor_data(t.name, fill(tensor_bytes(t.type, t.ne, path, t.name), seed++));
    w.commit();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    try {
        metadata_file(dir + "/metadata.gguf");
        tensor_file(dir + "/tensors.gguf", 32);
        tensor_file(dir + "/tensors_align8.gguf", 8);
    } catch (const pe::Error& e) {
        std::fprintf(stderr, "gguf_seed_corpus: %s\n", e.what());
        return 1;
    }
    return 0;
}
