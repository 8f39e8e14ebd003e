/*
 * flan4j.h - the public C API of libflan4j (CUDA kernels for a GPT trained with FLAN instruction tuning).
 *
 * This is the only public header. It is plain C and includes no CUDA header:
 *   - device pointers are ordinary C pointers to device (or managed) memory;
 *   - a stream is passed as `void*` and must be a cudaStream_t / CUstream (NULL = legacy default stream).
 *     Handles created by another copy of the CUDA runtime (e.g. JCuda's) are valid: they are driver handles.
 *
 * Conventions
 *   - Every function returns an int status: FLAN4J_OK (0) or one of flan4j_status below.
 *     On error, flan4j_last_error() returns a thread-local message naming the function, the bad
 *     argument and its value (or the CUDA error). Nothing ever exits or aborts the process.
 *   - Arguments are validated on the host before any CUDA call, so argument errors are reported
 *     identically with or without a GPU.
 *   - Launches are asynchronous on `stream`; errors from a launch are reported, errors raised later
 *     by a running kernel surface at the next synchronisation (as with any CUDA call).
 *   - Dimension names: B (batch), T (time / sequence length), C (channels), NH (query heads),
 *     NH_kv (key/value heads), HD (head dim), V (vocabulary), Vp (padded vocabulary, row stride of logits),
 *     OC (output channels). All tensors are dense, row-major, last index fastest, unless strides are given.
 *   - dtype: activations may be FLAN4J_F32 or FLAN4J_BF16 where a function takes a dtype; statistics
 *     (mean, rstd, logsumexp, losses) and parameter gradients are always fp32; arithmetic is fp32.
 *   - "+=" in a description means the output is accumulated into (caller zeroes it once).
 */
#ifndef FLAN4J_FLAN4J_H
#define FLAN4J_FLAN4J_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define FLAN4J_API
#elif defined(__GNUC__)
#  define FLAN4J_API __attribute__((visibility("default")))
#else
#  define FLAN4J_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define FLAN4J_VERSION_MAJOR 0
#define FLAN4J_VERSION_MINOR 1
#define FLAN4J_VERSION_PATCH 0

/* ---------------------------------------------------------------- status, dtypes, errors */

typedef enum flan4j_status {
    FLAN4J_OK = 0,
    FLAN4J_ERR_INVALID_ARGUMENT = 1, /* a bad argument; the message names it and its value */
    FLAN4J_ERR_NO_DEVICE = 2,        /* no CUDA driver or no CUDA device (cudaErrorInsufficientDriver 35, cudaErrorNoDevice 100) */
    FLAN4J_ERR_CUDA = 3,             /* any other CUDA runtime error; the message carries its name and text */
    FLAN4J_ERR_UNSUPPORTED = 4,      /* valid but not implemented (e.g. a dtype or head dim for an op) */
    FLAN4J_ERR_LIBRARY_NOT_FOUND = 5,/* a library loaded at run time (cuBLAS) could not be loaded */
    FLAN4J_ERR_CUBLAS = 6            /* cuBLAS returned an error status; the message carries its number */
} flan4j_status;

typedef enum flan4j_dtype {
    FLAN4J_F32 = 0,  /* float */
    FLAN4J_BF16 = 1, /* bfloat16 (uint16 storage) */
    FLAN4J_F16 = 2   /* IEEE half (uint16 storage); only casts and GEMM */
} flan4j_dtype;

/* Thread-local message for the last failing call on this thread ("" if none). Never NULL. */
FLAN4J_API const char* flan4j_last_error(void);

/* Version of the library (major, minor, patch); any pointer may be NULL. */
FLAN4J_API int flan4j_version(int* major, int* minor, int* patch);
/* Version and build string, e.g. "flan4j 0.1.0 (CUDA 13.0, sm 80-real;86-real;...)". Never NULL. */
FLAN4J_API const char* flan4j_build_info(void);

/* Number of CUDA devices. *n = 0 and status FLAN4J_OK when there is no driver or no device
 * (CUDA errors 35 and 100); other CUDA errors are returned as FLAN4J_ERR_CUDA. */
FLAN4J_API int flan4j_device_count(int* n);

