// Instantiation: attention backward, fp32, head dim 64 (causal and non-causal).
#include "attention_kernels.cuh"

namespace flan4j {
template int launch_attention_backward_hd<64, false>(const flan4j_attention_params&, int, cudaStream_t);
template int launch_attention_backward_hd<64, true>(const flan4j_attention_params&, int, cudaStream_t);
}  // namespace flan4j
