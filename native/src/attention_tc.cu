// attention_tc.cu - tensor-core attention (bf16 / fp16): argument checks the fp32 path does not need
// (head dims, 16-byte alignment for cp.async and ldmatrix), the backward pre-pass and the dispatch over
// head dims. The kernel bodies are in attention_tc.cuh, instantiated in attention_tc_{fwd,bwd}_hd*.cu.
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

namespace {

// The 16-bit kernels move 16-byte chunks (cp.async) and 32-bit pairs: tensors 16-byte aligned, strides
// multiples of 8 elements. Strides are already normalised (0 replaced by the dense default).
int check_tc(const char* fn, const flan4j_attention_params& p, bool backward) {
    if (p.dtype != FLAN4J_BF16 && p.dtype != FLAN4J_F16)
        return set_error(FLAN4J_ERR_INVALID_ARGUMENT, "%s: argument 'params.dtype' must be BF16 (1) or F16 (2) here, got %d",
                         fn, p.dtype);
    if (p.HD != 64 && p.HD != 128)
        return set_error(FLAN4J_ERR_UNSUPPORTED, "%s: bf16/fp16 attention supports params.HD 64 or 128, got %d", fn, p.HD);
    struct Ptr {
        const char* name;
        const void* v;
    } ptrs[] = {{"q", p.q}, {"k", p.k}, {"v", p.v}, {"o", p.o}, {"dout", p.dout}, {"dk", p.dk}, {"dv", p.dv}};
    for (int i = 0; i < (backward ? 7 : 4); i++)
        if (reinterpret_cast<uintptr_t>(ptrs[i].v) % 16 != 0)
            return set_error(FLAN4J_ERR_INVALID_ARGUMENT, "%s: argument 'params.%s' must be 16-byte aligned for bf16/fp16, got %p",
                             fn, ptrs[i].name, ptrs[i].v);
    struct Stride {
        const char* name;
        long long v;
    } strides[] = {{"q_row_stride", p.q_row_stride},   {"q_head_stride", p.q_head_stride},
                   {"k_row_stride", p.k_row_stride},   {"k_head_stride", p.k_head_stride},
                   {"v_row_stride", p.v_row_stride},   {"v_head_stride", p.v_head_stride},
                   {"o_row_stride", p.o_row_stride},   {"o_head_stride", p.o_head_stride},
                   {"do_row_stride", p.do_row_stride}, {"do_head_stride", p.do_head_stride},
                   {"dk_row_stride", p.dk_row_stride}, {"dk_head_stride", p.dk_head_stride},
                   {"dv_row_stride", p.dv_row_stride}, {"dv_head_stride", p.dv_head_stride}};
    for (int i = 0; i < (backward ? 14 : 8); i++)
        if (strides[i].v % 8 != 0)
            return set_error(FLAN4J_ERR_INVALID_ARGUMENT, "%s: argument 'params.%s' must be a multiple of 8 for bf16/fp16, got %lld",
                             fn, strides[i].name, strides[i].v);
    return FLAN4J_OK;
}

}  // namespace

int launch_attention_tc_forward(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    NvtxRange r("flan4j_attention_tc_forward");
    int st = check_tc("flan4j_attention_forward", p, false);
    if (st != FLAN4J_OK) return st;
    return p.HD == 64 ? launch_attention_tc_forward_for<64>(p, max_len, s) : launch_attention_tc_forward_for<128>(p, max_len, s);
}

int launch_attention_tc_backward(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    NvtxRange r("flan4j_attention_tc_backward");
    int st = check_tc("flan4j_attention_backward", p, true);
    if (st != FLAN4J_OK) return st;
    {
        NvtxRange r2("flan4j_attention_tc_backward_prepass");
        constexpr int NW = tc::AttnBwdPrepass<warp::BF16>::NW, NT = tc::AttnBwdPrepass<warp::BF16>::NT;
        const unsigned blocks = ceil_div((long long)p.total_tokens * p.NH, NW);
        if (p.dtype == FLAN4J_BF16)
            attention_tc_backward_prepass_kernel<warp::BF16><<<blocks, NT, 0, s>>>(p);
        else
            attention_tc_backward_prepass_kernel<warp::F16><<<blocks, NT, 0, s>>>(p);
        st = check_launch("attention_tc_backward_prepass_kernel");
        if (st != FLAN4J_OK) return st;
    }
    return p.HD == 64 ? launch_attention_tc_backward_for<64>(p, max_len, s) : launch_attention_tc_backward_for<128>(p, max_len, s);
}

}  // namespace flan4j
