// InputFile: pread with every range checked against the file size before anything is allocated.
#include "engine/convert/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/error.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::convert {

InputFile::InputFile(std::string path) : path_(std::move(path)) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; it is
    // refused just below, and on a regular file the flag changes nothing.
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) throw_io(path_, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw_io(path_, "not a regular file (a FIFO, device or folder cannot be read as one)");
    }
    size_ = uint64_t(st.st_size);
}

InputFile::~InputFile() {
    if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = other.size_;
    }
    return *this;
}

void InputFile::read_into(uint64_t offset, std::byte* dst, uint64_t n, const std::string& field) const {
    if (offset > size_ || n > size_ - offset)
        throw_bad_input(path_, field,
                        "needs bytes [" + std::to_string(offset) + ", " + std::to_string(offset) + "+" +
                            std::to_string(n) + ") but the file has " + std::to_string(size_) +
                            " bytes (truncated?)",
                        offset);
    uint64_t done = 0;
    while (done < n) {
        const ssize_t got = ::pread(fd_, dst + done, size_t(n - done), off_t(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) throw_io(path_, std::string("read failed: ") + (got < 0 ? std::strerror(errno) : "unexpected end of file"));
        done += uint64_t(got);
    }
}

std::vector<std::byte> InputFile::read(uint64_t offset, uint64_t n, const std::string& field) const {
    if (offset > size_ || n > size_ - offset) read_into(offset, nullptr, n, field);  // throws
    const ReadingInput reading(path_);
    std::vector<std::byte> out(n);
    read_into(offset, out.data(), n, field);
    return out;
}

std::string read_text_file(const std::string& path) {
    const ReadingInput reading(path);
    InputFile f(path);
    constexpr uint64_t max_bytes = uint64_t(1) << 30;  // far above any tokenizer.json
    if (f.size() > max_bytes) throw_bad_input(path, "", "file too large for a JSON document");
    std::string text(f.size(), '\0');
    f.read_into(0, reinterpret_cast<std::byte*>(text.data()), f.size(), "contents");
    return text;
}

}  // namespace pe::convert
