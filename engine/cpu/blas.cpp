// Blas (blas.hpp): dlopen of libopenblas with the kernel chosen from the CPU's features.
#include "engine/cpu/blas.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace pe::cpu {
namespace {

// OpenBLAS's name for the best kernel this CPU (and its OS, which must save AVX-512 state) runs;
// null to let OpenBLAS decide (non-x86, or nothing newer than SSE).
const char* core_type() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    if (avx512) return __builtin_cpu_supports("avx512bf16") ? "COOPERLAKE" : "SKYLAKEX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "HASWELL";
#endif
    return nullptr;
}

// CBLAS enum values (cblas.h).
constexpr int row_major = 101, no_trans = 111, trans = 112;

}  // namespace

const Blas* Blas::get() {
    static const Blas* blas = []() -> const Blas* {
        if (const char* core = core_type()) setenv("OPENBLAS_CORETYPE", core, /*overwrite=*/0);
        // Idle OpenBLAS threads park at once (2^4 cycles) instead of spinning ~0.1 s on the cores the
        // backend's own threads need for attention and layernorm between two products.
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", /*overwrite=*/0);
        void* lib = nullptr;
        for (const char* name : {"libopenblas.so.0", "libopenblas.so"})
            if ((lib = dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
        if (!lib) return nullptr;
        auto* b = new Blas;  // lives as long as the process, as the library does
        b->sgemm_ = reinterpret_cast<Sgemm>(dlsym(lib, "cblas_sgemm"));
        b->set_threads_ = reinterpret_cast<void (*)(int)>(dlsym(lib, "openblas_set_num_threads"));
        auto* corename = reinterpret_cast<char* (*)()>(dlsym(lib, "openblas_get_corename"));
        if (!b->sgemm_ || !b->set_threads_) {
            delete b;
            return nullptr;
        }
        b->describe_ = std::string("OpenBLAS ") + (corename ? corename() : "");
        return b;
    }();
    return blas;
}

void Blas::gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                   float* C, int64_t ldc, bool accumulate) const {
    sgemm_(row_major, no_trans, trans, int(M), int(N), int(K), 1.0f, A, int(lda), B, int(ldb),
           accumulate ? 1.0f : 0.0f, C, int(ldc));
}

void Blas::set_threads(int n) const { set_threads_(n); }

}  // namespace pe::cpu
