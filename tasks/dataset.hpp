// The evaluation data folder (--data-dir): original files read only after their sha256 matches the
// pinned one (engine/data/files.hpp), plus JSON-lines and Python-string helpers the task
// loaders share.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <simdjson.h>
#include <string>
#include <string_view>

#include "engine/data/files.hpp"

namespace pe::tasks {

std::string sha256_hex(std::string_view bytes);

class DataDir {
public:
    explicit DataDir(std::filesystem::path root) : root_(std::move(root)) {}
    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path path(const std::string& rel) const { return root_ / rel; }
    bool exists(const std::string& rel) const { return std::filesystem::exists(path(rel)); }

    // The file's bytes; a missing file or one whose sha256 differs from the original is an error
    // that names the file and both hashes.
    std::string read_verified(const data::DataFile& file) const;
    // For files with no known hash (checked by their loader some other way).
    std::string read_unpinned(const std::string& rel) const;

private:
    std::filesystem::path root_;
};

// Calls fn(line_number, value) for each non-empty line (1-based numbers); a line that is not
// valid JSON is an error naming the file, the line and its byte offset.
void for_each_json_line(const std::string& file, const std::string& text,
                        const std::function<void(size_t, simdjson::dom::element)>& fn);
// obj[key] as a string; absent or not a string is an error naming the file, line and key.
std::string json_string(simdjson::dom::element obj, const char* key, const std::string& file, size_t line);

// Python's str.strip() with no argument: strips every character for which str.isspace() is true.
std::string python_strip(std::string_view s);
// len() of a Python str: Unicode code points of valid UTF-8.
size_t len_codepoints(std::string_view utf8);

}  // namespace pe::tasks