/* ---------------------------------------------------------------- layer norm
 * Rows: N = B*T rows of C channels.
 *   inp, out      [B*T, C]  dtype
 *   weight, bias  [C]       fp32 (gamma, beta)
 *   mean, rstd    [B*T]     fp32 (saved for backward; either may be NULL when not needed)
 * out = (inp - mean) * rstd * weight + bias,  rstd = 1 / sqrt(var + eps) with the biased variance.
 */
FLAN4J_API int flan4j_layernorm_forward(int dtype, void* out, float* mean, float* rstd,
                                        const void* inp, const float* weight, const float* bias,
                                        int B, int T, int C, float eps, void* stream);

/* Backward of layer norm.
 *   dinp     [B*T, C] dtype   written (accumulate_dinp = 0) or added to (accumulate_dinp != 0)
 *   dweight  [C] fp32 +=      dbias [C] fp32 += (dbias may be NULL when the layer has no bias)
 *   dout, inp [B*T, C] dtype;  weight [C] fp32;  mean, rstd [B*T] fp32 from the forward pass.
 * dinp may alias dout only when accumulate_dinp == 0.
 */
FLAN4J_API int flan4j_layernorm_backward(int dtype, void* dinp, float* dweight, float* dbias,
                                         const void* dout, const void* inp, const float* weight,
                                         const float* mean, const float* rstd,
                                         int B, int T, int C, int accumulate_dinp, void* stream);

/* Fused residual add + layer norm: residual = x + r (stored in dtype), out = LN(residual).
 *   residual, out, x, r [B*T, C] dtype (residual may alias x or r; out must not alias any input)
 *   weight, bias [C] fp32 (bias may be NULL);  mean, rstd [B*T] fp32 (may be NULL)
 * The statistics are computed on the stored residual. The backward is flan4j_layernorm_backward
 * with inp = residual (then add its dinp into the residual stream's gradient).
 */
FLAN4J_API int flan4j_residual_layernorm_forward(int dtype, void* residual, void* out, float* mean, float* rstd,
                                                 const void* x, const void* r, const float* weight,
                                                 const float* bias, int B, int T, int C, float eps,
                                                 void* stream);

/* RMSNorm: out = inp * rstd * weight, rstd = 1/sqrt(mean(inp^2) + eps).
 *   out, inp [B*T, C] dtype;  weight [C] fp32;  rstd [B*T] fp32 (may be NULL in forward) */
FLAN4J_API int flan4j_rmsnorm_forward(int dtype, void* out, float* rstd, const void* inp, const float* weight,
                                      int B, int T, int C, float eps, void* stream);

/* RMSNorm backward: dinp written (or added to when accumulate_dinp != 0), dweight [C] fp32 +=. */
FLAN4J_API int flan4j_rmsnorm_backward(int dtype, void* dinp, float* dweight, const void* dout, const void* inp,
                                       const float* weight, const float* rstd, int B, int T, int C,
                                       int accumulate_dinp, void* stream);

/* ---------------------------------------------------------------- rotary position embeddings, SwiGLU (Llama family)
 * RoPE in the Hugging Face (Llama) rotate-half layout, in place on x [N, row_width] dtype (F32 or BF16):
 * heads h < n_heads of head_dim columns each start at column h*head_dim of every row; in a head, column j of the
 * first half x1 pairs with column head_dim/2 + j of the second half x2 (not 2j with 2j+1), and with p = positions[i]
 * for row i (device int[N]):
 *   x1' = x1 cos - x2 sin,  x2' = x2 cos + x1 sin,  cos = cos[p, j], sin = sin[p, j]
 * cos, sin [t_max, head_dim/2] fp32 hold cos(p * inv_freq[j]), sin(p * inv_freq[j]) (rope_theta and any rope
 * scaling are the caller's, in the tables). head_dim is even; n_heads*head_dim <= row_width. With x = qkv [N, 3C]
 * and n_heads = 2*NH this rotates q and k and leaves v. A position outside [0, t_max) writes NaN into that row's
 * heads. The backward rotates dx by minus the angle (the rotation is orthogonal), also in place.
 */
FLAN4J_API int flan4j_rope_forward(int dtype, void* x, const float* cos, const float* sin, const int* positions,
                                   int N, int row_width, int n_heads, int head_dim, int t_max, void* stream);
