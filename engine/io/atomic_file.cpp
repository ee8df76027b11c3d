// AtomicFile (atomic_file.hpp): stdio for the bytes, fsync before the rename so that a crash right
// after it finds either the old file or the complete new one, never a short one. The steps report
// failure as text, so that the best-effort writer (caches) needs no exception to skip a write.
#include "engine/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "engine/error.hpp"

namespace pe::io {

namespace fs = std::filesystem;

namespace {

std::string errno_text() { return std::strerror(errno); }

// Each step: "" on success, else what went wrong (for a message naming the destination).
std::string create_parents(const fs::path& path) {
    if (!path.has_parent_path()) return "";
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    return ec ? "cannot create folder " + path.parent_path().string() + ": " + ec.message() : "";
}

std::string write_all(std::FILE* out, const fs::path& temp, std::span<const std::byte> bytes) {
    if (bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size()) return "";
    return "write to " + temp.string() + " failed (disk full?): " + errno_text();
}

// Flushes, fsyncs and closes `out` (always closed), then renames temp over path.
std::string finish(std::FILE* out, const fs::path& temp, const fs::path& path) {
    std::string error;
    if (std::fflush(out) != 0 || ::fsync(::fileno(out)) != 0)
        error = "flush of " + temp.string() + " failed (disk full?): " + errno_text();
    if (std::fclose(out) != 0 && error.empty()) error = "close of " + temp.string() + " failed: " + errno_text();
    if (!error.empty()) return error;
    std::error_code ec;
    fs::rename(temp, path, ec);
    return ec ? "cannot rename " + temp.string() + " into place: " + ec.message() : "";
}

void remove_quietly(const fs::path& p) {
    std::error_code ec;  // best effort: what is left is a temporary, never the destination
    fs::remove(p, ec);
}

}  // namespace

fs::path temp_path_for(const fs::path& path) {
    fs::path temp = path;
    temp += ".tmp-" + std::to_string(::getpid());
    return temp;
}

void remove_stale_temporaries(const fs::path& path) {
    const std::string prefix = path.filename().string() + ".tmp-";
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().starts_with(prefix)) fs::remove(it->path(), ec);
}

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)), temp_(temp_path_for(path_)) {
    out_ = std::fopen(temp_.c_str(), "wb");
    if (!out_) throw_io(path_.string(), "cannot create " + temp_.string() + ": " + errno_text());
}

AtomicFile::~AtomicFile() {
    if (out_) std::fclose(out_);
    if (!committed_) remove_quietly(temp_);
}

void AtomicFile::write(std::span<const std::byte> bytes) {
    if (!out_) throw Error(ErrorKind::internal, path_.string(), "", "written after commit");
    if (auto error = write_all(out_, temp_, bytes); !error.empty()) throw_io(path_.string(), error);
}

void AtomicFile::commit() {
    if (!out_) throw Error(ErrorKind::internal, path_.string(), "", "committed twice");
    std::FILE* out = std::exchange(out_, nullptr);
    if (auto error = finish(out, temp_, path_); !error.empty()) throw_io(path_.string(), error);
    committed_ = true;
}

void write_file_atomically(const fs::path& path, std::string_view bytes) {
    if (auto error = create_parents(path); !error.empty()) throw_io(path.string(), error);
    AtomicFile file(path);
    file.write(bytes);
    file.commit();
}

bool try_write_file_atomically(const fs::path& path, std::span<const std::byte> bytes) noexcept {
    if (!create_parents(path).empty()) return false;
    const fs::path temp = temp_path_for(path);
    std::FILE* out = std::fopen(temp.c_str(), "wb");
    if (!out) return false;
    if (!write_all(out, temp, bytes).empty()) {
        std::fclose(out);
        remove_quietly(temp);
        return false;
    }
    const bool ok = finish(out, temp, path).empty();
    if (!ok) remove_quietly(temp);
    return ok;
}

void commit_file(const fs::path& temp, const fs::path& dest) {
    const int fd = ::open(temp.c_str(), O_RDONLY);
    if (fd < 0) throw_io(dest.string(), "cannot open " + temp.string() + " for fsync: " + errno_text());
    const bool synced = ::fsync(fd) == 0;
    const std::string why = synced ? "" : errno_text();
    ::close(fd);
    if (!synced) throw_io(dest.string(), "fsync of " + temp.string() + " failed: " + why);
    std::error_code ec;
    fs::rename(temp, dest, ec);
    if (ec) throw_io(dest.string(), "cannot rename " + temp.string() + " into place: " + ec.message());
}

}  // namespace pe::io
