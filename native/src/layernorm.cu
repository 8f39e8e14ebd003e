// layernorm.cu - layer norm forward/backward (fp32 statistics, activations fp32 or bf16).
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

// One warp per row. Two passes over the row (mean, then centred variance: numerically safer than
// E[x^2]-E[x]^2), a third to write the output; the row stays in L1/L2 between passes.
template <typename T>
__global__ void layernorm_forward_kernel(T* __restrict__ out, float* __restrict__ mean,
                                         float* __restrict__ rstd, const T* __restrict__ inp,
                                         const float* __restrict__ weight,
                                         const float* __restrict__ bias, long long N, int C,
                                         float eps) {
    const int lane = threadIdx.x & 31;
    const long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= N) return;
    const T* x = inp + row * C;
    float s = 0.0f;
    for (int i = lane; i < C; i += 32) s += to_float(x[i]);
    const float m = warp_sum(s) / C;
    float v = 0.0f;
    for (int i = lane; i < C; i += 32) {
        const float d = to_float(x[i]) - m;
        v += d * d;
    }
    const float r = rsqrtf(warp_sum(v) / C + eps);
    T* o = out + row * C;
    for (int i = lane; i < C; i += 32) {
        const float n = (to_float(x[i]) - m) * r;
        o[i] = from_float<T>(n * weight[i] + (bias ? bias[i] : 0.0f));
    }
    if (lane == 0) {
        if (mean) mean[row] = m;
        if (rstd) rstd[row] = r;
    }
}

// out = LN(x + r), residual = x + r (residual may alias x or r: every element is read and written
// by the same lane). The statistics are taken on the stored (dtype-rounded) residual, which is what
// the backward pass sees.
template <typename T>
__global__ void residual_layernorm_forward_kernel(T* residual, T* __restrict__ out,
                                                  float* __restrict__ mean, float* __restrict__ rstd,
                                                  const T* x, const T* r, const float* __restrict__ weight,
                                                  const float* __restrict__ bias, long long N, int C,
                                                  float eps) {
    const int lane = threadIdx.x & 31;
    const long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= N) return;
    T* res = residual + row * C;
    const T* xr = x + row * C;
    const T* rr = r + row * C;
    float s = 0.0f;
    for (int i = lane; i < C; i += 32) {
        const T v = from_float<T>(to_float(xr[i]) + to_float(rr[i]));
        res[i] = v;
        s += to_float(v);
    }
    const float m = warp_sum(s) / C;
    float v = 0.0f;
    for (int i = lane; i < C; i += 32) {
        const float d = to_float(res[i]) - m;
        v += d * d;
    }
    const float rs = rsqrtf(warp_sum(v) / C + eps);
    T* o = out + row * C;
    for (int i = lane; i < C; i += 32) {
        const float n = (to_float(res[i]) - m) * rs;
        o[i] = from_float<T>(n * weight[i] + (bias ? bias[i] : 0.0f));
    }
    if (lane == 0) {
        if (mean) mean[row] = m;
        if (rstd) rstd[row] = rs;
    }
}

// RMSNorm: out = x * rstd * weight, rstd = 1/sqrt(mean(x^2) + eps).
template <typename T>
__global__ void rmsnorm_forward_kernel(T* __restrict__ out, float* __restrict__ rstd,
                                       const T* __restrict__ inp, const float* __restrict__ weight,
                                       long long N, int C, float eps) {
    const int lane = threadIdx.x & 31;
    const long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= N) return;
    const T* x = inp + row * C;
    float s = 0.0f;
    for (int i = lane; i < C; i += 32) {
        const float v = to_float(x[i]);
        s += v * v;
    }
    const float r = rsqrtf(warp_sum(s) / C + eps);
    T* o = out + row * C;
    for (int i = lane; i < C; i += 32) o[i] = from_float<T>(to_float(x[i]) * r * weight[i]);
    if (lane == 0 && rstd) rstd[row] = r;
}