FLAN4J_API int flan4j_rope_backward(int dtype, void* dx, const float* cos, const float* sin, const int* positions,
                                    int N, int row_width, int n_heads, int head_dim, int t_max, void* stream);

/* SwiGLU: inp [N, 2I] dtype holds per row the gate g (columns [0, I)) then the up projection u ([I, 2I));
 *   out [N, I] = silu(g) * u,  silu(g) = g / (1 + exp(-g))     (out must not alias inp)
 * Backward writes (overwrites) dinp [N, 2I] from dout [N, I] and inp, with sig = 1 / (1 + exp(-g)):
 *   dinp[:, j] = dout * u * sig * (1 + g (1 - sig)),  dinp[:, I + j] = dout * g * sig
 * dinp may alias inp (in place), not dout. */
FLAN4J_API int flan4j_swiglu_forward(int dtype, void* out, const void* inp, int N, int I, void* stream);
FLAN4J_API int flan4j_swiglu_backward(int dtype, void* dinp, const void* dout, const void* inp, int N, int I,
                                      void* stream);

/* ---------------------------------------------------------------- cross-entropy
 * Fused softmax cross-entropy over B*T rows of logits with row stride Vp (V real classes, columns
 * [V, Vp) are padding: ignored in the loss, given zero gradient). One block per row, online max/sum:
 * any V up to INT_MAX works (tested design point: 256k).
 *   logits   [B*T, Vp] dtype (F32 or BF16); when compute_grad != 0 it is OVERWRITTEN with dlogits
 *   losses   [B*T] fp32, per-token loss (0 for ignored tokens) - always written ("none" reduction)
 *   reduced  device float[2] or NULL: [0] = mean (REDUCTION_MEAN) or sum (SUM, NONE) of the losses,
 *            [1] = number of non-ignored tokens. Required for REDUCTION_MEAN.
 *   targets  [B*T] int32 class ids in [0, V), or ignore_index. An out-of-range target gives a NaN loss
 *            and NaN gradient row.
 * Per token with smoothing e and z-loss coefficient zc, lse = logsumexp(z[0..V)):
 *   loss = lse - (1-e) z[y] - e/V * sum_j z[j] + zc * lse^2
 *   dz[j] = grad_scale * norm * ( p_j (1 + 2 zc lse) - e/V - (1-e) [j==y] ),  p = softmax(z)
 * with norm = 1/max(count,1) for REDUCTION_MEAN, else 1. grad_scale is d(final loss)/d(reduced loss).
 */
typedef enum flan4j_reduction {
    FLAN4J_REDUCTION_NONE = 0,
    FLAN4J_REDUCTION_SUM = 1,
    FLAN4J_REDUCTION_MEAN = 2
} flan4j_reduction;

FLAN4J_API int flan4j_cross_entropy(int dtype, void* logits, float* losses, float* reduced, const int* targets,
                                    int B, int T, int V, int Vp, int ignore_index, int reduction,
                                    float label_smoothing, float z_loss, float grad_scale, int compute_grad,
                                    void* stream);

/* ---------------------------------------------------------------- fused attention
 * FlashAttention-2 style: O = softmax(scale * Q K^T [+ causal mask]) V without materialising the
 * T x T matrix; forward saves the per-row logsumexp, backward recomputes P from it.
 *
 * Token rows: the packed rows of all sequences, total_tokens of them. Without cu_seqlens, sequence b
 * is rows [b*T, (b+1)*T) (total_tokens = B*T). With cu_seqlens (device int[B+1], cu_seqlens[0] = 0,
 * ascending, cu_seqlens[B] = total_tokens), sequence b is rows [cu_seqlens[b], cu_seqlens[b+1]) and
 * T must be >= the longest sequence: attention is block-diagonal (and causal within a sequence).
 *
 * Element (token t, head h, dim d) of tensor X lives at X + t*X_row_stride + h*X_head_stride + d
 * (strides in elements; dims are contiguous). A stride of 0 means the dense default:
 * row stride NH*HD for q, o, dout, dq and NH_kv*HD for k, v, dk, dv; head stride HD.
 * So q, k, v may be [B*T, NH(_kv), HD] tensors, or views into a packed qkv [B, T, 3C] buffer:
 * q = qkv, k = qkv + C, v = qkv + 2C, row strides 3C (then NH_kv = NH, C = NH*HD).
 *
 * GQA/MQA: NH_kv divides NH; query head h uses kv head h / (NH / NH_kv).
 * lse, delta: [NH, total_tokens] fp32 (element (h, t) at h*total_tokens + t).
 * dtype F32: head dims 32, 64, 128. dtype BF16/F16 (tensor cores, fp32 accumulation): head dims 64, 128
 * (32 -> FLAN4J_ERR_UNSUPPORTED); q, k, v, o, dout, dk, dv in that dtype, 16-byte aligned, strides multiples of 8;
 * lse, delta and dq stay fp32.
 */
