// An exclusive lock on a file or folder between processes (flock(2)): two evals writing the same
// output, two processes merging into one result folder, two conversions of one model. The kernel
// drops it when the holder exits, however it exits (SIGKILL included), so no lock is ever stale.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pe::io {

class FileLock {
public:
    // Waits until the lock is free. A missing file (and its folder) is created empty; a folder must
    // exist. Lock files are never removed by their users (a third process could lock a new file
    // while a second still holds the old one). Opened O_CLOEXEC: a child never inherits a lock.
    static FileLock acquire(const std::filesystem::path& path);
    // nullopt at once when another process holds it (lock_holder says who).
    static std::optional<FileLock> try_acquire(const std::filesystem::path& path);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    const std::filesystem::path& path() const { return path_; }

private:
    FileLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
};

// "process 1234 (pythia-eval eval --model ...)" for the process holding a lock on `path`, from
// /proc/locks; "another process" when that cannot be told.
std::string lock_holder(const std::filesystem::path& path);

}  // namespace pe::io
