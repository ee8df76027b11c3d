// A read-only input file read with pread at checked offsets, so memory stays bounded by what one
// caller asks for (one tensor at a time while converting). Errors name the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pe::convert {

class InputFile {
public:
    explicit InputFile(std::string path);  // throws pe::Error (io) when it cannot be opened
    ~InputFile();
    InputFile(InputFile&& other) noexcept;
    InputFile& operator=(InputFile&& other) noexcept;
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    const std::string& path() const { return path_; }
    uint64_t size() const { return size_; }
    // Reads [offset, offset + n): bad_input naming `field` when that runs past the end.
    std::vector<std::byte> read(uint64_t offset, uint64_t n, const std::string& field) const;
    void read_into(uint64_t offset, std::byte* dst, uint64_t n, const std::string& field) const;

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

// The whole of a small text file (config.json, tokenizer.json, index files).
std::string read_text_file(const std::string& path);

}  // namespace pe::convert
