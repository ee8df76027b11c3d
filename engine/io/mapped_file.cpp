// MappedFile: mmap(2) read-only and private, so tensor views stay valid for the Reader's lifetime.
#include "engine/io/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/error.hpp"

namespace pe::io {

MappedFile MappedFile::map(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_io(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw_io(path, std::string("cannot stat: ") + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw_io(path, "not a regular file");
    }
    MappedFile m;
    m.size_ = size_t(st.st_size);
    if (m.size_ > 0) {  // mmap rejects length 0; an empty file parses as truncated
        void* p = ::mmap(nullptr, m.size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int e = errno;
            ::close(fd);
            throw_io(path, std::string("cannot mmap: ") + std::strerror(e));
        }
        m.data_ = static_cast<const std::byte*>(p);
        m.mapped_ = true;
    }
    ::close(fd);
    return m;
}

MappedFile MappedFile::own(std::vector<std::byte> bytes) {
    MappedFile m;
    m.owned_ = std::move(bytes);
    m.data_ = m.owned_.data();
    m.size_ = m.owned_.size();
    return m;
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : data_(o.data_), size_(o.size_), mapped_(o.mapped_), owned_(std::move(o.owned_)) {
    if (!mapped_) data_ = owned_.data();  // a moved vector keeps its buffer, but say so plainly
    o.data_ = nullptr;
    o.size_ = 0;
    o.mapped_ = false;
}

MappedFile::~MappedFile() {
    if (mapped_) ::munmap(const_cast<std::byte*>(data_), size_);
}

}  // namespace pe::io
