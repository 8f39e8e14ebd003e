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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FLAN4J_FLAN4J_H */
