// FileLock (file_lock.hpp): flock on an fd opened without truncating, so locking never changes
// the file; the holder is looked up by device and inode in /proc/locks.
#include "engine/io/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"

namespace pe::io {

namespace fs = std::filesystem;

namespace {

int open_for_lock(const fs::path& path) {
    std::error_code ec;
    const bool dir = fs::is_directory(path, ec);
    if (!dir && path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    const int fd = dir ? ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                       : ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw_io(path.string(), std::string("cannot open for locking: ") + std::strerror(errno));
    return fd;
}

std::string command_of(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/cmdline", std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : raw)
        if (c == '\0') c = ' ';
    while (!raw.empty() && raw.back() == ' ') raw.pop_back();
    if (raw.size() > 200) raw = raw.substr(0, 200) + "...";
    return raw;
}

}  // namespace

FileLock FileLock::acquire(const fs::path& path) {
    const int fd = open_for_lock(path);
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        throw_io(path.string(), std::string("cannot lock: ") + std::strerror(err));
    }
    return FileLock(path, fd);
}

std::optional<FileLock> FileLock::try_acquire(const fs::path& path) {
    const int fd = open_for_lock(path);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(path, fd);
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return std::nullopt;
    throw_io(path.string(), std::string("cannot lock: ") + std::strerror(err));
}

FileLock::FileLock(FileLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last fd releases the flock
}

std::string lock_holder(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "another process";
    char dev[32];
    std::snprintf(dev, sizeof dev, "%02x:%02x:%llu", major(st.st_dev), minor(st.st_dev),
                  static_cast<unsigned long long>(st.st_ino));
    // /proc/locks: "1: FLOCK  ADVISORY  WRITE 12345 fd:01:1234567 0 EOF"
    std::ifstream locks("/proc/locks");
    for (std::string line; std::getline(locks, line);) {
        std::istringstream fields(line);
        std::string id, kind, mode, access, pid, where;
        if (!(fields >> id >> kind >> mode >> access >> pid >> where) || kind != "FLOCK" || where != dev) continue;
        const std::string cmd = command_of(pid);
        return "process " + pid + (cmd.empty() ? std::string() : " (" + cmd + ")");
    }
    return "another process";
}

}  // namespace pe::io