typedef struct flan4j_attention_params {
    int dtype;
    const void* q;
    const void* k;
    const void* v;
    void* o;                /* forward output; backward input */
    float* lse;             /* forward output; backward input */
    const void* dout;       /* backward: dO */
    void* dq;               /* backward outputs (dq is zeroed then accumulated; must be F32) */
    void* dk;
    void* dv;
    float* delta;           /* backward workspace [NH, total_tokens] fp32 */
    const int* cu_seqlens;  /* optional, device int[B+1] */
    long long q_row_stride, q_head_stride;
    long long k_row_stride, k_head_stride;
    long long v_row_stride, v_head_stride;
    long long o_row_stride, o_head_stride;
    long long do_row_stride, do_head_stride;
    long long dq_row_stride, dq_head_stride;
    long long dk_row_stride, dk_head_stride;
    long long dv_row_stride, dv_head_stride;
    int B, T, NH, NH_kv, HD;
    int total_tokens;
    float softmax_scale;    /* usually 1/sqrt(HD) */
    int causal;
} flan4j_attention_params;

/* Forward: reads q, k, v; writes o and lse. */
FLAN4J_API int flan4j_attention_forward(const flan4j_attention_params* params, void* stream);
/* Backward: reads q, k, v, o, lse, dout; writes dq, dk, dv (overwritten) and delta. */
FLAN4J_API int flan4j_attention_backward(const flan4j_attention_params* params, void* stream);

/* ---------------------------------------------------------------- attention for any head dim, KV-cache decode
 * Simple kernels (one warp per token and head, online softmax; src/attention_generic.cu) for head dims the fused
 * kernels do not instantiate, and for incremental decoding. fp32 only; 1 <= HD <= FLAN4J_ATTENTION_GENERIC_MAX_HD (256);
 * C = NH*HD.
 *   qkv [N, 3C]: q, k, v of each token side by side, each [NH, HD];  out [N, C];  lse [N, NH] fp32 (may be NULL in
 *   the forward); doc_bounds device int[2N]: [0, N) the first row of each token's document, [N, 2N) one past its
 *   last row (attention is causal inside a document and never crosses one).
 * Backward writes (overwrites) dqkv [N, 3C]; delta [N, NH] fp32 is a workspace.
 */
#define FLAN4J_ATTENTION_GENERIC_MAX_HD 256
FLAN4J_API int flan4j_attention_generic_forward(const float* qkv, float* out, float* lse, const int* doc_bounds,
                                                int N, int NH, int HD, float scale, void* stream);
FLAN4J_API int flan4j_attention_generic_backward(float* dqkv, float* delta, const float* dout, const float* qkv,
                                                 const float* out, const float* lse, const int* doc_bounds, int N,
                                                 int NH, int HD, float scale, void* stream);
/* Decode n new tokens of one sequence against a KV cache: writes their k, v (from qkv_new [n, 3C]) into rows
 * [start, start+n) of k_cache, v_cache ([t_max, C] fp32), then query i attends to cache rows [0, start+i]; out [n, C].
 * Rows >= start+n are neither read nor written. */
FLAN4J_API int flan4j_attention_decode(float* out, const float* qkv_new, float* k_cache, float* v_cache, int start,
                                       int n, int t_max, int NH, int HD, float scale, void* stream);
/* x[i] = value for N fp32 elements. */
FLAN4J_API int flan4j_fill(float* x, float value, long long N, void* stream);
/* dst [cols, rows] = transpose of src [rows, cols], fp32 (dst must not alias src). */
FLAN4J_API int flan4j_transpose(float* dst, const float* src, int rows, int cols, void* stream);

