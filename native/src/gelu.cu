// gelu.cu - GELU with the tanh approximation (GPT-2), forward and backward.
#include "gelu_vec.cuh"
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

#define GELU_SCALE 0.7978845608028654f  // sqrt(2/pi)

template <typename T>
__global__ void gelu_forward_kernel(T* out, const T* inp, long long N) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < N; i += (long long)gridDim.x * blockDim.x) {
        const float x = to_float(inp[i]);
        const float u = GELU_SCALE * (x + 0.044715f * x * x * x);
        out[i] = from_float<T>(0.5f * x * (1.0f + tanhf(u)));
    }
}

// dinp = dout * gelu'(inp); dinp may alias dout.
template <typename T>
__global__ void gelu_backward_kernel(T* dinp, const T* inp, const T* dout, long long N) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < N; i += (long long)gridDim.x * blockDim.x) {
        const float x = to_float(inp[i]);
        const float u = GELU_SCALE * (x + 0.044715f * x * x * x);
        const float th = tanhf(u);
        const float du = GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
        const float g = 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * du;
        dinp[i] = from_float<T>(to_float(dout[i]) * g);
    }
}

// 16-byte vector version (gelu_vec.cuh), used when every tensor is 16-byte aligned.
template <typename E, bool BACKWARD>
__global__ void __launch_bounds__(vec::Gelu<E>::NT) gelu_vec_kernel(void* out, const void* inp, const void* dout, long long N) {
    vec::Gelu<E>::template run<BACKWARD>(out, inp, dout, N, blockIdx.x, gridDim.x);
}

// ====================================================================== launchers

static unsigned elementwise_grid(long long n, int threads) {
    long long b = (n + threads - 1) / threads;
    return (unsigned)(b > 65535LL * 8 ? 65535LL * 8 : (b < 1 ? 1 : b));
}

static bool aligned16(const void* p) { return p == nullptr || reinterpret_cast<uintptr_t>(p) % 16 == 0; }

template <bool BACKWARD>
static int gelu_vec(int dtype, void* out, const void* inp, const void* dout, long long N, cudaStream_t s) {
    constexpr int NT = vec::Gelu<warp::F32>::NT;
    const int V = dtype == FLAN4J_BF16 ? 8 : 4;
    const unsigned grid = elementwise_grid(N / V, NT);
    if (dtype == FLAN4J_BF16)
        gelu_vec_kernel<warp::BF16, BACKWARD><<<grid, NT, 0, s>>>(out, inp, dout, N);
    else
        gelu_vec_kernel<warp::F32, BACKWARD><<<grid, NT, 0, s>>>(out, inp, dout, N);
    return check_launch(BACKWARD ? "gelu_vec_backward_kernel" : "gelu_vec_forward_kernel");
}

int launch_gelu_forward(int dtype, void* out, const void* inp, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_gelu_forward");
    if (aligned16(out) && aligned16(inp)) return gelu_vec<false>(dtype, out, inp, nullptr, N, s);
    if (dtype == FLAN4J_BF16)
        gelu_forward_kernel<bf16><<<elementwise_grid(N, 256), 256, 0, s>>>((bf16*)out, (const bf16*)inp, N);
    else
        gelu_forward_kernel<float><<<elementwise_grid(N, 256), 256, 0, s>>>((float*)out, (const float*)inp, N);
    return check_launch("gelu_forward_kernel");
}

int launch_gelu_backward(int dtype, void* dinp, const void* inp, const void* dout, long long N, cudaStream_t s) {
    NvtxRange r("flan4j_gelu_backward");
    if (aligned16(dinp) && aligned16(inp) && aligned16(dout)) return gelu_vec<true>(dtype, dinp, inp, dout, N, s);
    if (dtype == FLAN4J_BF16)
        gelu_backward_kernel<bf16><<<elementwise_grid(N, 256), 256, 0, s>>>((bf16*)dinp, (const bf16*)inp, (const bf16*)dout, N);
    else
        gelu_backward_kernel<float><<<elementwise_grid(N, 256), 256, 0, s>>>((float*)dinp, (const float*)inp, (const float*)dout, N);
    return check_launch("gelu_backward_kernel");
}

}  // namespace flan4j
