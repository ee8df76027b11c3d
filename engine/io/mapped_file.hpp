// A read-only file image: an mmap of a file on disk, or an owned byte vector (tests, fuzzing).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace pe::io {

class MappedFile {
public:
    static MappedFile map(const std::string& path);  // throws pe::Error kind io
    static MappedFile own(std::vector<std::byte> bytes);

    MappedFile(MappedFile&& o) noexcept;
    MappedFile& operator=(MappedFile&&) = delete;
    MappedFile(const MappedFile&) = delete;
    ~MappedFile();

    std::span<const std::byte> bytes() const { return {data_, size_}; }

private:
    MappedFile() = default;
    const std::byte* data_ = nullptr;
    size_t size_ = 0;
    bool mapped_ = false;  // munmap on destruction
    std::vector<std::byte> owned_;
};

}  // namespace pe::io