/* ---------------------------------------------------------------- small ops
 * N counts elements. All "dtype" tensors share that dtype (F32 or BF16 unless stated).
 */

/* GELU, tanh approximation: out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). out may alias inp. */
FLAN4J_API int flan4j_gelu_forward(int dtype, void* out, const void* inp, long long N, void* stream);
/* dinp = dout * gelu'(inp); dinp may alias dout. */
FLAN4J_API int flan4j_gelu_backward(int dtype, void* dinp, const void* inp, const void* dout, long long N,
                                    void* stream);

/* Embedding: out[b,t,:] = wte[tokens[b,t],:] + wpe[pos,:] with pos = positions ? positions[b,t] : t.
 *   out [B*T, C] dtype; tokens, positions [B*T] int32 (positions may be NULL; use it for packed rows whose
 *   positions restart per document); wte [V, C] fp32; wpe [maxT, C] fp32 or NULL (no position embedding).
 *   An out-of-range token or position writes a NaN row. */
FLAN4J_API int flan4j_embedding_forward(int dtype, void* out, const int* tokens, const int* positions,
                                        const float* wte, const float* wpe, int B, int T, int C, int V, int maxT,
                                        void* stream);
/* dwte [V, C] fp32 +=, dwpe [maxT, C] fp32 += (either may be NULL); atomic scatter-add
 * (summation order, hence the last bits, vary between runs). Out-of-range indices are skipped. */
FLAN4J_API int flan4j_embedding_backward(int dtype, float* dwte, float* dwpe, const void* dout, const int* tokens,
                                         const int* positions, int B, int T, int C, int V, int maxT,
                                         void* stream);

/* out = a + b (any aliasing allowed). */
FLAN4J_API int flan4j_add(int dtype, void* out, const void* a, const void* b, long long N, void* stream);
/* x *= alpha in place. */
FLAN4J_API int flan4j_scale(int dtype, void* x, float alpha, long long N, void* stream);
/* out[n, o] += bias[o] for n < N rows, o < OC;  out [N, OC] dtype, bias [OC] fp32. */
FLAN4J_API int flan4j_bias_add(int dtype, void* out, const float* bias, long long N, int OC, void* stream);
/* dbias[o] += sum_n dout[n, o];  dbias [OC] fp32, dout [N, OC] dtype. */
FLAN4J_API int flan4j_bias_backward(int dtype, float* dbias, const void* dout, long long N, int OC, void* stream);
/* dst = (dst_dtype) src, any of F32, BF16, F16 (round to nearest even). */
FLAN4J_API int flan4j_cast(int dst_dtype, void* dst, int src_dtype, const void* src, long long N, void* stream);
/* out[0] += sum x^2 (fp32 accumulate). Zero out once, call per tensor, sqrt on the host: global L2 norm. */
FLAN4J_API int flan4j_sum_squares(int dtype, float* out, const void* x, long long N, void* stream);

/* Device scalars for a training step without readbacks (the loss and the gradient norm stay on the device).
 * The sums are deterministic: a fixed-order block reduction into `workspace` (one partial per block) and a second
 * one-block pass, no atomics, so the same input gives the same bits on every run. fp32 accumulation. */
#define FLAN4J_REDUCE_WORKSPACE_FLOATS 1024
/* out[0] += sum x (square = 0) or sum x^2 (square = 1) over N elements. out: one fp32 device scalar; workspace:
 * FLAN4J_REDUCE_WORKSPACE_FLOATS floats of device memory, overlapping neither out nor x. */
FLAN4J_API int flan4j_reduce_sum(int dtype, float* out, float* workspace, const void* x, long long N, int square,
                                 void* stream);
/* factor[0] = max_norm / (sqrt(norm_sq[0]) + 1e-6) if max_norm > 0 and sqrt(norm_sq[0]) > max_norm, else 1
 * (computed in double; a NaN norm gives 1). factor, norm_sq: fp32 device scalars. max_norm finite. */
FLAN4J_API int flan4j_clip_factor(float* factor, const float* norm_sq, double max_norm, void* stream);
/* x *= factor[0] in place over N elements; factor: an fp32 device scalar outside x. */
FLAN4J_API int flan4j_scale_by(int dtype, void* x, const float* factor, long long N, void* stream);

