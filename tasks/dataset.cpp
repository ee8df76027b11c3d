// Data-folder access with sha256 checks (OpenSSL), JSON-lines reading and Python string semantics
// for the task loaders (lm-eval-tasks.md §1).
#include "tasks/dataset.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::tasks {

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "", "sha256", "OpenSSL EVP_Digest failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; i++) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

std::string DataDir::read_unpinned(const std::string& rel) const {
    const auto p = path(rel);
    const ReadingInput reading(p.string());
    if (!std::filesystem::exists(p))
        throw_io(p.string(), "missing; run `pythia-eval data fetch` or point --data-dir at the data folder");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec))  // a FIFO would block the read below forever
        throw_io(p.string(), "not a regular file (a FIFO, device or folder cannot be read as data)");
    std::ifstream in(p, std::ios::binary);
    if (!in) throw_io(p.string(), std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw_io(p.string(), "read failed");
    return ss.str();
}

std::string DataDir::read_verified(const data::DataFile& file) const {
    const auto p = path(file.path);
    if (!std::filesystem::exists(p))
        throw_io(p.string(), "missing (expected the original file, sha256 " + file.sha256 +
                                 "); run `pythia-eval data fetch` or point --data-dir at the data folder");
    std::string bytes = read_unpinned(file.path);
    const std::string got = sha256_hex(bytes);
    if (got != file.sha256)
        throw_bad_input(p.string(), "sha256",
                        got + ", expected " + file.sha256 +
                            " (not the original file; run `pythia-eval data fetch` to restore it)");
    return bytes;
}

void for_each_json_line(const std::string& file, const std::string& text,
                        const std::function<void(size_t, simdjson::dom::element)>& fn) {
    const ReadingInput reading(file);
    simdjson::dom::parser parser;
    size_t line = 0;
    for (size_t start = 0; start < text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        line++;
        std::string_view row(text.data() + start, end - start);
        if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
        if (row.find_first_not_of(" \t") != std::string_view::npos) {
            simdjson::dom::element value;
            if (const auto err = parser.parse(row.data(), row.size()).get(value); err)
                throw_bad_input(file, "line " + std::to_string(line),
                                std::string("not valid JSON: ") + simdjson::error_message(err), start);
            fn(line, value);
        }
        start = end + 1;
    }
}

std::string json_string(simdjson::dom::element obj, const char* key, const std::string& file, size_t line) {
    std::string_view s;
    if (obj[key].get(s) != simdjson::SUCCESS)
        throw_bad_input(file, "line " + std::to_string(line) + " '" + key + "'", "missing or not a string");
    return std::string(s);
}

namespace {

// CPython's _PyUnicode_IsWhitespace: bidi class WS, B or S, or category Zs.
bool python_isspace(uint32_t cp) {
    switch (cp) {
        case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x1c: case 0x1d: case 0x1e:
        case 0x1f: case 0x20: case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
        case 0x202f: case 0x205f: case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200a;
    }
}

// Decodes the code point starting at i (valid UTF-8 assumed; a stray byte counts as itself).
uint32_t decode_at(std::string_view s, size_t i, size_t& len) {
    const auto b0 = uint8_t(s[i]);
    len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 1;
    if (i + len > s.size()) len = 1;
    if (len == 1) return b0;
    uint32_t cp = b0 & (0xffu >> (len + 1));
    for (size_t k = 1; k < len; k++) cp = (cp << 6) | (uint8_t(s[i + k]) & 0x3fu);
    return cp;
}

}  // namespace

std::string python_strip(std::string_view s) {
    size_t begin = 0, len = 0;
    while (begin < s.size() && python_isspace(decode_at(s, begin, len))) begin += len;
    size_t end = s.size();
    while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (uint8_t(s[start]) & 0xc0) == 0x80) start--;  // back to a lead byte
        if (!python_isspace(decode_at(s, start, len))) break;
        end = start;
    }
    return std::string(s.substr(begin, end - begin));
}

size_t len_codepoints(std::string_view utf8) {
    size_t n = 0;
    for (char c : utf8) n += (uint8_t(c) & 0xc0) != 0x80;  // count lead bytes
    return n;
}

}  // namespace pe::tasks
