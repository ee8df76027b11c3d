// Test input builders (see crafted.hpp).
#include "tests/convert/crafted.hpp"

#include <fstream>
#include <sstream>

#include <zlib.h>

#include "tests/common/shared.hpp"

namespace pe::test {

namespace fs = std::filesystem;

namespace {
void put(std::string& s, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) s += char((v >> (8 * i)) & 0xff);
}
}  // namespace

std::vector<std::byte> to_bytes(const std::string& s) {
    std::vector<std::byte> b(s.size());
    for (size_t i = 0; i < s.size(); ++i) b[i] = std::byte(uint8_t(s[i]));
    return b;
}

void write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string make_stored_zip(const std::vector<std::pair<std::string, std::string>>& entries, bool zip64) {
    const uint64_t big = 0xffffffff;
    std::string out, central;
    for (const auto& [name, data] : entries) {
        const uint64_t local_offset = out.size();
        std::string extra;  // ZIP64 extended information: size, compressed size, local header offset
        if (zip64) {
            put(extra, 0x0001, 2); put(extra, 24, 2);
            put(extra, data.size(), 8); put(extra, data.size(), 8); put(extra, local_offset, 8);
        }
        // local file header (APPNOTE 4.3.7), with the entry's CRC-32 as torch writes it
        const uint32_t crc = uint32_t(::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), uInt(data.size())));
        put(out, 0x04034b50, 4); put(out, zip64 ? 45 : 20, 2); put(out, 0, 2); put(out, 0, 2); put(out, 0, 2); put(out, 0, 2);
        put(out, crc, 4); put(out, zip64 ? big : data.size(), 4); put(out, zip64 ? big : data.size(), 4);
        put(out, name.size(), 2); put(out, extra.size(), 2);
        out += name + extra + data;
        // central directory header (4.3.12)
        put(central, 0x02014b50, 4); put(central, 45, 2); put(central, zip64 ? 45 : 20, 2); put(central, 0, 2); put(central, 0, 2);
        put(central, 0, 2); put(central, 0, 2); put(central, crc, 4);
        put(central, zip64 ? big : data.size(), 4); put(central, zip64 ? big : data.size(), 4);
        put(central, name.size(), 2); put(central, extra.size(), 2); put(central, 0, 2); put(central, 0, 2); put(central, 0, 2);
        put(central, 0, 4); put(central, zip64 ? big : local_offset, 4);
        central += name + extra;
    }
    const uint64_t cd_offset = out.size();
    out += central;
    if (zip64) {
        const uint64_t record_offset = out.size();
        put(out, 0x06064b50, 4); put(out, 44, 8); put(out, 45, 2); put(out, 45, 2); put(out, 0, 4); put(out, 0, 4);
        put(out, entries.size(), 8); put(out, entries.size(), 8); put(out, central.size(), 8); put(out, cd_offset, 8);
        put(out, 0x07064b50, 4); put(out, 0, 4); put(out, record_offset, 8); put(out, 1, 4);
    }
    put(out, 0x06054b50, 4); put(out, 0, 2); put(out, 0, 2);
    put(out, zip64 ? 0xffff : entries.size(), 2); put(out, zip64 ? 0xffff : entries.size(), 2);
    put(out, zip64 ? big : central.size(), 4); put(out, zip64 ? big : cd_offset, 4); put(out, 0, 2);
    return out;
}

Pickle& Pickle::str(const std::string& s) {
    b += 'X';
    put(b, s.size(), 4);
    b += s;
    return *this;
}

Pickle& Pickle::integer(uint32_t v) {
    b += 'J';
    put(b, v, 4);
    return *this;
}

Pickle& Pickle::tensor_entry(const std::string& name, const std::string& storage_class, const std::string& key,
                             uint32_t numel, uint32_t offset, const std::vector<uint32_t>& shape,
                             const std::vector<uint32_t>& stride) {
    str(name);
    global("torch._utils", "_rebuild_tensor_v2").mark();
    mark().str("storage").global("torch", storage_class).str(key).str("cpu").integer(numel).tuple().op('Q');
    integer(offset);
    mark();
    for (uint32_t d : shape) integer(d);
    tuple().mark();
    for (uint32_t s : stride) integer(s);
    tuple().op('\x89');  // requires_grad = False
    global("collections", "OrderedDict").empty_tuple().reduce();  // backward_hooks
    return tuple().reduce();
}

fs::path make_hf_folder(const std::string& name, const fs::path& source, const std::vector<std::string>& weight_files,
                        const std::string& config_text) {
    const fs::path dir = scratch_dir(name);
    if (config_text.empty()) fs::create_symlink(source / "config.json", dir / "config.json");
    else write_file(dir / "config.json", config_text);
    fs::create_symlink(source / "tokenizer.json", dir / "tokenizer.json");
    for (const std::string& w : weight_files) fs::create_symlink(source / w, dir / w);
    return dir;
}

}  // namespace pe::test
