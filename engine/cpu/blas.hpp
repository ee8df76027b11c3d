// Matrix products through OpenBLAS (Debian's libopenblas0, DYNAMIC_ARCH), opened at run time.
// Opening it ourselves lets the program pick OpenBLAS's kernel from the CPU's features before the
// library initialises: OpenBLAS 0.3.21 misdetects some CPUs (Sapphire Rapids runs its generic kernel,
// 8x slower), and its only remedy is OPENBLAS_CORETYPE, which the program sets for itself (a value the
// user set is kept). Without the library the CPU backend falls back to its own kernels.
// OpenBLAS rather than BLIS 0.9.0: measured side by side here (AMD EPYC Zen 4, 2 cores), BLIS picked
// its zen3 kernels and ran 2-8x slower on the transformer's shapes (scripts/blas_compare.sh).
#pragma once

#include <cstdint>
#include <string>

namespace pe::cpu {

class Blas {
public:
    // The process-wide library, opened on first use; null when it is not installed.
    static const Blas* get();

    // C(M, N) = A(M, K) · B(N, K)ᵀ (+ C when accumulate), all row-major fp32 with leading
    // dimensions lda, ldb, ldc. Uses the library's own threads (set_threads).
    void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                 float* C, int64_t ldc, bool accumulate = false) const;
    void set_threads(int n) const;
    // "OpenBLAS Cooperlake": the library and the kernel it runs.
    const std::string& describe() const { return describe_; }

private:
    using Sgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                           float*, int);
    Sgemm sgemm_ = nullptr;
    void (*set_threads_)(int) = nullptr;
    std::string describe_;
};

}  // namespace pe::cpu
