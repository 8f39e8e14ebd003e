// Instantiation: attention forward, fp32, head dim 32 (causal and non-causal).
#include "attention_kernels.cuh"

namespace flan4j {
template int launch_attention_forward_hd<32, false>(const flan4j_attention_params&, int, cudaStream_t);
template int launch_attention_forward_hd<32, true>(const flan4j_attention_params&, int, cudaStream_t);
}  // namespace flan4j
