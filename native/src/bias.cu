// bias.cu - bias add (broadcast over rows) and bias gradient (column sums).
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

// out[n, o] += bias[o]
template <typename T>
__global__ void bias_add_kernel(T* out, const float* __restrict__ bias, long long N, int OC) {
    const long long total = N * OC;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
        out[i] = from_float<T>(to_float(out[i]) + bias[i % OC]);
}

// dbias[o] += sum_n dout[n, o]. Block (32 columns x 8 row lanes); blocks along y split the rows and
// add their partial sums with one atomic per column.
template <typename T>
__global__ void bias_backward_kernel(float* dbias, const T* __restrict__ dout, long long N, int OC) {
    __shared__ float sh[8][33];
    const int o = blockIdx.x * 32 + threadIdx.x;
    float s = 0.0f;
    if (o < OC)
        for (long long n = (long long)blockIdx.y * 8 + threadIdx.y; n < N; n += (long long)gridDim.y * 8)
            s += to_float(dout[n * OC + o]);
    sh[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && o < OC) {
        float t = 0.0f;
#pragma unroll
        for (int y = 0; y < 8; y++) t += sh[y][threadIdx.x];
        atomicAdd(&dbias[o], t);
    }
}

// ====================================================================== launchers

int launch_bias_add(int dtype, void* out, const float* bias, long long N, int OC, cudaStream_t s) {
    NvtxRange r("flan4j_bias_add");
    long long blocks = (N * OC + 255) / 256;
    if (blocks > 65535LL * 8) blocks = 65535LL * 8;
    if (dtype == FLAN4J_BF16)
        bias_add_kernel<bf16><<<(unsigned)blocks, 256, 0, s>>>((bf16*)out, bias, N, OC);
    else
        bias_add_kernel<float><<<(unsigned)blocks, 256, 0, s>>>((float*)out, bias, N, OC);
    return check_launch("bias_add_kernel");
}

int launch_bias_backward(int dtype, float* dbias, const void* dout, long long N, int OC, cudaStream_t s) {
    NvtxRange r("flan4j_bias_backward");
    long long gy = (N + 8 * 64 - 1) / (8 * 64);  // >= 64 rows per thread
    if (gy < 1) gy = 1;
    if (gy > 64) gy = 64;
    dim3 grid(ceil_div(OC, 32), (unsigned)gy);
    dim3 block(32, 8);
    if (dtype == FLAN4J_BF16)
        bias_backward_kernel<bf16><<<grid, block, 0, s>>>(dbias, (const bf16*)dout, N, OC);
    else
        bias_backward_kernel<float><<<grid, block, 0, s>>>(dbias, (const float*)dout, N, OC);
    return check_launch("bias_backward_kernel");
}

}  // namespace flan4j
