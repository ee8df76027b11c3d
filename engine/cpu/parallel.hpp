// parallel_for: the one threading helper of the CPU backend. Work items are handed out in chunks
// from an atomic counter, so uneven items (causal attention rows) still balance across threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace pe::cpu {

// n_threads <= 0 means all hardware threads.
inline int resolve_threads(int n_threads) {
    if (n_threads > 0) return n_threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

// Calls fn(begin, end, thread_index) over [0, n) in chunks of `chunk` items; thread_index is in
// [0, n_threads) so callers can keep per-thread scratch buffers. The calling thread works too.
template <class F>
void parallel_for(int64_t n, int n_threads, int64_t chunk, F&& fn) {
    if (n <= 0) return;
    chunk = std::max<int64_t>(1, chunk);
    const int64_t n_chunks = (n + chunk - 1) / chunk;
    const int workers = int(std::min<int64_t>(resolve_threads(n_threads), n_chunks));
    std::atomic<int64_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&](int thread_index) {
        try {
            for (int64_t c = next++; c < n_chunks; c = next++) {
                const int64_t begin = c * chunk;
                fn(begin, std::min(n, begin + chunk), thread_index);
            }
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
            next = n_chunks;
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(size_t(workers - 1));
    // A thread that cannot start (a process or memory limit, `--threads 512` under ulimit -u) is not
    // an error: the chunks go to the threads that did start, the calling thread at least.
    for (int i = 1; i < workers; ++i) {
        try {
            threads.emplace_back(work, i);
        } catch (const std::system_error&) {
            break;
        }
    }
    work(0);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace pe::cpu
