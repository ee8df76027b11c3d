// An exclusive advisory lock on a file (flock), for processes that share a cache or a results
// folder: concurrent downloads of one hub blob, or two sweep tasks reaching the same cell. The lock
// file is created when missing and never removed (removing it would let a third process lock a new
// file while the second still holds the old one); the lock is released when the object dies, and by
// the kernel when the process does, so a killed process never leaves a stale lock.
#pragma once

#include <filesystem>
#include <optional>

namespace pe {

class FileLock {
public:
    // Blocks until this process holds the lock. Throws pe::Error (io) when the file cannot be made.
    static FileLock acquire(const std::filesystem::path& path);
    // nullopt when another process (or another FileLock in this one) holds it.
    static std::optional<FileLock> try_acquire(const std::filesystem::path& path);

    FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace pe
