// swiglu.cu - the SwiGLU gate of the Llama MLP: out = silu(gate) * up, forward and backward.
// Bodies in swiglu.cuh (shared with the host check); here the kernels and launchers.
#include "launchers.cuh"
#include "swiglu.cuh"

namespace flan4j {

// ====================================================================== kernels

template <typename E, int V, bool BACKWARD>
__global__ void __launch_bounds__(vec::Swiglu<E, V>::NT)
swiglu_kernel(void* out, const void* inp, const void* dout, long long N, int I) {
    vec::Swiglu<E, V>::template run<BACKWARD>(out, inp, dout, N, I, blockIdx.x, gridDim.x);
}

// ====================================================================== launchers

namespace {

bool aligned16(const void* p) { return p == nullptr || reinterpret_cast<uintptr_t>(p) % 16 == 0; }

unsigned swiglu_grid(long long items, int threads) {
    const long long b = (items + threads - 1) / threads, cap = 65535LL * 8;
    return (unsigned)(b > cap ? cap : (b < 1 ? 1 : b));
}

template <typename E, bool BACKWARD>
int swiglu(void* out, const void* inp, const void* dout, long long N, int I, cudaStream_t s) {
    constexpr int V = warp::Vec16<E>::N, NT = vec::Swiglu<E, 1>::NT;
    // 16-byte accesses: I % V == 0 puts every row's gate, up and output chunks on 16-byte boundaries
    if (I % V == 0 && aligned16(out) && aligned16(inp) && aligned16(dout)) {
        swiglu_kernel<E, V, BACKWARD><<<swiglu_grid(N * (I / V), NT), NT, 0, s>>>(out, inp, dout, N, I);
        return check_launch(BACKWARD ? "swiglu_vec_backward_kernel" : "swiglu_vec_forward_kernel");
    }
    swiglu_kernel<E, 1, BACKWARD><<<swiglu_grid(N * I, NT), NT, 0, s>>>(out, inp, dout, N, I);
    return check_launch(BACKWARD ? "swiglu_backward_kernel" : "swiglu_forward_kernel");
}

}  // namespace

int launch_swiglu_forward(int dtype, void* out, const void* inp, long long N, int I, cudaStream_t s) {
    NvtxRange r("flan4j_swiglu_forward");
    return dtype == FLAN4J_BF16 ? swiglu<warp::BF16, false>(out, inp, nullptr, N, I, s)
                                : swiglu<warp::F32, false>(out, inp, nullptr, N, I, s);
}

int launch_swiglu_backward(int dtype, void* dinp, const void* dout, const void* inp, long long N, int I,
                           cudaStream_t s) {
    NvtxRange r("flan4j_swiglu_backward");
    return dtype == FLAN4J_BF16 ? swiglu<warp::BF16, true>(dinp, inp, dout, N, I, s)
                                : swiglu<warp::F32, true>(dinp, inp, dout, N, I, s);
}

}  // namespace flan4j