/* AdamW on fp32 tensors of N elements (step >= 1 is the 1-based update count for bias correction):
 *   g = grad * grad_scale;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
 *   param -= lr * ( (m / (1-b1^step)) / (sqrt(v / (1-b2^step)) + eps) + weight_decay * param )
 * Parameters without weight decay (biases, norms): a separate call with weight_decay = 0. */
FLAN4J_API int flan4j_adamw(float* param, const float* grad, float* m, float* v, long long N, float lr,
                            float beta1, float beta2, float eps, float weight_decay, int step, float grad_scale,
                            void* stream);

/* Adafactor (no first moment) on an fp32 parameter of n = rows * cols elements, with g2 = grad^2 + eps1:
 *   factored (v = NULL; a row-major [rows, cols] weight; row [rows], col [cols]):
 *     row[i] = decay row[i] + (1-decay) sum_j g2[i,j] / cols;  col[j] = decay col[j] + (1-decay) sum_i g2[i,j] / rows
 *     rMean = mean(row);  u = grad[i,j] / sqrt(row[i] / rMean * col[j])
 *   full (row = col = NULL; v [n]):  v = decay v + (1-decay) g2;  u = grad / sqrt(v)
 *   then denom = max(1, sqrt(sum u^2 / n) / clip);  param -= lr * (u / denom + weight_decay * param)
 * fp32 arithmetic; every sum in a fixed order (block partials, then one block; no atomics), so the same inputs give
 * the same bits on every run. Nothing is read back: rMean and sum u^2 stay in `workspace`, which holds
 * flan4j_adafactor_workspace(rows, cols, factored) floats of device memory overlapping no other argument.
 * decay in [0, 1); clip, eps1 finite and > 0; lr finite; weight_decay finite and >= 0. */
FLAN4J_API int flan4j_adafactor(float* param, const float* grad, float* row, float* col, float* v, int rows, int cols,
                                float lr, float decay, float weight_decay, float clip, float eps1, float* workspace,
                                void* stream);
/* *floats = the workspace flan4j_adafactor needs for a [rows, cols] parameter, factored (1) or full (0). */
FLAN4J_API int flan4j_adafactor_workspace(int rows, int cols, int factored, long long* floats);

/* ---------------------------------------------------------------- GEMM (cuBLAS loaded at run time)
 * Row-major semantics: for each batch i < batch,
 *   C_i[M, N] = alpha * op(A_i) op(B_i) + beta * C_i
 * op(A) is [M, K]: A stored row-major [M, K] with lda >= K (trans_a = 0) or [K, M] with lda >= M (trans_a = 1).
 * op(B) is [K, N]: B stored row-major [K, N] with ldb >= N (trans_b = 0) or [N, K] with ldb >= K (trans_b = 1).
 * C row-major [M, N], ldc >= N. Batch strides in elements (0 allowed for a shared operand).
 * dtype_ab: F32, BF16 or F16 for A and B; dtype_c: F32 or dtype_ab; accumulation is fp32.
 * flags: FLAN4J_GEMM_ALLOW_TF32 lets fp32 GEMMs use TF32 tensor cores.
 * cuBLAS is dlopen'ed: libcublas.so.13, then libcublas.so.12; FLAN4J_ERR_LIBRARY_NOT_FOUND names both.
 * One cuBLAS handle per thread and device, created on first use.
 */
#define FLAN4J_GEMM_ALLOW_TF32 1

FLAN4J_API int flan4j_gemm(int dtype_ab, int dtype_c, int trans_a, int trans_b, int M, int N, int K, float alpha,
                           const void* A, int lda, long long stride_a, const void* B, int ldb, long long stride_b,
                           float beta, void* C, int ldc, long long stride_c, int batch, int flags, void* stream);

/* Loads cuBLAS if not yet loaded: FLAN4J_OK, or FLAN4J_ERR_LIBRARY_NOT_FOUND naming both libraries. */
FLAN4J_API int flan4j_blas_load(void);
/* Name of the loaded cuBLAS library ("" when none). Never NULL. */
FLAN4J_API const char* flan4j_blas_library(void);
/* Destroys this thread's cuBLAS handles (call before a worker thread ends; optional). */
FLAN4J_API int flan4j_release_thread_resources(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FLAN4J_FLAN4J_H */
