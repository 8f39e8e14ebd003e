// attention_tc.cu - tensor-core attention (bf16 / fp16): the backward pre-pass and the dispatch over head
// dims (api.cu has checked the head dim and the 16-byte alignment these kernels need). The kernel bodies are in attention_tc.cuh, instantiated in attention_tc_{fwd,bwd}_hd*.cu.
#include "attention_tc.cuh"
#include "common.cuh"

namespace flan4j {

template <int HD>
int launch_attention_tc_forward_for(const flan4j_attention_params& p, int max_len, cudaStream_t s);
template <int HD>
int launch_attention_tc_backward_for(const flan4j_attention_params& p, int max_len, cudaStream_t s);
extern template int launch_attention_tc_forward_for<64>(const flan4j_attention_params&, int, cudaStream_t);
extern template int launch_attention_tc_forward_for<128>(const flan4j_attention_params&, int, cudaStream_t);
extern template int launch_attention_tc_backward_for<64>(const flan4j_attention_params&, int, cudaStream_t);
extern template int launch_attention_tc_backward_for<128>(const flan4j_attention_params&, int, cudaStream_t);

// ====================================================================== kernels

template <typename E>
__global__ void __launch_bounds__(tc::AttnBwdPrepass<E>::NT)
attention_tc_backward_prepass_kernel(const flan4j_attention_params p) {
    tc::AttnBwdPrepass<E>::run(p, blockIdx.x);
}

// ====================================================================== launchers

int launch_attention_tc_forward(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    NvtxRange r("flan4j_attention_tc_forward");
    return p.HD == 64 ? launch_attention_tc_forward_for<64>(p, max_len, s) : launch_attention_tc_forward_for<128>(p, max_len, s);
}

int launch_attention_tc_backward(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    NvtxRange r("flan4j_attention_tc_backward");
    {
        NvtxRange r2("flan4j_attention_tc_backward_prepass");
        constexpr int NW = tc::AttnBwdPrepass<warp::BF16>::NW, NT = tc::AttnBwdPrepass<warp::BF16>::NT;
        const unsigned blocks = ceil_div((long long)p.total_tokens * p.NH, NW);
        if (p.dtype == FLAN4J_BF16)
            attention_tc_backward_prepass_kernel<warp::BF16><<<blocks, NT, 0, s>>>(p);
        else
            attention_tc_backward_prepass_kernel<warp::F16><<<blocks, NT, 0, s>>>(p);
        const int st = check_launch("attention_tc_backward_prepass_kernel");
        if (st != FLAN4J_OK) return st;
    }
    return p.HD == 64 ? launch_attention_tc_backward_for<64>(p, max_len, s) : launch_attention_tc_backward_for<128>(p, max_len, s);
}

}  // namespace flan4j
