// gemm.cu - GEMM through cuBLAS resolved at run time (dlopen + dlsym): no cuBLAS headers or
// libraries are needed to build, and libflan4j loads where cuBLAS is absent. The few cuBLAS types
// and enum values used are declared here (values from the cuBLAS 12/13 ABI).
#include <dlfcn.h>
#include <library_types.h>

#include <cstdio>
#include <mutex>
#include <string>

#include "launchers.cuh"

namespace flan4j {

namespace {

typedef int cublasStatus_t;  // CUBLAS_STATUS_SUCCESS = 0
typedef struct cublasContext* cublasHandle_t;
constexpr int kCublasOpN = 0, kCublasOpT = 1;
constexpr int kCublasCompute32F = 68, kCublasCompute32FFastTF32 = 77;
constexpr int kCublasGemmDefault = -1;
constexpr int kCublasDefaultMath = 0;

typedef cublasStatus_t (*create_fn)(cublasHandle_t*);
typedef cublasStatus_t (*destroy_fn)(cublasHandle_t);
typedef cublasStatus_t (*set_stream_fn)(cublasHandle_t, cudaStream_t);
typedef cublasStatus_t (*gemm_strided_batched_ex_fn)(cublasHandle_t, int, int, int, int, int, const void*,
                                                     const void*, cudaDataType, int, long long, const void*,
                                                     cudaDataType, int, long long, const void*, void*,
                                                     cudaDataType, int, long long, int, int, int);

struct Cublas {
    void* lib = nullptr;
    std::string name;
    std::string error;  // why loading failed
    create_fn create = nullptr;
    destroy_fn destroy = nullptr;
    set_stream_fn set_stream = nullptr;
    gemm_strided_batched_ex_fn gemm = nullptr;
};

const char* const kLibraryNames[] = {"libcublas.so.13", "libcublas.so.12"};

Cublas& cublas() {
    static Cublas c;
    static std::once_flag once;
    std::call_once(once, [] {
        std::string errs;
        for (const char* n : kLibraryNames) {
            void* h = dlopen(n, RTLD_NOW | RTLD_LOCAL);
            if (!h) {
                const char* e = dlerror();
                errs += std::string(errs.empty() ? "" : "; ") + "dlopen(" + n + "): " + (e ? e : "failed");
                continue;
            }
            Cublas t;
            t.lib = h;
            t.name = n;
            t.create = (create_fn)dlsym(h, "cublasCreate_v2");
            t.destroy = (destroy_fn)dlsym(h, "cublasDestroy_v2");
            t.set_stream = (set_stream_fn)dlsym(h, "cublasSetStream_v2");
            t.gemm = (gemm_strided_batched_ex_fn)dlsym(h, "cublasGemmStridedBatchedEx");
            if (t.create && t.destroy && t.set_stream && t.gemm) {
                c = t;
                return;
            }
            errs += std::string(errs.empty() ? "" : "; ") + n + ": missing cuBLAS entry points";
            dlclose(h);
        }
        c.error = errs;
    });
    return c;
}

constexpr int kMaxDevices = 64;
struct ThreadHandles {
    cublasHandle_t h[kMaxDevices] = {};
    // No destructor: destroying handles during process exit can run after the CUDA driver shut down.
    // Long-lived worker threads that end early call flan4j_release_thread_resources().
    void release() {
        Cublas& c = cublas();
        for (auto& x : h)
            if (x && c.destroy) {
                c.destroy(x);
                x = nullptr;
            }
    }
};
thread_local ThreadHandles t_handles;

cudaDataType to_cuda_type(int dtype) {
    switch (dtype) {
        case FLAN4J_BF16: return CUDA_R_16BF;
        case FLAN4J_F16: return CUDA_R_16F;
        default: return CUDA_R_32F;
    }
}

}  // namespace

// ====================================================================== launchers

int blas_load() {
    Cublas& c = cublas();
    if (!c.lib)
        return set_error(FLAN4J_ERR_LIBRARY_NOT_FOUND,
                         "cuBLAS not found: neither libcublas.so.13 nor libcublas.so.12 could be loaded (%s)",
                         c.error.c_str());
    return FLAN4J_OK;
}

const char* blas_library_name() {
    Cublas& c = cublas();
    return c.lib ? c.name.c_str() : "";
}

void blas_release_thread() { t_handles.release(); }

int launch_gemm(int dtype_ab, int dtype_c, int trans_a, int trans_b, int M, int N, int K, float alpha,
                const void* A, int lda, long long stride_a, const void* B, int ldb, long long stride_b, float beta,
                void* C, int ldc, long long stride_c, int batch, int flags, cudaStream_t s) {
    NvtxRange r("flan4j_gemm");
    int st = blas_load();
    if (st != FLAN4J_OK) return st;
    Cublas& c = cublas();
    int dev = 0;
    FLAN4J_CUDA_TRY(cudaGetDevice(&dev), "flan4j_gemm: cudaGetDevice");
    if (dev < 0 || dev >= kMaxDevices)
        return set_error(FLAN4J_ERR_UNSUPPORTED, "flan4j_gemm: device %d >= %d not supported", dev, kMaxDevices);
    cublasHandle_t& h = t_handles.h[dev];
    if (!h) {
        cublasStatus_t cs = c.create(&h);
        if (cs != 0) {
            h = nullptr;
            return set_error(FLAN4J_ERR_CUBLAS, "flan4j_gemm: cublasCreate_v2 (%s) failed with status %d",
                             c.name.c_str(), cs);
        }
    }
    cublasStatus_t cs = c.set_stream(h, s);
    if (cs != 0) return set_error(FLAN4J_ERR_CUBLAS, "flan4j_gemm: cublasSetStream_v2 failed with status %d", cs);
    // Row-major C[M,N] = op(A)[M,K] op(B)[K,N] is column-major C^T[N,M] = op(B)^T op(A)^T, and a row-major
    // matrix with leading dimension ld is its column-major transpose with the same ld.
    const int compute = (dtype_ab == FLAN4J_F32 && (flags & FLAN4J_GEMM_ALLOW_TF32)) ? kCublasCompute32FFastTF32
                                                                                    : kCublasCompute32F;
    cs = c.gemm(h, trans_b ? kCublasOpT : kCublasOpN, trans_a ? kCublasOpT : kCublasOpN, N, M, K, &alpha, B,
                to_cuda_type(dtype_ab), ldb, stride_b, A, to_cuda_type(dtype_ab), lda, stride_a, &beta, C,
                to_cuda_type(dtype_c), ldc, stride_c, batch, compute, kCublasGemmDefault);
    (void)kCublasDefaultMath;
    if (cs != 0)
        return set_error(FLAN4J_ERR_CUBLAS,
                         "flan4j_gemm: cublasGemmStridedBatchedEx (%s) failed with status %d "
                         "(M=%d N=%d K=%d lda=%d ldb=%d ldc=%d batch=%d)",
                         c.name.c_str(), cs, M, N, K, lda, ldb, ldc, batch);
    return check_launch("flan4j_gemm");
}

}  // namespace flan4j
