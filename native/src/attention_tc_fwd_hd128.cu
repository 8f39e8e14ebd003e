// Tensor-core attention forward, head dim 128 (bf16 and fp16, causal and not).
#include "attention_tc_kernels.cuh"

namespace flan4j {
template int launch_attention_tc_forward_for<128>(const flan4j_attention_params&, int, cudaStream_t);
}  // namespace flan4j
