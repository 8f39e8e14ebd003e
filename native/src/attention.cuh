// attention.cuh - declarations of the per-head-dim attention launchers (no kernels here, so that
// including it does not instantiate them; see attention_kernels.cuh).
#pragma once
#include "launchers.cuh"

namespace flan4j {

template <int HD, bool CAUSAL>
int launch_attention_forward_hd(const flan4j_attention_params& p, int max_len, cudaStream_t s);
template <int HD, bool CAUSAL>
int launch_attention_backward_hd(const flan4j_attention_params& p, int max_len, cudaStream_t s);

#define FLAN4J_DECLARE_ATTENTION(HD)                                                                         \
    extern template int launch_attention_forward_hd<HD, false>(const flan4j_attention_params&, int, cudaStream_t);  \
    extern template int launch_attention_forward_hd<HD, true>(const flan4j_attention_params&, int, cudaStream_t);   \
    extern template int launch_attention_backward_hd<HD, false>(const flan4j_attention_params&, int, cudaStream_t); \
    extern template int launch_attention_backward_hd<HD, true>(const flan4j_attention_params&, int, cudaStream_t);
FLAN4J_DECLARE_ATTENTION(32)
FLAN4J_DECLARE_ATTENTION(64)
FLAN4J_DECLARE_ATTENTION(128)

}  // namespace flan4j
