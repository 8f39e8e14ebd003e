// attention_tc_kernels.cuh - the __global__ wrappers and launchers of the tensor-core attention bodies
// (attention_tc.cuh); instantiated per (direction, head dim) in attention_tc_{fwd,bwd}_hd*.cu.
#pragma once
#include "attention_tc.cuh"
#include "common.cuh"

namespace flan4j {

template <typename E, int HD, bool CAUSAL>
__global__ void __launch_bounds__(tc::AttnFwd<E, HD, CAUSAL>::NT)
attention_tc_forward_kernel(const flan4j_attention_params p) {
    extern __shared__ __align__(16) unsigned char tc_smem[];
    tc::AttnFwd<E, HD, CAUSAL>::run(p, blockIdx.x, blockIdx.y, blockIdx.z, tc_smem);
}

template <typename E, int HD, bool CAUSAL>
__global__ void __launch_bounds__(tc::AttnBwd<E, HD, CAUSAL>::NT)
attention_tc_backward_kernel(const flan4j_attention_params p) {
    extern __shared__ __align__(16) unsigned char tc_smem[];
    tc::AttnBwd<E, HD, CAUSAL>::run(p, blockIdx.x, blockIdx.y, blockIdx.z, tc_smem);
}

template <typename E, int HD, bool CAUSAL>
int launch_attention_tc_forward_hd(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    using K = tc::AttnFwd<E, HD, CAUSAL>;
    FLAN4J_CUDA_TRY(cudaFuncSetAttribute(attention_tc_forward_kernel<E, HD, CAUSAL>,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, K::kSmemBytes),
                    "cudaFuncSetAttribute(attention_tc_forward_kernel)");
    dim3 grid(ceil_div(max_len, K::BR), p.NH, p.B);
    attention_tc_forward_kernel<E, HD, CAUSAL><<<grid, K::NT, K::kSmemBytes, s>>>(p);
    return check_launch("attention_tc_forward_kernel");
}

template <typename E, int HD, bool CAUSAL>
int launch_attention_tc_backward_hd(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    using K = tc::AttnBwd<E, HD, CAUSAL>;
    FLAN4J_CUDA_TRY(cudaFuncSetAttribute(attention_tc_backward_kernel<E, HD, CAUSAL>,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, K::kSmemBytes),
                    "cudaFuncSetAttribute(attention_tc_backward_kernel)");
    dim3 grid(ceil_div(max_len, K::BC), p.NH_kv, p.B);
    attention_tc_backward_kernel<E, HD, CAUSAL><<<grid, K::NT, K::kSmemBytes, s>>>(p);
    return check_launch("attention_tc_backward_kernel");
}

// Both dtypes and both masks of one head dim (the launcher is what the dispatch in attention_tc.cu calls).
template <int HD>
int launch_attention_tc_forward_for(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    if (p.dtype == FLAN4J_BF16)
        return p.causal ? launch_attention_tc_forward_hd<warp::BF16, HD, true>(p, max_len, s)
                        : launch_attention_tc_forward_hd<warp::BF16, HD, false>(p, max_len, s);
    return p.causal ? launch_attention_tc_forward_hd<warp::F16, HD, true>(p, max_len, s)
                    : launch_attention_tc_forward_hd<warp::F16, HD, false>(p, max_len, s);
}
template <int HD>
int launch_attention_tc_backward_for(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    if (p.dtype == FLAN4J_BF16)
        return p.causal ? launch_attention_tc_backward_hd<warp::BF16, HD, true>(p, max_len, s)
                        : launch_attention_tc_backward_hd<warp::BF16, HD, false>(p, max_len, s);
    return p.causal ? launch_attention_tc_backward_hd<warp::F16, HD, true>(p, max_len, s)
                    : launch_attention_tc_backward_hd<warp::F16, HD, false>(p, max_len, s);
}

}  // namespace flan4j
