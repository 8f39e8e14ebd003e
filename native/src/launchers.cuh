// launchers.cuh - internal launcher functions, one group per op file. api.cu holds every C entry point:
// it validates the arguments once and calls these; each launcher opens an NVTX range, launches, checks the
// launch and returns a status. Launchers assume valid arguments and contain no argument checks.
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

int launch_residual_layernorm_forward(int dtype, void* residual, void* out, float* mean, float* rstd,
                                      const void* x, const void* r, const float* weight, const float* bias,
                                      long long N, int C, float eps, cudaStream_t s);
int launch_rmsnorm_forward(int dtype, void* out, float* rstd, const void* inp, const float* weight, long long N,
                           int C, float eps, cudaStream_t s);
int launch_rmsnorm_backward(int dtype, void* dinp, float* dweight, const void* dout, const void* inp,
                            const float* weight, const float* rstd, long long N, int C, int accumulate,
                            cudaStream_t s);

// layernorm_vec.cu: 16-byte vector kernels; return -1 (nothing launched) when the shape or alignment does not
// allow them, so that the caller falls back to the scalar kernels.
int launch_layernorm_vec_forward(int dtype, bool rms, void* out, float* mean, float* rstd, const void* inp,
                                 const float* weight, const float* bias, long long N, int C, float eps, cudaStream_t s);
int launch_layernorm_vec_backward(int dtype, bool rms, void* dinp, float* dweight, float* dbias, const void* dout,
                                  const void* inp, const float* weight, const float* mean, const float* rstd,
                                  long long N, int C, int accumulate, cudaStream_t s);

// attention_tc.cu: bf16/fp16 tensor-core attention (params validated and normalised by api.cu: HD 64/128,
// 16-byte aligned tensors, strides multiples of 8).
int launch_attention_tc_forward(const flan4j_attention_params& p, int max_len, cudaStream_t s);
int launch_attention_tc_backward(const flan4j_attention_params& p, int max_len, cudaStream_t s);

// cross_entropy.cu
int launch_cross_entropy(int dtype, void* logits, float* losses, float* reduced, const int* targets, long long N,
                         int V, int Vp, int ignore_index, int reduction, float smoothing, float z_coef,
                         float grad_scale, int compute_grad, cudaStream_t s);

// attention.cu (params already validated and strides normalised; max_len = longest sequence)
int launch_attention_forward(const flan4j_attention_params& p, int max_len, cudaStream_t s);
int launch_attention_backward(const flan4j_attention_params& p, int max_len, cudaStream_t s);

// gelu.cu
int launch_gelu_forward(int dtype, void* out, const void* inp, long long N, cudaStream_t s);
int launch_gelu_backward(int dtype, void* dinp, const void* inp, const void* dout, long long N, cudaStream_t s);

// rope.cu (in place; inverse != 0 is the backward)
int launch_rope(int dtype, void* x, const float* cos, const float* sin, const int* positions, long long N,
                long long row_width, int n_heads, int head_dim, int t_max, int inverse, cudaStream_t s);

// swiglu.cu
int launch_swiglu_forward(int dtype, void* out, const void* inp, long long N, int I, cudaStream_t s);
int launch_swiglu_backward(int dtype, void* dinp, const void* dout, const void* inp, long long N, int I,
                           cudaStream_t s);

// embedding.cu
int launch_embedding_forward(int dtype, void* out, const int* tokens, const int* positions, const float* wte,
                             const float* wpe, long long BT, int T, int C, int V, int maxT, cudaStream_t s);
int launch_embedding_backward(int dtype, float* dwte, float* dwpe, const void* dout, const int* tokens,
                              const int* positions, long long BT, int T, int C, int V, int maxT, cudaStream_t s);

// elementwise.cu
int launch_add(int dtype, void* out, const void* a, const void* b, long long N, cudaStream_t s);
int launch_scale(int dtype, void* x, float alpha, long long N, cudaStream_t s);
int launch_cast(int dst_dtype, void* dst, int src_dtype, const void* src, long long N, cudaStream_t s);
int launch_sum_squares(int dtype, float* out, const void* x, long long N, cudaStream_t s);
int launch_reduce_sum(int dtype, float* out, float* workspace, const void* x, long long N, int square,
                      cudaStream_t s);
int launch_clip_factor(float* factor, const float* norm_sq, double max_norm, cudaStream_t s);
int launch_scale_by(int dtype, void* x, const float* factor, long long N, cudaStream_t s);

// bias.cu
int launch_bias_add(int dtype, void* out, const float* bias, long long N, int OC, cudaStream_t s);
int launch_bias_backward(int dtype, float* dbias, const void* dout, long long N, int OC, cudaStream_t s);

// adamw.cu
int launch_adamw(float* param, const float* grad, float* m, float* v, long long N, float lr, float beta1,
                 float beta2, float eps, float weight_decay, float bc1, float bc2, float grad_scale,
                 cudaStream_t s);

// adafactor.cu (v == nullptr: factored over row and col; workspace: adafactor::workspace_floats)
int launch_adafactor(float* param, const float* grad, float* row, float* col, float* v, int R, int C, float lr,
                     float decay, float weight_decay, float clip, float eps1, float* workspace, cudaStream_t s);

// attention_generic.cu (any head dim up to FLAN4J_ATTENTION_GENERIC_MAX_HD, KV-cache decode, fill, transpose)
int launch_attention_generic_forward(const float* qkv, float* out, float* lse, const int* doc_bounds, int N, int NH,
                                     int HD, float scale, cudaStream_t s);
int launch_attention_generic_backward(float* dqkv, float* delta, const float* dout, const float* qkv,
                                      const float* out, const float* lse, const int* doc_bounds, int N, int NH,
                                      int HD, float scale, cudaStream_t s);
int launch_attention_decode(float* out, const float* qkv_new, float* k_cache, float* v_cache, int start, int n,
                            int NH, int HD, float scale, cudaStream_t s);
int launch_fill(float* x, float value, long long N, cudaStream_t s);
int launch_transpose(float* dst, const float* src, int rows, int cols, cudaStream_t s);

// gemm.cu
int blas_load();
const char* blas_library_name();
void blas_release_thread();
int launch_gemm(int dtype_ab, int dtype_c, int trans_a, int trans_b, int M, int N, int K, float alpha,
                const void* A, int lda, long long stride_a, const void* B, int ldb, long long stride_b, float beta,
                void* C, int ldc, long long stride_c, int batch, int flags, cudaStream_t s);

}  // namespace flan4j
