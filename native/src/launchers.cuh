// launchers.cuh - internal launcher functions, one group per op file. api.cu validates arguments
// and calls these; each launcher opens an NVTX range, launches, checks the launch and returns a status.
#pragma once
#include "common.cuh"

namespace flan4j {

// device.cu
int device_sm_count(int* sms);

// layernorm.cu
int launch_layernorm_forward(int dtype, void* out, float* mean, float* rstd, const void* inp,
                             const float* weight, const float* bias, long long N, int C, float eps,
                             cudaStream_t s);
int launch_layernorm_backward(int dtype, void* dinp, float* dweight, float* dbias, const void* dout,
                              const void* inp, const float* weight, const float* mean,
                              const float* rstd, long long N, int C, int accumulate, cudaStream_t s);

}  // namespace flan4j
