// elementwise.cu - residual add, scale, dtype casts, sum of squares (for the global gradient norm), and the
// device-scalar ops that keep a training step free of readbacks: a deterministic sum / sum of squares into a device
// scalar, the clip factor, scaling by a device scalar. The add uses 16-byte loads when its tensors are aligned; the
// add and the device-scalar ops are bodies in elementwise_vec.cuh, shared with the host check.
#include "elementwise_vec.cuh"
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

#define GRID_STRIDE(i, N) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (N); i += (long long)gridDim.x * blockDim.x)

template <typename T>
__global__ void add_kernel(T* out, const T* a, const T* b, long long N) {
    GRID_STRIDE(i, N) out[i] = from_float<T>(to_float(a[i]) + to_float(b[i]));
}

// 16-byte vector version (elementwise_vec.cuh), used when out, a and b are 16-byte aligned.
template <typename E>
__global__ void __launch_bounds__(vec::Add<E>::NT) add_vec_kernel(void* out, const void* a, const void* b, long long N) {
    vec::Add<E>::run(out, a, b, N, blockIdx.x, gridDim.x);
}

template <typename T>
__global__ void scale_kernel(T* x, float alpha, long long N) {
    GRID_STRIDE(i, N) x[i] = from_float<T>(to_float(x[i]) * alpha);
}

template <typename D, typename S>
__global__ void cast_kernel(D* dst, const S* src, long long N) {
    GRID_STRIDE(i, N) dst[i] = from_float<D>(to_float(src[i]));
}

template <typename T>
__global__ void sum_squares_kernel(float* out, const T* x, long long N) {
    __shared__ float sh[32];
    float s = 0.0f;
    GRID_STRIDE(i, N) {
        const float v = to_float(x[i]);
        s += v * v;
    }
    s = block_sum(s, sh);
    if (threadIdx.x == 0) atomicAdd(out, s);
}

// Deterministic sum (elementwise_vec.cuh): pass 1, one partial per block; pass 2, one block adds them to out[0].
constexpr int kSumThreads = 512;

template <typename E, bool SQUARE>
__global__ void __launch_bounds__(kSumThreads) sum_partial_kernel(float* partials, const void* x, long long N) {
    using R = vec::Sum<E, kSumThreads>;
    __shared__ float sh[R::kSmemFloats];
    R::template partial<SQUARE>(partials, x, N, blockIdx.x, gridDim.x, sh);
}

__global__ void __launch_bounds__(kSumThreads) sum_finish_kernel(float* out, const float* partials, int blocks) {
    using R = vec::Sum<warp::F32, kSumThreads>;
    __shared__ float sh[R::kSmemFloats];
    R::finish(out, partials, blocks, sh);
}

__global__ void clip_factor_kernel(float* factor, const float* norm_sq, double max_norm) {
    if (blockIdx.x == 0 && threadIdx.x == 0) factor[0] = vec::clip_factor(norm_sq[0], max_norm);
}

template <typename E>
__global__ void __launch_bounds__(vec::ScaleBy<E>::NT) scale_by_kernel(void* x, const float* factor, long long N) {
    vec::ScaleBy<E>::run(x, factor, N, blockIdx.x, gridDim.x);
}

// ====================================================================== launchers

static unsigned grid_for(long long n, int threads, long long cap = 65535LL * 8) {
    long long b = (n + threads - 1) / threads;
    return (unsigned)(b > cap ? cap : (b < 1 ? 1 : b));
}

static bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

int launch_add(int dtype, void* out, const void* a, const void* b, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_add");
    if (aligned16(out) && aligned16(a) && aligned16(b)) {
        constexpr int NT = vec::Add<warp::F32>::NT;
        if (dtype == FLAN4J_BF16)
            add_vec_kernel<warp::BF16><<<grid_for(N / 8, NT), NT, 0, s>>>(out, a, b, N);
        else
            add_vec_kernel<warp::F32><<<grid_for(N / 4, NT), NT, 0, s>>>(out, a, b, N);
        return check_launch("add_vec_kernel");
    }
    if (dtype == FLAN4J_BF16)
        add_kernel<bf16><<<grid_for(N, 256), 256, 0, s>>>((bf16*)out, (const bf16*)a, (const bf16*)b, N);
    else
        add_kernel<float><<<grid_for(N, 256), 256, 0, s>>>((float*)out, (const float*)a, (const float*)b, N);
    return check_launch("add_kernel");
}

