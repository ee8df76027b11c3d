// Writes seed corpora for the safetensors header and torch pickle fuzzers into <dir>/safetensors and
// <dir>/pickle: headers and state-dict pickles shaped like real checkpoints (opcodes as torch.save writes).
#include <cstdio>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace std::string_literals;  // literals below hold NUL bytes

namespace {

void put(std::string& s, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) s += char((v >> (8 * i)) & 0xff);
}
std::string str(const std::string& s) {
    std::string o = "X";
    put(o, s.size(), 4);
    return o + s;
}
std::string integer(uint32_t v) {
    std::string o = "J";
    put(o, v, 4);
    return o;
}
// One state-dict entry as torch writes it, memoising the globals like the real files do.
std::string entry(const std::string& name, const std::string& cls, const std::string& key, uint32_t numel,
                  bool first) {
    std::string o = str(name);
    o += first ? "ctorch._utils\n_rebuild_tensor_v2\nq\x03"s : "h\x03"s;
    o += "((" + str("storage") + (first ? "ctorch\n" + cls + "\nq\x05" : std::string("h\x05")) + str(key) + str("cpu") +
         integer(numel) + "tQ" + integer(0) + integer(numel) + "\x85" + integer(1) + "\x85\x89h\x00)Rt"s;
    return o + "R";
}
void write(const fs::path& p, const std::string& bytes) {
    if (FILE* f = std::fopen(p.c_str(), "wb")) {
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: convert_seed_corpus DIR\n");
        return 2;
    }
    const fs::path st = fs::path(argv[1]) / "safetensors", pk = fs::path(argv[1]) / "pickle";
    fs::create_directories(st);
    fs::create_directories(pk);
    // The fuzzer's first byte is the data size in KiB.
    write(st / "one", std::string("\x01") + R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]}})");
    write(st / "two", std::string("\x02") + R"({"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]},"c":{"dtype":"BOOL","shape":[1,1,2,2],"data_offsets":[12,16]}})");
    const std::string head = std::string("\x80\x02", 2) + "ccollections\nOrderedDict\nq\x00)Rq\x01("s;
    write(pk / "state_dict", head + entry("gpt_neox.embed_in.weight", "HalfStorage", "0", 8, true) +
                                 entry("gpt_neox.final_layer_norm.bias", "HalfStorage", "1", 4, false) + "u.");
    write(pk / "metadata", head + entry("w", "FloatStorage", "0", 2, true) + "u}r\x00\x01\x00\x00"s + str("_metadata") +
                               "h\x00)R("s + str("") + "}" + str("version") + "K\x01sus" + "b.");
    write(pk / "bool", head + entry("gpt_neox.layers.0.attention.bias", "BoolStorage", "2", 16, true) + "u.");
    return 0;
}
