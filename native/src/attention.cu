// attention.cu - fused attention dispatch (head dim, causal) and the backward pre-pass
// D = rowsum(dO * O) which also zeroes dQ (dQ is accumulated with atomics).
#include "attention.cuh"

namespace flan4j {

// ====================================================================== kernels

// One warp per (token, head): delta[h, tok] = sum_d dO[tok,h,d] * O[tok,h,d]; dq[tok,h,:] = 0.
__global__ void attention_backward_prepass_kernel(const flan4j_attention_params p) {
    const long long w = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const int lane = threadIdx.x & 31;
    const long long n = (long long)p.total_tokens * p.NH;
    if (w >= n) return;
    const long long tok = w / p.NH;
    const int h = (int)(w % p.NH);
    const float* o = (const float*)p.o + tok * p.o_row_stride + (long long)h * p.o_head_stride;
    const float* dout = (const float*)p.dout + tok * p.do_row_stride + (long long)h * p.do_head_stride;
    float* dq = (float*)p.dq + tok * p.dq_row_stride + (long long)h * p.dq_head_stride;
    float s = 0.0f;
    for (int d = lane; d < p.HD; d += 32) {
        s += o[d] * dout[d];
        dq[d] = 0.0f;
    }
    s = warp_sum(s);
    if (lane == 0) p.delta[(long long)h * p.total_tokens + tok] = s;
}

// ====================================================================== launchers

int launch_attention_forward(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    NvtxRange r("flan4j_attention_forward");
    if (p.dtype != FLAN4J_F32) return launch_attention_tc_forward(p, max_len, s);  // bf16 / fp16: tensor cores
    switch (p.HD) {
        case 32: return p.causal ? launch_attention_forward_hd<32, true>(p, max_len, s) : launch_attention_forward_hd<32, false>(p, max_len, s);
        case 64: return p.causal ? launch_attention_forward_hd<64, true>(p, max_len, s) : launch_attention_forward_hd<64, false>(p, max_len, s);
        case 128: return p.causal ? launch_attention_forward_hd<128, true>(p, max_len, s) : launch_attention_forward_hd<128, false>(p, max_len, s);
        default: return set_error(FLAN4J_ERR_UNSUPPORTED, "flan4j_attention_forward: HD=%d not supported", p.HD);
    }
}

int launch_attention_backward(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    NvtxRange r("flan4j_attention_backward");
    if (p.dtype != FLAN4J_F32) return launch_attention_tc_backward(p, max_len, s);
    {
        NvtxRange r2("flan4j_attention_backward_prepass");
        const long long warps = (long long)p.total_tokens * p.NH;
        attention_backward_prepass_kernel<<<ceil_div(warps * 32, 256), 256, 0, s>>>(p);
        int st = check_launch("attention_backward_prepass_kernel");
        if (st != FLAN4J_OK) return st;
    }
    switch (p.HD) {
        case 32: return p.causal ? launch_attention_backward_hd<32, true>(p, max_len, s) : launch_attention_backward_hd<32, false>(p, max_len, s);
        case 64: return p.causal ? launch_attention_backward_hd<64, true>(p, max_len, s) : launch_attention_backward_hd<64, false>(p, max_len, s);
        case 128: return p.causal ? launch_attention_backward_hd<128, true>(p, max_len, s) : launch_attention_backward_hd<128, false>(p, max_len, s);
        default: return set_error(FLAN4J_ERR_UNSUPPORTED, "flan4j_attention_backward: HD=%d not supported", p.HD);
    }
}

}  // namespace flan4j
