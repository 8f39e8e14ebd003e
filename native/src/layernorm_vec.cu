// layernorm_vec.cu - kernels and launchers of the vectorised layer norm / RMSNorm (bodies in
// layernorm_vec.cuh). layernorm.cu calls these when the shape allows and keeps its scalar kernels for
// the rest (C not a multiple of the vector width, unaligned tensors, very wide rows).
#include "launchers.cuh"
#include "layernorm_vec.cuh"

#include <initializer_list>

namespace flan4j {

// ====================================================================== kernels

template <typename E, int CH, bool RMS>
__global__ void __launch_bounds__(vec::LayerNormFwd<E, CH>::NT)
layernorm_forward_vec_kernel(void* out, float* mean, float* rstd, const void* inp, const float* weight,
                             const float* bias, long long N, int C, float eps) {
    vec::LayerNormFwd<E, CH>::template run<RMS>(out, mean, rstd, inp, weight, bias, N, C, eps, blockIdx.x);
}

template <typename E, int CH, bool RMS>
__global__ void __launch_bounds__(vec::LayerNormBwd<E, CH, RMS>::NT)
layernorm_vec_backward_kernel(void* dinp, float* part_dw, float* part_db, const void* dout, const void* inp,
                              const float* weight, const float* mean, const float* rstd, long long N, int C,
                              int accumulate) {
    vec::LayerNormBwd<E, CH, RMS>::run(dinp, part_dw, part_db, dout, inp, weight, mean, rstd, N, C, accumulate,
                                       blockIdx.x);
}

__global__ void __launch_bounds__(vec::LayerNormReduce::NT)
layernorm_vec_reduce_kernel(float* dweight, float* dbias, const float* part_dw, const float* part_db, int np, int C) {
    vec::LayerNormReduce::run(dweight, dbias, part_dw, part_db, np, C, blockIdx.x);
}

// ====================================================================== launchers

namespace {

// Widest rows kept in registers without spills (ptxas -v): forward 16 chunks per lane (fp32 C <= 2048,
// bf16 C <= 4096); backward 8 chunks in fp32 (C <= 1024) and 4 in bf16 (C <= 1024).
constexpr int kMaxChForward = 16;
int max_ch_backward(int dtype) { return dtype == FLAN4J_BF16 ? 4 : 8; }

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// Chunks per lane (a power of two) for a row of C elements of width V, or 0 when the vector kernels
// do not apply (the caller then uses the scalar ones).
int chunks(int dtype, int C, int max_ch, std::initializer_list<const void*> ptrs) {
    if (dtype != FLAN4J_F32 && dtype != FLAN4J_BF16) return 0;
    const int V = dtype == FLAN4J_F32 ? 4 : 8;
    if (C % V != 0) return 0;
    for (const void* p : ptrs)
        if (p && !aligned16(p)) return 0;
    int ch = 1;
    while (ch * 32 * V < C) ch *= 2;
    return ch <= max_ch ? ch : 0;
}

template <typename E, int CH, bool RMS>
int fwd(void* out, float* mean, float* rstd, const void* inp, const float* weight, const float* bias, long long N,
        int C, float eps, cudaStream_t s) {
    using K = vec::LayerNormFwd<E, CH>;
    layernorm_forward_vec_kernel<E, CH, RMS><<<ceil_div(N, K::NW), K::NT, 0, s>>>(out, mean, rstd, inp, weight, bias,
                                                                                   N, C, eps);
    return check_launch(RMS ? "rmsnorm_forward_vec_kernel" : "layernorm_forward_vec_kernel");
}

template <typename E, bool RMS>
int fwd_ch(int ch, void* out, float* mean, float* rstd, const void* inp, const float* weight, const float* bias,
           long long N, int C, float eps, cudaStream_t s) {
    switch (ch) {
        case 1: return fwd<E, 1, RMS>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
        case 2: return fwd<E, 2, RMS>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
        case 4: return fwd<E, 4, RMS>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
        case 8: return fwd<E, 8, RMS>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
        default: return fwd<E, 16, RMS>(out, mean, rstd, inp, weight, bias, N, C, eps, s);
    }
}

template <typename E, int CH, bool RMS>
int bwd(void* dinp, float* part_dw, float* part_db, const void* dout, const void* inp, const float* weight,
        const float* mean, const float* rstd, long long N, int C, int accumulate, cudaStream_t s) {
    using K = vec::LayerNormBwd<E, CH, RMS>;
    layernorm_vec_backward_kernel<E, CH, RMS><<<ceil_div(vec::ln_partials(N), K::NW), K::NT, 0, s>>>(
        dinp, part_dw, part_db, dout, inp, weight, mean, rstd, N, C, accumulate);
    return check_launch(RMS ? "rmsnorm_vec_backward_kernel" : "layernorm_vec_backward_kernel");
}

template <typename E, bool RMS>
int bwd_ch(int ch, void* dinp, float* part_dw, float* part_db, const void* dout, const void* inp, const float* weight,
           const float* mean, const float* rstd, long long N, int C, int accumulate, cudaStream_t s) {
    switch (ch) {
        case 1: return bwd<E, 1, RMS>(dinp, part_dw, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s);
        case 2: return bwd<E, 2, RMS>(dinp, part_dw, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s);
        case 4: return bwd<E, 4, RMS>(dinp, part_dw, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s);
        default:  // 8: fp32 only (max_ch_backward)
            return bwd<E, warp::Vec16<E>::N == 8 ? 4 : 8, RMS>(dinp, part_dw, part_db, dout, inp, weight, mean, rstd, N,
                                                               C, accumulate, s);
    }
}

}  // namespace

int launch_layernorm_vec_forward(int dtype, bool rms, void* out, float* mean, float* rstd, const void* inp,
                                 const float* weight, const float* bias, long long N, int C, float eps, cudaStream_t s) {
    const int ch = chunks(dtype, C, kMaxChForward, {out, inp, weight, bias});
    if (ch == 0) return -1;
    if (dtype == FLAN4J_BF16)
        return rms ? fwd_ch<warp::BF16, true>(ch, out, mean, rstd, inp, weight, bias, N, C, eps, s)
                   : fwd_ch<warp::BF16, false>(ch, out, mean, rstd, inp, weight, bias, N, C, eps, s);
    return rms ? fwd_ch<warp::F32, true>(ch, out, mean, rstd, inp, weight, bias, N, C, eps, s)
               : fwd_ch<warp::F32, false>(ch, out, mean, rstd, inp, weight, bias, N, C, eps, s);
}

int launch_layernorm_vec_backward(int dtype, bool rms, void* dinp, float* dweight, float* dbias, const void* dout,
                                  const void* inp, const float* weight, const float* mean, const float* rstd,
                                  long long N, int C, int accumulate, cudaStream_t s) {
    const int ch = chunks(dtype, C, max_ch_backward(dtype), {dinp, dout, inp, weight});
    if (ch == 0) return -1;
    const int np = vec::ln_partials(N);
    const size_t per = (size_t)np * C;
    float* part = nullptr;  // [np][C] dweight partials, then [np][C] dbias partials (stream-ordered pool memory)
    FLAN4J_CUDA_TRY(cudaMallocAsync((void**)&part, per * (rms ? 1 : 2) * sizeof(float), s),
                    "cudaMallocAsync(layer norm partial sums)");
    float* part_db = rms ? nullptr : part + per;
    int st;
    if (dtype == FLAN4J_BF16)
        st = rms ? bwd_ch<warp::BF16, true>(ch, dinp, part, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s)
                 : bwd_ch<warp::BF16, false>(ch, dinp, part, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s);
    else
        st = rms ? bwd_ch<warp::F32, true>(ch, dinp, part, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s)
                 : bwd_ch<warp::F32, false>(ch, dinp, part, part_db, dout, inp, weight, mean, rstd, N, C, accumulate, s);
    if (st == FLAN4J_OK) {
        layernorm_vec_reduce_kernel<<<ceil_div(C, vec::LayerNormReduce::NT), vec::LayerNormReduce::NT, 0, s>>>(
            dweight, rms ? nullptr : dbias, part, part_db, np, C);
        st = check_launch("layernorm_vec_reduce_kernel");
    }
    const cudaError_t fe = cudaFreeAsync(part, s);
    if (st == FLAN4J_OK && fe != cudaSuccess) st = cuda_status(fe, "cudaFreeAsync(layer norm partial sums)");
    return st;
}

}  // namespace flan4j
