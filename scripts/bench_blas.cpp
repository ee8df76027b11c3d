// The BLAS comparison behind the CPU backend's choice of library (issue #15): cblas_sgemm of the
// library named on the command line, opened with dlopen as the program opens OpenBLAS, on the
// products the CPU backend runs: each layer's four at 1,024 packed rows and an unembedding tile
// (128 rows x 2,048 vocabulary ids), for the 70m (C = 512) and 160m (C = 768) shapes, 2 threads.
// Prints one line per shape and the summed best time; scripts/bench_blas.sh alternates libraries.
// Usage: bench_blas LIBRARY.so [THREADS]
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using Sgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_blas LIBRARY.so [THREADS]\n");
        return 2;
    }
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        std::fprintf(stderr, "bench_blas: %s\n", dlerror());
        return 1;
    }
    const auto sgemm = reinterpret_cast<Sgemm>(dlsym(lib, "cblas_sgemm"));
    auto set_threads = reinterpret_cast<void (*)(int)>(dlsym(lib, "openblas_set_num_threads"));
    if (!set_threads) set_threads = reinterpret_cast<void (*)(int)>(dlsym(lib, "bli_thread_set_num_threads"));
    if (!sgemm || !set_threads) {
        std::fprintf(stderr, "bench_blas: %s has no cblas_sgemm or thread setting\n", argv[1]);
        return 1;
    }
    set_threads(threads);
    struct Shape { int M, N, K; };
    std::vector<Shape> shapes;
    for (int C : {512, 768})
        for (Shape s : {Shape{1024, 3 * C, C}, Shape{1024, C, C}, Shape{1024, 4 * C, C}, Shape{1024, C, 4 * C},
                        Shape{128, 2048, C}})
            shapes.push_back(s);
    double total_s = 0, total_flop = 0;
    for (const Shape& s : shapes) {
        std::vector<float> a(size_t(s.M) * s.K), b(size_t(s.N) * s.K), c(size_t(s.M) * s.N);
        for (size_t i = 0; i < a.size(); ++i) a[i] = float(i % 97) / 97.0f - 0.5f;
        for (size_t i = 0; i < b.size(); ++i) b[i] = float(i % 89) / 89.0f - 0.5f;
        // Row-major C = A · Bᵀ, as the backend calls it (blas.cpp: gemm_nt).
        auto run = [&] { sgemm(101, 111, 112, s.M, s.N, s.K, 1.0f, a.data(), s.K, b.data(), s.K, 0.0f, c.data(), s.N); };
        run();
        double best = 1e30;
        for (int r = 0; r < 5; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            run();
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        const double flop = 2.0 * s.M * s.N * s.K;
        std::printf("%5d x %5d x %5d  %7.1f GFLOP/s\n", s.M, s.N, s.K, flop / best / 1e9);
        total_s += best;
        total_flop += flop;
    }
    std::printf("all shapes: %.1f ms, %.1f GFLOP/s\n", total_s * 1e3, total_flop / total_s / 1e9);
}
