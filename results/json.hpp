// An ordered JSON value, written byte for byte as Python's json.dumps(obj, indent=2) writes it
// (pythia-results.md §3.1: ASCII-escaped, float repr, no trailing newline), and read with simdjson.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pe::results {

struct Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::vector<std::pair<std::string, Json>>;  // insertion order, like a Python dict

struct Json {
    std::variant<std::nullptr_t, bool, int64_t, double, std::string, JsonArray, JsonObject> value;

    Json() : value(nullptr) {}
    Json(std::nullptr_t) : value(nullptr) {}
    Json(bool b) : value(b) {}
    Json(int i) : value(int64_t(i)) {}
    Json(int64_t i) : value(i) {}
    Json(double d) : value(d) {}
    Json(const char* s) : value(std::string(s)) {}
    Json(std::string s) : value(std::move(s)) {}
    Json(JsonArray a) : value(std::move(a)) {}
    Json(JsonObject o) : value(std::move(o)) {}

    bool is_null() const { return std::holds_alternative<std::nullptr_t>(value); }
    bool is_object() const { return std::holds_alternative<JsonObject>(value); }
    bool is_number() const {
        return std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value);
    }
    const JsonObject& object() const { return std::get<JsonObject>(value); }
    double number() const;                           // int or float as a double
    const Json* find(const std::string& key) const;  // objects only; nullptr when absent
};

// Python's repr(float): shortest round-trip digits, '1e-05', '0.1', '1.0', '8485210.365245037',
// exponent form when the decimal exponent is < -4 or >= 16.
std::string python_float_repr(double x);
// json.dumps(s): ASCII only, \uXXXX (lower-case hex, surrogate pairs) for the rest.
std::string python_json_string(const std::string& utf8);
// json.dumps(value, indent=indent, allow_nan=False); indent < 0 is the compact one-line form
// (", " and ": "). A NaN or infinite number throws pe::Error (internal): never written.
std::string dump_python(const Json& value, int indent = 2);

// Parses a whole document; errors name the file. Integers stay int64, numbers with '.' or an
// exponent become doubles (as Python's json module decides).
Json parse_json(const std::string& text, const std::string& file);
Json read_json_file(const std::filesystem::path& path);

// Writes `content` to a temporary file beside `path` and renames it over `path` (creating parent
// folders), so a failure never leaves a partial file behind.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

}  // namespace pe::results
