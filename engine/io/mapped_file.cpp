// MappedFile: mmap(2) read-only and private, so tensor views stay valid for the Reader's lifetime;
// a SIGBUS inside a mapping (the file truncated under us) ends the run with one line naming it.
#include "engine/io/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "engine/error.hpp"

namespace pe::io {

namespace {

// A mapped file that another process truncates turns every read past its new end into SIGBUS. No
// exception can leave a signal handler, so the handler ends the run the way an error would: one
// line naming the file, exit 1 (output files are only ever renamed into place, so none is partial).
// The table is read lock-free inside the handler; registration happens under a mutex.
struct Guarded {
    std::atomic<uintptr_t> begin{0}, end{0};
    char message[768] = {};
    size_t length = 0;
};
constexpr size_t max_guarded = 64;
Guarded guarded[max_guarded];
std::mutex guard_mutex;
struct sigaction previous_sigbus {};

void on_sigbus(int, siginfo_t* info, void*) {
    const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
    for (const Guarded& g : guarded) {
        const uintptr_t b = g.begin.load(std::memory_order_acquire), e = g.end.load(std::memory_order_acquire);
        if (b != 0 && addr >= b && addr < e) {
            [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, g.message, g.length);
            ::_exit(1);
        }
    }
    // Not one of our mappings: put the previous disposition back, and the fault repeats under it.
    ::sigaction(SIGBUS, &previous_sigbus, nullptr);
}

void guard(const std::string& path, const std::byte* data, size_t size) {
    static std::once_flag installed;
    std::call_once(installed, [] {
        struct sigaction sa {};
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGBUS, &sa, &previous_sigbus);
    });
    std::lock_guard lock(guard_mutex);
    for (Guarded& g : guarded) {
        if (g.begin.load(std::memory_order_relaxed) != 0) continue;
        const std::string m = "pythia-eval: error: " + path.substr(0, 600) +
                              ": the file was truncated or became unreadable while in use (changed by another "
                              "process?); stopped\n";
        std::memcpy(g.message, m.data(), m.size());
        g.length = m.size();
        g.end.store(reinterpret_cast<uintptr_t>(data) + size, std::memory_order_release);
        g.begin.store(reinterpret_cast<uintptr_t>(data), std::memory_order_release);
        return;
    }
    // More than max_guarded files mapped at once: the rest are read unguarded (a plain SIGBUS).
}

void unguard(const std::byte* data) {
    std::lock_guard lock(guard_mutex);
    for (Guarded& g : guarded)
        if (g.begin.load(std::memory_order_relaxed) == reinterpret_cast<uintptr_t>(data)) {
            g.begin.store(0, std::memory_order_release);
            g.end.store(0, std::memory_order_release);
        }
}

}  // namespace

MappedFile MappedFile::map(const std::string& path) {
    // O_NONBLOCK: a FIFO would block the open until a writer came; it is refused below instead.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw_io(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw_io(path, std::string("cannot stat: ") + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw_io(path, "not a regular file (a FIFO, device or folder cannot be read as one)");
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
        guard(path, m.data_, m.size_);
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
    if (mapped_) {
        unguard(data_);
        ::munmap(const_cast<std::byte*>(data_), size_);
    }
}

}  // namespace pe::io