// Each warp handles rows (grid-stride). RMS=true is RMSNorm (mean = 0, no bias, no mean(dn) term). dx is computed per row with two warp reductions;
// dweight/dbias partial sums collect in shared memory (SMEM=true) and are added to global memory
// once per block, or go straight to global atomics when C is too large for shared memory.
template <typename T, bool SMEM, bool RMS>
__global__ void layernorm_backward_kernel(T* __restrict__ dinp, float* __restrict__ dweight,
                                          float* __restrict__ dbias, const T* __restrict__ dout,
                                          const T* __restrict__ inp, const float* __restrict__ weight,
                                          const float* __restrict__ mean,
                                          const float* __restrict__ rstd, long long N, int C,
                                          int accumulate) {
    extern __shared__ float smem[];
    float* dw_s = smem;
    float* db_s = smem + C;
    if (SMEM) {
        for (int i = threadIdx.x; i < 2 * C; i += blockDim.x) smem[i] = 0.0f;
        __syncthreads();
    }
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long)blockIdx.x * warps + (threadIdx.x >> 5); row < N;
         row += (long long)gridDim.x * warps) {
        const T* dy = dout + row * C;
        const T* x = inp + row * C;
        const float m = RMS ? 0.0f : mean[row], r = rstd[row];
        float sum_dn = 0.0f, sum_dn_n = 0.0f;
        for (int i = lane; i < C; i += 32) {
            const float n = (to_float(x[i]) - m) * r;
            const float dn = to_float(dy[i]) * weight[i];
            sum_dn += dn;
            sum_dn_n += dn * n;
        }
        const float mean_dn = RMS ? 0.0f : warp_sum(sum_dn) / C;
        const float mean_dn_n = warp_sum(sum_dn_n) / C;
        T* dx = dinp + row * C;
        for (int i = lane; i < C; i += 32) {
            const float g = to_float(dy[i]);
            const float n = (to_float(x[i]) - m) * r;
            const float dn = g * weight[i];
            float d = r * (dn - mean_dn - n * mean_dn_n);
            if (accumulate) d += to_float(dx[i]);
            dx[i] = from_float<T>(d);
            if (SMEM) {
                atomicAdd(&dw_s[i], g * n);
                if (!RMS && dbias) atomicAdd(&db_s[i], g);
            } else {
                atomicAdd(&dweight[i], g * n);
                if (!RMS && dbias) atomicAdd(&dbias[i], g);
            }
        }
    }
    if (SMEM) {
        __syncthreads();
        for (int i = threadIdx.x; i < C; i += blockDim.x) {
            atomicAdd(&dweight[i], dw_s[i]);
            if (!RMS && dbias) atomicAdd(&dbias[i], db_s[i]);
        }
    }
}

// ====================================================================== launchers

static constexpr int kLnForwardThreads = 256;   // 8 rows per block
static constexpr int kLnBackwardThreads = 512;  // 16 warps share one dweight/dbias partial
static constexpr int kLnMaxSmemC = 6144;        // 2*C floats <= 48 KiB

template <typename T>
static int ln_forward(void* out, float* mean, float* rstd, const void* inp, const float* weight,
                      const float* bias, long long N, int C, float eps, cudaStream_t s) {
    const int rows_per_block = kLnForwardThreads / 32;
    layernorm_forward_kernel<T><<<ceil_div(N, rows_per_block), kLnForwardThreads, 0, s>>>(
        (T*)out, mean, rstd, (const T*)inp, weight, bias, N, C, eps);
    return check_launch("layernorm_forward_kernel");
}

int launch_layernorm_forward(int dtype, void* out, float* mean, float* rstd, const void* inp,
                             const float* weight, const float* bias, long long N, int C, float eps,
                             cudaStream_t s) {
    NvtxRange r("flan4j_layernorm_forward");
    const int v = launch_layernorm_vec_forward(dtype, false, out, mean, rstd, inp, weight, bias, N, C, eps, s);
    if (v >= 0) return v;
    if (dtype == FLAN4J_BF16) return ln_forward<bf16>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
    return ln_forward<float>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
}

template <typename T>
static int residual_ln_forward(void* residual, void* out, float* mean, float* rstd, const void* x,
                               const void* r, const float* weight, const float* bias, long long N,
                               int C, float eps, cudaStream_t s) {
    residual_layernorm_forward_kernel<T><<<ceil_div(N, kLnForwardThreads / 32), kLnForwardThreads, 0, s>>>(
        (T*)residual, (T*)out, mean, rstd, (const T*)x, (const T*)r, weight, bias, N, C, eps);
    return check_launch("residual_layernorm_forward_kernel");
}

