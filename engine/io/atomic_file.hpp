// Output files appear whole or not at all (style.md §5): bytes go to "<path>.tmp-<pid>" beside the
// destination, are flushed to disk (fsync) and the file is renamed over the destination. The one
// place that does this for the GGUF writer, the caches, the data folder, result JSON and downloads.
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string_view>

namespace pe::io {

// "<path>.tmp-<pid>": the one name of a temporary beside its destination (what AtomicFile writes,
// and what a writer that is not this process - gnuplot, a symlink - is pointed at before a rename).
std::filesystem::path temp_path_for(const std::filesystem::path& path);

// Removes every "<path>.tmp-*" beside `path`: what writers killed mid-write (SIGKILL, a power cut)
// left. Only for a caller holding the lock that every writer of `path` takes, so that none of those
// temporaries can belong to a live writer, on this machine or another sharing the folder.
void remove_stale_temporaries(const std::filesystem::path& path);

// A file being written. commit() makes it durable and moves it into place; destroyed before
// commit(), it removes its temporary, so an interrupted write leaves nothing behind.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path);  // the folder must exist; throws io
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::span<const std::byte> bytes);  // throws io (disk full, ...)
    void write(std::string_view text) { write(std::as_bytes(std::span(text.data(), text.size()))); }
    void commit();                                 // fsync, close, rename; throws io

    const std::filesystem::path& path() const { return path_; }
    const std::filesystem::path& temp_path() const { return temp_; }

private:
    std::filesystem::path path_, temp_;
    std::FILE* out_ = nullptr;
    bool committed_ = false;
};

// The whole file at once through an AtomicFile, creating missing parent folders.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// The same for caches that only save time: false, and nothing left behind, when it cannot be written.
bool try_write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes) noexcept;

// For a temporary written by someone else (a resumable download's part file): fsync it and rename
// it over `dest`. Throws io naming `dest`.
void commit_file(const std::filesystem::path& temp, const std::filesystem::path& dest);

}  // namespace pe::io
