// FileLock (file_lock.hpp): flock(2) on a file opened O_CLOEXEC, so a child process (sbatch,
// scontrol) never inherits a held lock.
#include "engine/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/error.hpp"

namespace pe {

namespace {

int open_lock_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw_io(path.string(), std::string("cannot open the lock file: ") + std::strerror(errno));
    return fd;
}

}  // namespace

FileLock FileLock::acquire(const std::filesystem::path& path) {
    const int fd = open_lock_file(path);
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        throw_io(path.string(), std::string("cannot lock: ") + std::strerror(err));
    }
    return FileLock(fd);
}

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path) {
    const int fd = open_lock_file(path);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(fd);
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return std::nullopt;
    throw_io(path.string(), std::string("cannot lock: ") + std::strerror(err));
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace pe
