// cross_entropy.cu - fused softmax cross-entropy: per-token loss and dlogits written in place.
//
// One block per row of logits. Pass 1 streams the V real columns once with an online (max, sum-exp)
// and also sums the logits (for label smoothing); pass 2 writes the gradient over the same buffer.
// No softmax buffer is materialised; padded columns [V, Vp) get a zero gradient.
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

struct MaxSum {
    float m, s;
};

__device__ __forceinline__ MaxSum combine(MaxSum a, MaxSum b) {
    const float m = fmaxf(a.m, b.m);
    if (m == -INFINITY) return {m, 0.0f};
    return {m, a.s * __expf(a.m - m) + b.s * __expf(b.m - m)};
}

// Counts non-ignored targets into reduced[1] and zeroes reduced[0]. One block.
__global__ void count_valid_kernel(float* reduced, const int* __restrict__ targets, long long N,
                                   int ignore_index) {
    __shared__ float sh[32];
    float c = 0.0f;
    for (long long i = threadIdx.x; i < N; i += blockDim.x) c += targets[i] != ignore_index ? 1.0f : 0.0f;
    c = block_sum(c, sh);
    if (threadIdx.x == 0) {
        reduced[0] = 0.0f;
        reduced[1] = c;
    }
}

template <typename T>
__global__ void __launch_bounds__(512)
cross_entropy_kernel(T* logits, float* __restrict__ losses, const float* __restrict__ reduced,
                     const int* __restrict__ targets, int V, int Vp, int ignore_index, int reduction,
                     float smoothing, float z_coef, float grad_scale, int compute_grad) {
    __shared__ float sh[32];
    __shared__ MaxSum shm[32];
    const long long row = blockIdx.x;
    T* z = logits + row * (long long)Vp;
    const int y = targets[row];
    const bool ignored = (y == ignore_index);
    const bool y_ok = (y >= 0 && y < V);
    if (ignored || !y_ok) {
        // ignored token: no loss, no gradient; out-of-range target: NaN loss (a loud failure)
        if (threadIdx.x == 0) losses[row] = ignored ? 0.0f : __int_as_float(0x7fc00000);
        if (compute_grad) {
            const T zero = from_float<T>(ignored ? 0.0f : __int_as_float(0x7fc00000));
            for (int j = threadIdx.x; j < Vp; j += blockDim.x) z[j] = zero;
        }
        return;
    }
    MaxSum ms{-INFINITY, 0.0f};
    float zsum = 0.0f;
    for (int j = threadIdx.x; j < V; j += blockDim.x) {
        const float v = to_float(z[j]);
        zsum += v;
        if (v > ms.m) {
            ms.s = ms.s * __expf(ms.m - v) + 1.0f;  // exp(-inf) = 0 on the first element
            ms.m = v;
        } else if (v != -INFINITY) {
            ms.s += __expf(v - ms.m);
        }
    }
    // block-combine (max, sum)
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        MaxSum other{__shfl_xor_sync(0xffffffffu, ms.m, o), __shfl_xor_sync(0xffffffffu, ms.s, o)};
        ms = combine(ms, other);
    }
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    if (lane == 0) shm[warp] = ms;
    __syncthreads();
    ms = lane < nwarps ? shm[lane] : MaxSum{-INFINITY, 0.0f};
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        MaxSum other{__shfl_xor_sync(0xffffffffu, ms.m, o), __shfl_xor_sync(0xffffffffu, ms.s, o)};
        ms = combine(ms, other);
    }
    zsum = block_sum(zsum, sh);
    const float lse = ms.m + logf(ms.s);
    const float zy = to_float(z[y]);
    const float loss = lse - (1.0f - smoothing) * zy - smoothing * zsum / V + z_coef * lse * lse;
    if (threadIdx.x == 0) losses[row] = loss;
    if (!compute_grad) return;
    float scale = grad_scale;
    if (reduction == FLAN4J_REDUCTION_MEAN) scale /= fmaxf(reduced[1], 1.0f);
    const float pz = 1.0f + 2.0f * z_coef * lse;  // d/dz_j of (lse + z_coef*lse^2) = p_j * pz
    const float uniform = smoothing / V;
    __syncthreads();  // every thread has read z[y] before anyone overwrites it
    for (int j = threadIdx.x; j < Vp; j += blockDim.x) {
        float g = 0.0f;
        if (j < V) {
            const float p = __expf(to_float(z[j]) - lse);
            g = p * pz - uniform - (j == y ? 1.0f - smoothing : 0.0f);
        }
        z[j] = from_float<T>(g * scale);
    }
}

// reduced[0] = sum of losses (or mean over reduced[1] valid tokens). One block, deterministic.
__global__ void reduce_losses_kernel(float* reduced, const float* __restrict__ losses, long long N,
                                     int reduction) {
    __shared__ float sh[32];
    float s = 0.0f;
    for (long long i = threadIdx.x; i < N; i += blockDim.x) s += losses[i];
    s = block_sum(s, sh);
    if (threadIdx.x == 0)
        reduced[0] = reduction == FLAN4J_REDUCTION_MEAN ? s / fmaxf(reduced[1], 1.0f) : s;
}

// ====================================================================== launchers

template <typename T>
static int ce(void* logits, float* losses, float* reduced, const int* targets, long long N, int V,
              int Vp, int ignore_index, int reduction, float smoothing, float z_coef,
              float grad_scale, int compute_grad, cudaStream_t s) {
    if (reduced) {
        count_valid_kernel<<<1, 1024, 0, s>>>(reduced, targets, N, ignore_index);
        int st = check_launch("count_valid_kernel");
        if (st != FLAN4J_OK) return st;
    }
    const int threads = V >= 4096 ? 512 : (V >= 1024 ? 256 : 128);
    cross_entropy_kernel<T><<<(unsigned)N, threads, 0, s>>>((T*)logits, losses, reduced, targets, V, Vp,
                                                            ignore_index, reduction, smoothing, z_coef,
                                                            grad_scale, compute_grad);
    int st = check_launch("cross_entropy_kernel");
    if (st != FLAN4J_OK || !reduced) return st;
    reduce_losses_kernel<<<1, 1024, 0, s>>>(reduced, losses, N, reduction);
    return check_launch("reduce_losses_kernel");
}

int launch_cross_entropy(int dtype, void* logits, float* losses, float* reduced, const int* targets,
                         long long N, int V, int Vp, int ignore_index, int reduction,
                         float smoothing, float z_coef, float grad_scale, int compute_grad,
                         cudaStream_t s) {
    NvtxRange r("flan4j_cross_entropy");
    if (dtype == FLAN4J_BF16)
        return ce<bf16>(logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction, smoothing,
                        z_coef, grad_scale, compute_grad, s);
    return ce<float>(logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction, smoothing,
                     z_coef, grad_scale, compute_grad, s);
}

}  // namespace flan4j