int launch_residual_layernorm_forward(int dtype, void* residual, void* out, float* mean, float* rstd,
                                      const void* x, const void* r, const float* weight,
                                      const float* bias, long long N, int C, float eps,
                                      cudaStream_t s) {
    NvtxRange nr("flan4j_residual_layernorm_forward");
    if (dtype == FLAN4J_BF16)
        return residual_ln_forward<bf16>(residual, out, mean, rstd, x, r, weight, bias, N, C, eps, s);
    return residual_ln_forward<float>(residual, out, mean, rstd, x, r, weight, bias, N, C, eps, s);
}

template <typename T>
static int rms_forward(void* out, float* rstd, const void* inp, const float* weight, long long N,
                       int C, float eps, cudaStream_t s) {
    rmsnorm_forward_kernel<T><<<ceil_div(N, kLnForwardThreads / 32), kLnForwardThreads, 0, s>>>(
        (T*)out, rstd, (const T*)inp, weight, N, C, eps);
    return check_launch("rmsnorm_forward_kernel");
}

int launch_rmsnorm_forward(int dtype, void* out, float* rstd, const void* inp, const float* weight,
                           long long N, int C, float eps, cudaStream_t s) {
    NvtxRange nr("flan4j_rmsnorm_forward");
    const int v = launch_layernorm_vec_forward(dtype, true, out, nullptr, rstd, inp, weight, nullptr, N, C, eps, s);
    if (v >= 0) return v;
    if (dtype == FLAN4J_BF16) return rms_forward<bf16>(out, rstd, inp, weight, N, C, eps, s);
    return rms_forward<float>(out, rstd, inp, weight, N, C, eps, s);
}

template <typename T, bool RMS>
static int ln_backward(void* dinp, float* dweight, float* dbias, const void* dout, const void* inp,
                       const float* weight, const float* mean, const float* rstd, long long N,
                       int C, int accumulate, cudaStream_t s) {
    int sms = 0;
    int st = device_sm_count(&sms);
    if (st != FLAN4J_OK) return st;
    const int warps = kLnBackwardThreads / 32;
    long long blocks = (N + warps - 1) / warps;
    if (blocks > 2LL * sms) blocks = 2LL * sms;
    if (C <= kLnMaxSmemC) {
        layernorm_backward_kernel<T, true, RMS><<<(unsigned)blocks, kLnBackwardThreads, 2 * C * sizeof(float), s>>>(
            (T*)dinp, dweight, dbias, (const T*)dout, (const T*)inp, weight, mean, rstd, N, C, accumulate);
    } else {
        layernorm_backward_kernel<T, false, RMS><<<(unsigned)blocks, kLnBackwardThreads, 0, s>>>(
            (T*)dinp, dweight, dbias, (const T*)dout, (const T*)inp, weight, mean, rstd, N, C, accumulate);
    }
    return check_launch(RMS ? "rmsnorm_backward_kernel" : "layernorm_backward_kernel");
}

int launch_layernorm_backward(int dtype, void* dinp, float* dweight, float* dbias, const void* dout,
                              const void* inp, const float* weight, const float* mean,
                              const float* rstd, long long N, int C, int accumulate, cudaStream_t s) {
    NvtxRange r("flan4j_layernorm_backward");
    const int v = launch_layernorm_vec_backward(dtype, false, dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C,
                                                accumulate, s);
    if (v >= 0) return v;
    if (dtype == FLAN4J_BF16)
        return ln_backward<bf16, false>(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C, accumulate, s);
    return ln_backward<float, false>(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C, accumulate, s);
}

int launch_rmsnorm_backward(int dtype, void* dinp, float* dweight, const void* dout, const void* inp,
                            const float* weight, const float* rstd, long long N, int C,
                            int accumulate, cudaStream_t s) {
    NvtxRange r("flan4j_rmsnorm_backward");
    const int v = launch_layernorm_vec_backward(dtype, true, dinp, dweight, nullptr, dout, inp, weight, nullptr, rstd,
                                                N, C, accumulate, s);
    if (v >= 0) return v;
    if (dtype == FLAN4J_BF16)
        return ln_backward<bf16, true>(dinp, dweight, nullptr, dout, inp, weight, nullptr, rstd, N, C, accumulate, s);
    return ln_backward<float, true>(dinp, dweight, nullptr, dout, inp, weight, nullptr, rstd, N, C, accumulate, s);
}

}  // namespace flan4j
