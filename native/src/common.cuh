// common.cuh - internal helpers shared by the op files (not installed, not part of the C API).
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "flan4j/flan4j.h"

#if defined(FLAN4J_NVTX) && FLAN4J_NVTX
#include <nvtx3/nvToolsExt.h>
#endif

namespace flan4j {

// ------------------------------------------------------------------ errors (api.cu)

// Set the thread-local error message (printf-style) and return `status`.
int set_error(int status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Turn a CUDA error into a status + message ("<where>: cudaErrorX (N): text"). cudaSuccess -> FLAN4J_OK.
int cuda_status(cudaError_t err, const char* where);
void clear_error();

// Check the launch that just happened (cudaGetLastError) and return a status.
inline int check_launch(const char* where) { return cuda_status(cudaGetLastError(), where); }

#define FLAN4J_CUDA_TRY(call, where)                              \
    do {                                                          \
        cudaError_t _e = (call);                                  \
        if (_e != cudaSuccess) return ::flan4j::cuda_status(_e, where); \
    } while (0)

// ------------------------------------------------------------------ NVTX

struct NvtxRange {
#if defined(FLAN4J_NVTX) && FLAN4J_NVTX
    explicit NvtxRange(const char* name) { nvtxRangePushA(name); }
    ~NvtxRange() { nvtxRangePop(); }
#else
    explicit NvtxRange(const char*) {}
#endif
    NvtxRange(const NvtxRange&) = delete;
    NvtxRange& operator=(const NvtxRange&) = delete;
};

inline cudaStream_t as_stream(void* s) { return reinterpret_cast<cudaStream_t>(s); }

// ------------------------------------------------------------------ dtypes

using bf16 = __nv_bfloat16;
using f16 = __half;

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(bf16 x) { return __bfloat162float(x); }
__device__ __forceinline__ float to_float(f16 x) { return __half2float(x); }

template <typename T> __device__ __forceinline__ T from_float(float x);
template <> __device__ __forceinline__ float from_float<float>(float x) { return x; }
template <> __device__ __forceinline__ bf16 from_float<bf16>(float x) { return __float2bfloat16_rn(x); }
template <> __device__ __forceinline__ f16 from_float<f16>(float x) { return __float2half_rn(x); }

// ------------------------------------------------------------------ reductions

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, <= 1024). `shared` holds >= 32 floats.
// Every thread gets the result. Contains __syncthreads().
__device__ __forceinline__ float block_sum(float v, float* shared) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // protect `shared` from a previous use
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    v = (lane < nwarps) ? shared[lane] : 0.0f;
    return warp_sum(v);
}
__device__ __forceinline__ float block_max(float v, float* shared) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    v = (lane < nwarps) ? shared[lane] : -INFINITY;
    return warp_max(v);
}

inline unsigned int ceil_div(long long a, long long b) { return (unsigned int)((a + b - 1) / b); }

}  // namespace flan4j
