// Builders for crafted test inputs, written from the formats' specs independently of the readers:
// a stored ZIP archive (APPNOTE §4.3), pickle opcodes (pickletools), safetensors files, HF folders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace pe::test {

std::vector<std::byte> to_bytes(const std::string& s);
void write_file(const std::filesystem::path& p, const std::string& bytes);
std::string read_file(const std::filesystem::path& p);

// A ZIP with every entry stored (method 0), sizes in the local headers. With `zip64`, every size,
// offset and count that ZIP64 can move is moved into ZIP64 records (APPNOTE 4.3.14, 4.5.3), the way
// torch's writer stores archives over 4 GiB.
std::string make_stored_zip(const std::vector<std::pair<std::string, std::string>>& entries, bool zip64 = false);

// Pickle opcodes, protocol 2, appended one by one.
struct Pickle {
    std::string b = std::string("\x80\x02", 2);
    Pickle& op(char c) { b += c; return *this; }
    Pickle& global(const std::string& module, const std::string& name) { b += 'c' + module + '\n' + name + '\n'; return *this; }
    Pickle& str(const std::string& s);   // BINUNICODE
    Pickle& integer(uint32_t v);         // BININT
    Pickle& mark() { return op('('); }
    Pickle& tuple() { return op('t'); }
    Pickle& empty_tuple() { return op(')'); }
    Pickle& reduce() { return op('R'); }
    Pickle& stop() { return op('.'); }
    // A state-dict entry `name` -> tensor over storage `key` of `numel` elements, as torch writes it.
    Pickle& tensor_entry(const std::string& name, const std::string& storage_class, const std::string& key,
                         uint32_t numel, uint32_t offset, const std::vector<uint32_t>& shape,
                         const std::vector<uint32_t>& stride);
};
// A whole state dict pickle: OrderedDict() then SETITEMS of the entries written by `fill`.
template <class F>
std::string state_dict_pickle(F fill) {
    Pickle p;
    p.global("collections", "OrderedDict").empty_tuple().reduce().mark();
    fill(p);
    p.op('u').stop();
    return p.b;
}

// A folder with config.json and tokenizer.json linked from `source` (or `config_text` written instead),
// plus the given weight files linked from `source`.
std::filesystem::path make_hf_folder(const std::string& name, const std::filesystem::path& source,
                                     const std::vector<std::string>& weight_files,
                                     const std::string& config_text = "");

}  // namespace pe::test