int launch_scale(int dtype, void* x, float alpha, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_scale");
    if (dtype == FLAN4J_BF16)
        scale_kernel<bf16><<<grid_for(N, 256), 256, 0, s>>>((bf16*)x, alpha, N);
    else
        scale_kernel<float><<<grid_for(N, 256), 256, 0, s>>>((float*)x, alpha, N);
    return check_launch("scale_kernel");
}

template <typename D>
static void cast_from(int src_dtype, D* dst, const void* src, long long N, cudaStream_t s) {
    const unsigned g = grid_for(N, 256);
    switch (src_dtype) {
        case FLAN4J_BF16: cast_kernel<D, bf16><<<g, 256, 0, s>>>(dst, (const bf16*)src, N); break;
        case FLAN4J_F16: cast_kernel<D, f16><<<g, 256, 0, s>>>(dst, (const f16*)src, N); break;
        default: cast_kernel<D, float><<<g, 256, 0, s>>>(dst, (const float*)src, N); break;
    }
}

int launch_cast(int dst_dtype, void* dst, int src_dtype, const void* src, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_cast");
    switch (dst_dtype) {
        case FLAN4J_BF16: cast_from<bf16>(src_dtype, (bf16*)dst, src, N, s); break;
        case FLAN4J_F16: cast_from<f16>(src_dtype, (f16*)dst, src, N, s); break;
        default: cast_from<float>(src_dtype, (float*)dst, src, N, s); break;
    }
    return check_launch("cast_kernel");
}

int launch_sum_squares(int dtype, float* out, const void* x, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_sum_squares");
    const unsigned g = grid_for(N, 512, 1024);
    if (dtype == FLAN4J_BF16)
        sum_squares_kernel<bf16><<<g, 512, 0, s>>>(out, (const bf16*)x, N);
    else
        sum_squares_kernel<float><<<g, 512, 0, s>>>(out, (const float*)x, N);
    return check_launch("sum_squares_kernel");
}

int launch_reduce_sum(int dtype, float* out, float* workspace, const void* x, long long N, int square,
                      cudaStream_t s) {
    NvtxRange r(square ? "flan4j_reduce_sum_squares" : "flan4j_reduce_sum");
    const int g = vec::sum_blocks(N, kSumThreads);
    if (dtype == FLAN4J_BF16) {
        if (square)
            sum_partial_kernel<warp::BF16, true><<<g, kSumThreads, 0, s>>>(workspace, x, N);
        else
            sum_partial_kernel<warp::BF16, false><<<g, kSumThreads, 0, s>>>(workspace, x, N);
    } else {
        if (square)
            sum_partial_kernel<warp::F32, true><<<g, kSumThreads, 0, s>>>(workspace, x, N);
        else
            sum_partial_kernel<warp::F32, false><<<g, kSumThreads, 0, s>>>(workspace, x, N);
    }
    int st = check_launch("sum_partial_kernel");
    if (st != FLAN4J_OK) return st;
    sum_finish_kernel<<<1, kSumThreads, 0, s>>>(out, workspace, g);
    return check_launch("sum_finish_kernel");
}

int launch_clip_factor(float* factor, const float* norm_sq, double max_norm, cudaStream_t s) {
    NvtxRange r("flan4j_clip_factor");
    clip_factor_kernel<<<1, 32, 0, s>>>(factor, norm_sq, max_norm);
    return check_launch("clip_factor_kernel");
}

int launch_scale_by(int dtype, void* x, const float* factor, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_scale_by");
    constexpr int NT = vec::ScaleBy<warp::F32>::NT;
    if (dtype == FLAN4J_BF16)
        scale_by_kernel<warp::BF16><<<grid_for(N, NT), NT, 0, s>>>(x, factor, N);
    else
        scale_by_kernel<warp::F32><<<grid_for(N, NT), NT, 0, s>>>(x, factor, N);
    return check_launch("scale_by_kernel");
}

}  // namespace flan4j
