// Python-compatible JSON writing (json.dumps) and simdjson-based reading, pythia-results.md §3.1.
#include "results/json.hpp"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <simdjson.h>
#include <sstream>

#include "engine/error.hpp"

namespace pe::results {

double Json::number() const {
    if (auto* i = std::get_if<int64_t>(&value)) return double(*i);
    return std::get<double>(value);
}

const Json* Json::find(const std::string& key) const {
    if (!is_object()) return nullptr;
    for (const auto& [k, v] : object())
        if (k == key) return &v;
    return nullptr;
}

std::string python_float_repr(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
    // std::to_chars without a precision gives the shortest digits that round-trip, as Python's
    // repr does (both pick the nearest of the shortest candidates); only the layout differs.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    const std::string sci(buf, res.ptr);  // [-]d[.ddd]e(+|-)XX
    const size_t e_pos = sci.find('e');
    std::string out = sci[0] == '-' ? "-" : "";
    std::string digits;
    for (size_t i = out.size(); i < e_pos; i++)
        if (sci[i] != '.') digits += sci[i];
    const int exp10 = std::stoi(sci.substr(e_pos + 1));
    const int decpt = exp10 + 1;  // value = 0.DIGITS * 10^decpt, as in CPython's format_float_short
    const int n = int(digits.size());
    if (decpt <= -4 || decpt > 16) {
        out += digits.substr(0, 1);
        if (n > 1) out += "." + digits.substr(1);
        const std::string e_digits = std::to_string(std::abs(exp10));
        return out + (exp10 < 0 ? "e-" : "e+") + (e_digits.size() < 2 ? "0" : "") + e_digits;
    }
    if (decpt <= 0) return out + "0." + std::string(size_t(-decpt), '0') + digits;
    if (decpt >= n) return out + digits + std::string(size_t(decpt - n), '0') + ".0";
    return out + digits.substr(0, size_t(decpt)) + "." + digits.substr(size_t(decpt));
}

namespace {

// Next code point of a UTF-8 string; invalid bytes decode to U+FFFD one at a time.
uint32_t next_code_point(const std::string& s, size_t& i) {
    const auto b0 = uint8_t(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + size_t(len) > s.size()) { i++; return 0xfffd; }
    uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1fu) : len == 3 ? (b0 & 0x0fu) : (b0 & 0x07u);
    for (int k = 1; k < len; k++) {
        const auto b = uint8_t(s[i + size_t(k)]);
        if ((b >> 6) != 0x2) { i++; return 0xfffd; }
        cp = (cp << 6) | (b & 0x3fu);
    }
    i += size_t(len);
    return cp;
}

void append_u16_escape(std::string& out, uint32_t unit) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xf];
}

void dump(const Json& v, int indent, int level, std::string& out) {
    const auto newline = [&](int lvl) {
        out += '\n';
        out.append(size_t(indent * lvl), ' ');
    };
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
                out += "null";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += x ? "true" : "false";
            } else if constexpr (std::is_same_v<T, int64_t>) {
                out += std::to_string(x);
            } else if constexpr (std::is_same_v<T, double>) {
                // Strict JSON (issue #13): json.dumps would write NaN/Infinity, which JSON does not
                // have and many readers reject; a non-finite value is a bug upstream, never output.
                if (!std::isfinite(x))
                    throw Error(ErrorKind::internal, "", "json", "refusing to write " + python_float_repr(x) +
                                                                     ": JSON has no NaN or Infinity");
                out += python_float_repr(x);
            } else if constexpr (std::is_same_v<T, std::string>) {
                out += python_json_string(x);
            } else if constexpr (std::is_same_v<T, JsonArray>) {
                if (x.empty()) { out += "[]"; return; }
                out += '[';
                for (size_t i = 0; i < x.size(); i++) {
                    if (i) out += indent >= 0 ? "," : ", ";
                    if (indent >= 0) newline(level + 1);
                    dump(x[i], indent, level + 1, out);
                }
                if (indent >= 0) newline(level);
                out += ']';
            } else {
                if (x.empty()) { out += "{}"; return; }
                out += '{';
                for (size_t i = 0; i < x.size(); i++) {
                    if (i) out += indent >= 0 ? "," : ", ";
                    if (indent >= 0) newline(level + 1);
                    out += python_json_string(x[i].first);
                    out += ": ";
                    dump(x[i].second, indent, level + 1, out);
                }
                if (indent >= 0) newline(level);
                out += '}';
            }
        },
        v.value);
}

Json from_element(simdjson::dom::element e) {
    using simdjson::dom::element_type;
    switch (e.type()) {
        case element_type::OBJECT: {
            simdjson::dom::object in;
            if (e.get(in) != simdjson::SUCCESS) return nullptr;  // unreachable: the type was checked
            JsonObject obj;
            for (auto field : in) obj.emplace_back(std::string(field.key), from_element(field.value));
            return obj;
        }
        case element_type::ARRAY: {
            simdjson::dom::array in;
            if (e.get(in) != simdjson::SUCCESS) return nullptr;
            JsonArray arr;
            for (auto item : in) arr.push_back(from_element(item));
            return arr;
        }
        case element_type::STRING: return std::string(e.get_string().value_unsafe());
        case element_type::INT64: return e.get_int64().value_unsafe();
        case element_type::UINT64: return double(e.get_uint64().value_unsafe());
        case element_type::DOUBLE: return e.get_double().value_unsafe();
        case element_type::BOOL: return e.get_bool().value_unsafe();
        case element_type::NULL_VALUE: return nullptr;
    }
    return nullptr;
}

}  // namespace

std::string python_json_string(const std::string& utf8) {
    std::string out = "\"";
    for (size_t i = 0; i < utf8.size();) {
        const uint32_t cp = next_code_point(utf8, i);
        switch (cp) {
            case '"': out += "\\\""; continue;
            case '\\': out += "\\\\"; continue;
            case '\n': out += "\\n"; continue;
            case '\r': out += "\\r"; continue;
            case '\t': out += "\\t"; continue;
            case '\b': out += "\\b"; continue;
            case '\f': out += "\\f"; continue;
            default: break;
        }
        if (cp >= 0x20 && cp < 0x7f) {
            out += char(cp);
        } else if (cp < 0x10000) {
            append_u16_escape(out, cp);
        } else {
            const uint32_t v = cp - 0x10000;
            append_u16_escape(out, 0xd800 | (v >> 10));
            append_u16_escape(out, 0xdc00 | (v & 0x3ff));
        }
    }
    return out + "\"";
}

std::string dump_python(const Json& value, int indent) {
    std::string out;
    dump(value, indent, 0, out);
    return out;
}

Json parse_json(const std::string& text, const std::string& file) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(text);
    simdjson::dom::element root;
    if (const auto err = parser.parse(padded).get(root); err)
        throw_bad_input(file, "", std::string("not valid JSON: ") + simdjson::error_message(err));
    return from_element(root);
}

Json read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_io(path.string(), std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_json(ss.str(), path.string());
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) throw_io(path.parent_path().string(), "cannot create folder: " + ec.message());
    const auto tmp = std::filesystem::path(path.string() + ".tmp-" + std::to_string(::getpid()));
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw_io(tmp.string(), std::string("cannot create: ") + std::strerror(errno));
        out.write(content.data(), std::streamsize(content.size()));
        out.close();
        if (!out) {
            std::filesystem::remove(tmp, ec);
            throw_io(tmp.string(), "write failed (disk full?)");
        }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        const std::string why = ec.message();
        std::filesystem::remove(tmp, ec);
        throw_io(path.string(), "cannot rename the finished file into place: " + why);
    }
}

}  // namespace pe::results
