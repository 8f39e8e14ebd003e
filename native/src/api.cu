// api.cu - every C entry point of libflan4j: each checks its arguments once (before any CUDA call, so a bad
// argument is reported the same with or without a GPU), then calls its launcher (launchers.cuh). Kernel files
// hold only kernels and launchers. Also the thread-local error state.
#include <cstdio>
#include <cmath>
#include <cstring>

#include "adafactor.cuh"
#include "launchers.cuh"

// ====================================================================== error state

namespace flan4j {

static thread_local char g_last_error[1024] = "";

void clear_error() { g_last_error[0] = '\0'; }

int set_error(int status, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_last_error, sizeof g_last_error, fmt, ap);
    va_end(ap);
    return status;
}

int cuda_status(cudaError_t err, const char* where) {
    if (err == cudaSuccess) return FLAN4J_OK;
    const bool no_device = err == cudaErrorInsufficientDriver || err == cudaErrorNoDevice;
    (void)cudaGetLastError();  // clear the sticky-free error state of the runtime
    return set_error(no_device ? FLAN4J_ERR_NO_DEVICE : FLAN4J_ERR_CUDA, "%s: %s%s (%d): %s", where,
                     no_device ? "no CUDA device: " : "", cudaGetErrorName(err), (int)err,
                     cudaGetErrorString(err));
}

}  // namespace flan4j

using namespace flan4j;

// ====================================================================== validation helpers

namespace {

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) return set_error(FLAN4J_ERR_INVALID_ARGUMENT, __VA_ARGS__); \
    } while (0)

#define REQUIRE_PTR(fn, p) \
    REQUIRE((p) != nullptr, "%s: argument '%s' must not be NULL, got NULL", fn, #p)

#define REQUIRE_POS(fn, v) \
    REQUIRE((v) > 0, "%s: argument '%s' must be > 0, got %lld", fn, #v, (long long)(v))

#define REQUIRE_NONNEG(fn, v) \
    REQUIRE((v) >= 0, "%s: argument '%s' must be >= 0, got %lld", fn, #v, (long long)(v))

#define REQUIRE_EPS(fn, v) \
    REQUIRE((v) >= 0.0f && (v) - (v) == 0.0f, "%s: argument '%s' must be finite and >= 0, got %g", fn, #v, (double)(v))

#define REQUIRE_FINITE(fn, v) \
    REQUIRE((v) == (v) && (v) - (v) == 0.0f, "%s: argument '%s' must be finite, got %g", fn, #v, (double)(v))

const char* dtype_name(int d) {
    switch (d) {
        case FLAN4J_F32: return "F32";
        case FLAN4J_BF16: return "BF16";
        case FLAN4J_F16: return "F16";
        default: return "unknown";
    }
}

// dtype must be one of the known dtypes (INVALID_ARGUMENT), and among `allowed` (UNSUPPORTED).
int check_dtype(const char* fn, const char* name, int dtype, unsigned allowed_mask) {
    if (dtype < FLAN4J_F32 || dtype > FLAN4J_F16)
        return set_error(FLAN4J_ERR_INVALID_ARGUMENT,
                         "%s: argument '%s' must be a flan4j_dtype (0=F32, 1=BF16, 2=F16), got %d", fn,
                         name, dtype);
    if (!(allowed_mask & (1u << dtype)))
        return set_error(FLAN4J_ERR_UNSUPPORTED, "%s: argument '%s' = %d (%s) is not supported by this op",
                         fn, name, dtype, dtype_name(dtype));
    return FLAN4J_OK;
}
constexpr unsigned kF32 = 1u << FLAN4J_F32, kBF16 = 1u << FLAN4J_BF16, kF16 = 1u << FLAN4J_F16;

long long dtype_bytes(int d) { return d == FLAN4J_F32 ? 4 : 2; }

// Whether the byte ranges [a, a + a_bytes) and [b, b + b_bytes) share a byte.
bool overlaps(const void* a, long long a_bytes, const void* b, long long b_bytes) {
    const uintptr_t pa = reinterpret_cast<uintptr_t>(a), pb = reinterpret_cast<uintptr_t>(b);
    return pa < pb + (uintptr_t)b_bytes && pb < pa + (uintptr_t)a_bytes;
}

#define CHECK_DTYPE(fn, d, mask)                         \
    do {                                                 \
        int _st = check_dtype(fn, #d, d, mask);          \
        if (_st != FLAN4J_OK) return _st;                \
    } while (0)

}  // namespace

// ====================================================================== general

extern "C" {

FLAN4J_API const char* flan4j_last_error(void) { return g_last_error; }

FLAN4J_API int flan4j_version(int* major, int* minor, int* patch) {
    if (major) *major = FLAN4J_VERSION_MAJOR;
    if (minor) *minor = FLAN4J_VERSION_MINOR;
    if (patch) *patch = FLAN4J_VERSION_PATCH;
    return FLAN4J_OK;
}

FLAN4J_API const char* flan4j_build_info(void) {
#define FLAN4J_STR2(x) #x
#define FLAN4J_STR(x) FLAN4J_STR2(x)
    return "flan4j " FLAN4J_VERSION_STRING " (CUDA " FLAN4J_STR(__CUDACC_VER_MAJOR__) "." FLAN4J_STR(
        __CUDACC_VER_MINOR__) ", architectures " FLAN4J_CUDA_ARCHS ", static cudart)";
}

FLAN4J_API int flan4j_device_count(int* n) {
    static const char* fn = "flan4j_device_count";
    REQUIRE_PTR(fn, n);
    *n = 0;
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice) {
        (void)cudaGetLastError();
        return FLAN4J_OK;
    }
    if (e != cudaSuccess) return cuda_status(e, "cudaGetDeviceCount");
    *n = count;
    return FLAN4J_OK;
}

// ====================================================================== layer norm

FLAN4J_API int flan4j_layernorm_forward(int dtype, void* out, float* mean, float* rstd,
                                        const void* inp, const float* weight, const float* bias,
                                        int B, int T, int C, float eps, void* stream) {
    static const char* fn = "flan4j_layernorm_forward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, inp);
    REQUIRE_PTR(fn, weight);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE_EPS(fn, eps);
    REQUIRE(out != inp, "%s: argument 'out' must not alias 'inp' (both %p)", fn, out);
    return launch_layernorm_forward(dtype, out, mean, rstd, inp, weight, bias, (long long)B * T, C,
                                    eps, as_stream(stream));
}

FLAN4J_API int flan4j_layernorm_backward(int dtype, void* dinp, float* dweight, float* dbias,
                                         const void* dout, const void* inp, const float* weight,
                                         const float* mean, const float* rstd, int B, int T, int C,
                                         int accumulate_dinp, void* stream) {
    static const char* fn = "flan4j_layernorm_backward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, dinp);
    REQUIRE_PTR(fn, dweight);
    REQUIRE_PTR(fn, dout);
    REQUIRE_PTR(fn, inp);
    REQUIRE_PTR(fn, weight);
    REQUIRE_PTR(fn, mean);
    REQUIRE_PTR(fn, rstd);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE(!(accumulate_dinp && dinp == dout),
            "%s: argument 'dinp' must not alias 'dout' when accumulate_dinp=%d", fn, accumulate_dinp);
    return launch_layernorm_backward(dtype, dinp, dweight, dbias, dout, inp, weight, mean, rstd,
                                     (long long)B * T, C, accumulate_dinp, as_stream(stream));
}


FLAN4J_API int flan4j_residual_layernorm_forward(int dtype, void* residual, void* out, float* mean, float* rstd,
                                                 const void* x, const void* r, const float* weight,
                                                 const float* bias, int B, int T, int C, float eps,
                                                 void* stream) {
    static const char* fn = "flan4j_residual_layernorm_forward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, residual);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, x);
    REQUIRE_PTR(fn, r);
    REQUIRE_PTR(fn, weight);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE_EPS(fn, eps);
    REQUIRE(out != x && out != r && out != residual,
            "%s: argument 'out' (%p) must not alias 'x', 'r' or 'residual'", fn, out);
    return launch_residual_layernorm_forward(dtype, residual, out, mean, rstd, x, r, weight, bias,
                                             (long long)B * T, C, eps, as_stream(stream));
}

FLAN4J_API int flan4j_rmsnorm_forward(int dtype, void* out, float* rstd, const void* inp, const float* weight,
                                      int B, int T, int C, float eps, void* stream) {
    static const char* fn = "flan4j_rmsnorm_forward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, inp);
    REQUIRE_PTR(fn, weight);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE_EPS(fn, eps);
    return launch_rmsnorm_forward(dtype, out, rstd, inp, weight, (long long)B * T, C, eps, as_stream(stream));
}

FLAN4J_API int flan4j_rmsnorm_backward(int dtype, void* dinp, float* dweight, const void* dout, const void* inp,
                                       const float* weight, const float* rstd, int B, int T, int C,
                                       int accumulate_dinp, void* stream) {
    static const char* fn = "flan4j_rmsnorm_backward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, dinp);
    REQUIRE_PTR(fn, dweight);
    REQUIRE_PTR(fn, dout);
    REQUIRE_PTR(fn, inp);
    REQUIRE_PTR(fn, weight);
    REQUIRE_PTR(fn, rstd);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE(!(accumulate_dinp && dinp == dout),
            "%s: argument 'dinp' must not alias 'dout' when accumulate_dinp=%d", fn, accumulate_dinp);
    return launch_rmsnorm_backward(dtype, dinp, dweight, dout, inp, weight, rstd, (long long)B * T, C,
                                   accumulate_dinp, as_stream(stream));
}

// ====================================================================== RoPE, SwiGLU

namespace {

int check_rope(const char* fn, int dtype, const void* x, const float* cos, const float* sin, const int* positions,
               int N, int row_width, int n_heads, int head_dim, int t_max) {
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, x);
    REQUIRE_PTR(fn, cos);
    REQUIRE_PTR(fn, sin);
    REQUIRE_PTR(fn, positions);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, n_heads);
    REQUIRE_POS(fn, head_dim);
    REQUIRE_POS(fn, t_max);
    REQUIRE(head_dim % 2 == 0, "%s: argument 'head_dim' must be even, got %d", fn, head_dim);
    REQUIRE((long long)n_heads * head_dim <= row_width,
            "%s: argument 'row_width' must be >= n_heads*head_dim = %lld, got %d", fn, (long long)n_heads * head_dim,
            row_width);
    return FLAN4J_OK;
}

#define CHECK_ROPE(fn, ...)                              \
    do {                                                 \
        int _st = check_rope(fn, __VA_ARGS__);           \
        if (_st != FLAN4J_OK) return _st;                \
    } while (0)

}  // namespace

FLAN4J_API int flan4j_rope_forward(int dtype, void* x, const float* cos, const float* sin, const int* positions,
                                   int N, int row_width, int n_heads, int head_dim, int t_max, void* stream) {
    CHECK_ROPE("flan4j_rope_forward", dtype, x, cos, sin, positions, N, row_width, n_heads, head_dim, t_max);
    return launch_rope(dtype, x, cos, sin, positions, N, row_width, n_heads, head_dim, t_max, 0, as_stream(stream));
}

FLAN4J_API int flan4j_rope_backward(int dtype, void* dx, const float* cos, const float* sin, const int* positions,
                                    int N, int row_width, int n_heads, int head_dim, int t_max, void* stream) {
    CHECK_ROPE("flan4j_rope_backward", dtype, dx, cos, sin, positions, N, row_width, n_heads, head_dim, t_max);
    return launch_rope(dtype, dx, cos, sin, positions, N, row_width, n_heads, head_dim, t_max, 1, as_stream(stream));
}

FLAN4J_API int flan4j_swiglu_forward(int dtype, void* out, const void* inp, int N, int I, void* stream) {
    static const char* fn = "flan4j_swiglu_forward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, inp);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, I);
    REQUIRE(out != inp, "%s: argument 'out' must not alias 'inp' (both %p)", fn, out);
    return launch_swiglu_forward(dtype, out, inp, N, I, as_stream(stream));
}

FLAN4J_API int flan4j_swiglu_backward(int dtype, void* dinp, const void* dout, const void* inp, int N, int I,
                                      void* stream) {
    static const char* fn = "flan4j_swiglu_backward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, dinp);
    REQUIRE_PTR(fn, dout);
    REQUIRE_PTR(fn, inp);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, I);
    REQUIRE(dinp != dout, "%s: argument 'dinp' must not alias 'dout' (both %p)", fn, dinp);
    return launch_swiglu_backward(dtype, dinp, dout, inp, N, I, as_stream(stream));
}

// ====================================================================== cross-entropy

FLAN4J_API int flan4j_cross_entropy(int dtype, void* logits, float* losses, float* reduced, const int* targets,
                                    int B, int T, int V, int Vp, int ignore_index, int reduction,
                                    float label_smoothing, float z_loss, float grad_scale, int compute_grad,
                                    void* stream) {
    static const char* fn = "flan4j_cross_entropy";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, logits);
    REQUIRE_PTR(fn, losses);
    REQUIRE_PTR(fn, targets);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, V);
    REQUIRE(Vp >= V, "%s: argument 'Vp' must be >= V (%d), got %d", fn, V, Vp);
    REQUIRE(reduction >= FLAN4J_REDUCTION_NONE && reduction <= FLAN4J_REDUCTION_MEAN,
            "%s: argument 'reduction' must be 0 (none), 1 (sum) or 2 (mean), got %d", fn, reduction);
    REQUIRE(reduction != FLAN4J_REDUCTION_MEAN || reduced != nullptr,
            "%s: argument 'reduced' must not be NULL when reduction=%d (mean), got NULL", fn, reduction);
    REQUIRE(label_smoothing >= 0.0f && label_smoothing < 1.0f,
            "%s: argument 'label_smoothing' must be in [0, 1), got %g", fn, (double)label_smoothing);
    REQUIRE(z_loss >= 0.0f && z_loss == z_loss && z_loss - z_loss == 0.0f,
            "%s: argument 'z_loss' must be finite and >= 0, got %g", fn, (double)z_loss);
    REQUIRE_FINITE(fn, grad_scale);
    const long long N = (long long)B * T;
    REQUIRE(N <= 0x7fffffffLL, "%s: B*T = %lld rows exceeds the grid limit 2^31-1", fn, N);
    return launch_cross_entropy(dtype, logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction,
                                label_smoothing, z_loss, grad_scale, compute_grad, as_stream(stream));
}

// ====================================================================== attention

namespace {

int normalise_attention(const char* fn, const flan4j_attention_params* in, bool backward,
                        flan4j_attention_params* p) {
    REQUIRE(in != nullptr, "%s: argument 'params' must not be NULL, got NULL", fn);
    *p = *in;
    CHECK_DTYPE(fn, p->dtype, kF32 | kBF16 | kF16);  // bf16/fp16: tensor-core kernels (attention_tc.cu)
    REQUIRE(p->HD == 32 || p->HD == 64 || p->HD == 128,
            "%s: argument 'params.HD' must be 32, 64 or 128, got %d", fn, p->HD);
    REQUIRE(p->B > 0, "%s: argument 'params.B' must be > 0, got %d", fn, p->B);
    REQUIRE(p->T > 0, "%s: argument 'params.T' must be > 0, got %d", fn, p->T);
    REQUIRE(p->NH > 0, "%s: argument 'params.NH' must be > 0, got %d", fn, p->NH);
    REQUIRE(p->NH_kv > 0, "%s: argument 'params.NH_kv' must be > 0, got %d", fn, p->NH_kv);
    REQUIRE(p->NH % p->NH_kv == 0, "%s: argument 'params.NH_kv' (%d) must divide params.NH (%d)", fn, p->NH_kv,
            p->NH);
    REQUIRE(p->B <= 65535 && p->NH <= 65535, "%s: params.B (%d) and params.NH (%d) must be <= 65535", fn, p->B,
            p->NH);
    if (p->cu_seqlens) {
        REQUIRE(p->total_tokens > 0, "%s: argument 'params.total_tokens' must be > 0, got %d", fn,
                p->total_tokens);
    } else {
        REQUIRE((long long)p->B * p->T <= 0x7fffffffLL, "%s: params.B*params.T = %lld exceeds 2^31-1", fn,
                (long long)p->B * p->T);
        REQUIRE(p->total_tokens == 0 || p->total_tokens == p->B * p->T,
                "%s: argument 'params.total_tokens' must be 0 or B*T = %d without cu_seqlens, got %d", fn,
                p->B * p->T, p->total_tokens);
        p->total_tokens = p->B * p->T;
    }
    REQUIRE(p->softmax_scale > 0.0f && p->softmax_scale - p->softmax_scale == 0.0f,
            "%s: argument 'params.softmax_scale' must be finite and > 0, got %g", fn, (double)p->softmax_scale);
    REQUIRE(p->q != nullptr, "%s: argument 'params.q' must not be NULL, got NULL", fn);
    REQUIRE(p->k != nullptr, "%s: argument 'params.k' must not be NULL, got NULL", fn);
    REQUIRE(p->v != nullptr, "%s: argument 'params.v' must not be NULL, got NULL", fn);
    REQUIRE(p->o != nullptr, "%s: argument 'params.o' must not be NULL, got NULL", fn);
    REQUIRE(p->lse != nullptr, "%s: argument 'params.lse' must not be NULL, got NULL", fn);
    if (backward) {
        REQUIRE(p->dout != nullptr, "%s: argument 'params.dout' must not be NULL, got NULL", fn);
        REQUIRE(p->dq != nullptr, "%s: argument 'params.dq' must not be NULL, got NULL", fn);
        REQUIRE(p->dk != nullptr, "%s: argument 'params.dk' must not be NULL, got NULL", fn);
        REQUIRE(p->dv != nullptr, "%s: argument 'params.dv' must not be NULL, got NULL", fn);
        REQUIRE(p->delta != nullptr, "%s: argument 'params.delta' must not be NULL, got NULL", fn);
    }
    const long long q_row = (long long)p->NH * p->HD, kv_row = (long long)p->NH_kv * p->HD;
    struct S {
        const char* name;
        long long* v;
        long long dflt;
    } strides[] = {
        {"q_row_stride", &p->q_row_stride, q_row},     {"q_head_stride", &p->q_head_stride, p->HD},
        {"k_row_stride", &p->k_row_stride, kv_row},    {"k_head_stride", &p->k_head_stride, p->HD},
        {"v_row_stride", &p->v_row_stride, kv_row},    {"v_head_stride", &p->v_head_stride, p->HD},
        {"o_row_stride", &p->o_row_stride, q_row},     {"o_head_stride", &p->o_head_stride, p->HD},
        {"do_row_stride", &p->do_row_stride, q_row},   {"do_head_stride", &p->do_head_stride, p->HD},
        {"dq_row_stride", &p->dq_row_stride, q_row},   {"dq_head_stride", &p->dq_head_stride, p->HD},
        {"dk_row_stride", &p->dk_row_stride, kv_row},  {"dk_head_stride", &p->dk_head_stride, p->HD},
        {"dv_row_stride", &p->dv_row_stride, kv_row},  {"dv_head_stride", &p->dv_head_stride, p->HD},
    };
    for (auto& st : strides) {
        REQUIRE(*st.v >= 0, "%s: argument 'params.%s' must be >= 0 (0 = dense default), got %lld", fn, st.name,
                *st.v);
        if (*st.v == 0) *st.v = st.dflt;
    }
    if (p->dtype != FLAN4J_F32) {
        // the tensor-core kernels (attention_tc.cu) move 16-byte chunks (cp.async) and 32-bit pairs
        if (p->HD != 64 && p->HD != 128)
            return set_error(FLAN4J_ERR_UNSUPPORTED, "%s: bf16/fp16 attention supports params.HD 64 or 128, got %d",
                             fn, p->HD);
        const struct {
            const char* name;
            const void* v;
        } ptrs[] = {{"q", p->q}, {"k", p->k}, {"v", p->v}, {"o", p->o}, {"dout", p->dout}, {"dk", p->dk}, {"dv", p->dv}};
        for (int i = 0; i < (backward ? 7 : 4); i++)
            REQUIRE(reinterpret_cast<uintptr_t>(ptrs[i].v) % 16 == 0,
                    "%s: argument 'params.%s' must be 16-byte aligned for bf16/fp16, got %p", fn, ptrs[i].name,
                    ptrs[i].v);
        for (int i = 0; i < (backward ? 16 : 8); i++) {
            if (i == 10 || i == 11) continue;  // dq is fp32 (atomics): any stride
            REQUIRE(*strides[i].v % 8 == 0, "%s: argument 'params.%s' must be a multiple of 8 for bf16/fp16, got %lld",
                    fn, strides[i].name, *strides[i].v);
        }
    }
    return FLAN4J_OK;
}

}  // namespace

FLAN4J_API int flan4j_attention_forward(const flan4j_attention_params* params, void* stream) {
    flan4j_attention_params p;
    int st = normalise_attention("flan4j_attention_forward", params, false, &p);
    if (st != FLAN4J_OK) return st;
    return launch_attention_forward(p, p.T, as_stream(stream));
}

FLAN4J_API int flan4j_attention_backward(const flan4j_attention_params* params, void* stream) {
    flan4j_attention_params p;
    int st = normalise_attention("flan4j_attention_backward", params, true, &p);
    if (st != FLAN4J_OK) return st;
    return launch_attention_backward(p, p.T, as_stream(stream));
}

// ====================================================================== attention for any head dim, decode, helpers

namespace {

int check_heads(const char* fn, const char* n_name, int N, int NH, int HD, float scale) {
    REQUIRE(N > 0, "%s: argument '%s' must be > 0, got %d", fn, n_name, N);
    REQUIRE_POS(fn, NH);
    REQUIRE_POS(fn, HD);
    REQUIRE(HD <= FLAN4J_ATTENTION_GENERIC_MAX_HD, "%s: argument 'HD' must be <= %d, got %d", fn,
            FLAN4J_ATTENTION_GENERIC_MAX_HD, HD);
    REQUIRE(NH <= 65535, "%s: argument 'NH' must be <= 65535, got %d", fn, NH);
    REQUIRE((long long)NH * HD * 3 <= 0x7fffffffLL, "%s: 3*NH*HD = %lld exceeds 2^31-1", fn, 3LL * NH * HD);
    REQUIRE(scale > 0.0f && scale - scale == 0.0f, "%s: argument 'scale' must be finite and > 0, got %g", fn,
            (double)scale);
    return FLAN4J_OK;
}

#define CHECK_HEADS(fn, n, NH, HD, scale)                           \
    do {                                                            \
        int _st = check_heads(fn, #n, n, NH, HD, scale);            \
        if (_st != FLAN4J_OK) return _st;                           \
    } while (0)

}  // namespace

FLAN4J_API int flan4j_attention_generic_forward(const float* qkv, float* out, float* lse, const int* doc_bounds,
                                                int N, int NH, int HD, float scale, void* stream) {
    static const char* fn = "flan4j_attention_generic_forward";
    CHECK_HEADS(fn, N, NH, HD, scale);
    REQUIRE_PTR(fn, qkv);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, doc_bounds);
    return launch_attention_generic_forward(qkv, out, lse, doc_bounds, N, NH, HD, scale, as_stream(stream));
}

FLAN4J_API int flan4j_attention_generic_backward(float* dqkv, float* delta, const float* dout, const float* qkv,
                                                 const float* out, const float* lse, const int* doc_bounds, int N,
                                                 int NH, int HD, float scale, void* stream) {
    static const char* fn = "flan4j_attention_generic_backward";
    CHECK_HEADS(fn, N, NH, HD, scale);
    REQUIRE_PTR(fn, dqkv);
    REQUIRE_PTR(fn, delta);
    REQUIRE_PTR(fn, dout);
    REQUIRE_PTR(fn, qkv);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, lse);
    REQUIRE_PTR(fn, doc_bounds);
    return launch_attention_generic_backward(dqkv, delta, dout, qkv, out, lse, doc_bounds, N, NH, HD, scale,
                                             as_stream(stream));
}

FLAN4J_API int flan4j_attention_decode(float* out, const float* qkv_new, float* k_cache, float* v_cache, int start,
                                       int n, int t_max, int NH, int HD, float scale, void* stream) {
    static const char* fn = "flan4j_attention_decode";
    CHECK_HEADS(fn, n, NH, HD, scale);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, qkv_new);
    REQUIRE_PTR(fn, k_cache);
    REQUIRE_PTR(fn, v_cache);
    REQUIRE_NONNEG(fn, start);
    REQUIRE((long long)start + n <= t_max, "%s: start (%d) + n (%d) must be <= t_max (%d)", fn, start, n, t_max);
    return launch_attention_decode(out, qkv_new, k_cache, v_cache, start, n, NH, HD, scale, as_stream(stream));
}

FLAN4J_API int flan4j_fill(float* x, float value, long long N, void* stream) {
    static const char* fn = "flan4j_fill";
    REQUIRE_PTR(fn, x);
    REQUIRE_POS(fn, N);
    return launch_fill(x, value, N, as_stream(stream));
}

FLAN4J_API int flan4j_transpose(float* dst, const float* src, int rows, int cols, void* stream) {
    static const char* fn = "flan4j_transpose";
    REQUIRE_PTR(fn, dst);
    REQUIRE_PTR(fn, src);
    REQUIRE_POS(fn, rows);
    REQUIRE_POS(fn, cols);
    REQUIRE(dst != src, "%s: argument 'dst' must not alias 'src' (both %p)", fn, (void*)dst);
    REQUIRE((rows + 31) / 32 <= 65535, "%s: argument 'rows' must be <= %d, got %d", fn, 65535 * 32, rows);
    return launch_transpose(dst, src, rows, cols, as_stream(stream));
}

// ====================================================================== small ops

FLAN4J_API int flan4j_gelu_forward(int dtype, void* out, const void* inp, long long N, void* stream) {
    static const char* fn = "flan4j_gelu_forward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, inp);
    REQUIRE_POS(fn, N);
    return launch_gelu_forward(dtype, out, inp, N, as_stream(stream));
}

FLAN4J_API int flan4j_gelu_backward(int dtype, void* dinp, const void* inp, const void* dout, long long N,
                                    void* stream) {
    static const char* fn = "flan4j_gelu_backward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, dinp);
    REQUIRE_PTR(fn, inp);
    REQUIRE_PTR(fn, dout);
    REQUIRE_POS(fn, N);
    return launch_gelu_backward(dtype, dinp, inp, dout, N, as_stream(stream));
}

FLAN4J_API int flan4j_embedding_forward(int dtype, void* out, const int* tokens, const int* positions,
                                        const float* wte, const float* wpe, int B, int T, int C, int V, int maxT,
                                        void* stream) {
    static const char* fn = "flan4j_embedding_forward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, tokens);
    REQUIRE_PTR(fn, wte);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE_POS(fn, V);
    if (wpe) {
        REQUIRE_POS(fn, maxT);
        REQUIRE(positions != nullptr || T <= maxT, "%s: argument 'T' (%d) must be <= maxT (%d) without positions",
                fn, T, maxT);
    }
    return launch_embedding_forward(dtype, out, tokens, positions, wte, wpe, (long long)B * T, T, C, V, maxT,
                                    as_stream(stream));
}

FLAN4J_API int flan4j_embedding_backward(int dtype, float* dwte, float* dwpe, const void* dout, const int* tokens,
                                         const int* positions, int B, int T, int C, int V, int maxT,
                                         void* stream) {
    static const char* fn = "flan4j_embedding_backward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE(dwte != nullptr || dwpe != nullptr, "%s: arguments 'dwte' and 'dwpe' are both NULL", fn);
    REQUIRE_PTR(fn, dout);
    REQUIRE_PTR(fn, tokens);
    REQUIRE_POS(fn, B);
    REQUIRE_POS(fn, T);
    REQUIRE_POS(fn, C);
    REQUIRE_POS(fn, V);
    if (dwpe) REQUIRE_POS(fn, maxT);
    return launch_embedding_backward(dtype, dwte, dwpe, dout, tokens, positions, (long long)B * T, T, C, V, maxT,
                                     as_stream(stream));
}

FLAN4J_API int flan4j_add(int dtype, void* out, const void* a, const void* b, long long N, void* stream) {
    static const char* fn = "flan4j_add";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, a);
    REQUIRE_PTR(fn, b);
    REQUIRE_POS(fn, N);
    return launch_add(dtype, out, a, b, N, as_stream(stream));
}

FLAN4J_API int flan4j_scale(int dtype, void* x, float alpha, long long N, void* stream) {
    static const char* fn = "flan4j_scale";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, x);
    REQUIRE_POS(fn, N);
    REQUIRE_FINITE(fn, alpha);
    return launch_scale(dtype, x, alpha, N, as_stream(stream));
}

FLAN4J_API int flan4j_bias_add(int dtype, void* out, const float* bias, long long N, int OC, void* stream) {
    static const char* fn = "flan4j_bias_add";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, bias);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, OC);
    return launch_bias_add(dtype, out, bias, N, OC, as_stream(stream));
}

FLAN4J_API int flan4j_bias_backward(int dtype, float* dbias, const void* dout, long long N, int OC, void* stream) {
    static const char* fn = "flan4j_bias_backward";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, dbias);
    REQUIRE_PTR(fn, dout);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, OC);
    return launch_bias_backward(dtype, dbias, dout, N, OC, as_stream(stream));
}

FLAN4J_API int flan4j_cast(int dst_dtype, void* dst, int src_dtype, const void* src, long long N, void* stream) {
    static const char* fn = "flan4j_cast";
    CHECK_DTYPE(fn, dst_dtype, kF32 | kBF16 | kF16);
    CHECK_DTYPE(fn, src_dtype, kF32 | kBF16 | kF16);
    REQUIRE_PTR(fn, dst);
    REQUIRE_PTR(fn, src);
    REQUIRE_POS(fn, N);
    return launch_cast(dst_dtype, dst, src_dtype, src, N, as_stream(stream));
}

FLAN4J_API int flan4j_sum_squares(int dtype, float* out, const void* x, long long N, void* stream) {
    static const char* fn = "flan4j_sum_squares";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, x);
    REQUIRE_POS(fn, N);
    return launch_sum_squares(dtype, out, x, N, as_stream(stream));
}

FLAN4J_API int flan4j_reduce_sum(int dtype, float* out, float* workspace, const void* x, long long N, int square,
                                 void* stream) {
    static const char* fn = "flan4j_reduce_sum";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, out);
    REQUIRE_PTR(fn, workspace);
    REQUIRE_PTR(fn, x);
    REQUIRE_POS(fn, N);
    REQUIRE(square == 0 || square == 1, "%s: argument 'square' must be 0 or 1, got %d", fn, square);
    const long long ws = 4LL * FLAN4J_REDUCE_WORKSPACE_FLOATS;
    REQUIRE(!overlaps(workspace, ws, out, 4), "%s: argument 'workspace' overlaps 'out'", fn);
    REQUIRE(!overlaps(workspace, ws, x, N * dtype_bytes(dtype)), "%s: argument 'workspace' overlaps 'x'", fn);
    return launch_reduce_sum(dtype, out, workspace, x, N, square, as_stream(stream));
}

FLAN4J_API int flan4j_clip_factor(float* factor, const float* norm_sq, double max_norm, void* stream) {
    static const char* fn = "flan4j_clip_factor";
    REQUIRE_PTR(fn, factor);
    REQUIRE_PTR(fn, norm_sq);
    REQUIRE(max_norm == max_norm && max_norm - max_norm == 0.0, "%s: argument 'max_norm' must be finite, got %g", fn,
            max_norm);
    return launch_clip_factor(factor, norm_sq, max_norm, as_stream(stream));
}

FLAN4J_API int flan4j_scale_by(int dtype, void* x, const float* factor, long long N, void* stream) {
    static const char* fn = "flan4j_scale_by";
    CHECK_DTYPE(fn, dtype, kF32 | kBF16);
    REQUIRE_PTR(fn, x);
    REQUIRE_PTR(fn, factor);
    REQUIRE_POS(fn, N);
    REQUIRE(!overlaps(factor, 4, x, N * dtype_bytes(dtype)), "%s: argument 'factor' lies inside 'x'", fn);
    return launch_scale_by(dtype, x, factor, N, as_stream(stream));
}

FLAN4J_API int flan4j_adamw(float* param, const float* grad, float* m, float* v, long long N, float lr,
                            float beta1, float beta2, float eps, float weight_decay, int step, float grad_scale,
                            void* stream) {
    static const char* fn = "flan4j_adamw";
    REQUIRE_PTR(fn, param);
    REQUIRE_PTR(fn, grad);
    REQUIRE_PTR(fn, m);
    REQUIRE_PTR(fn, v);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, step);
    REQUIRE_FINITE(fn, lr);
    REQUIRE(beta1 >= 0.0f && beta1 < 1.0f, "%s: argument 'beta1' must be in [0, 1), got %g", fn, (double)beta1);
    REQUIRE(beta2 >= 0.0f && beta2 < 1.0f, "%s: argument 'beta2' must be in [0, 1), got %g", fn, (double)beta2);
    REQUIRE(eps > 0.0f && eps - eps == 0.0f, "%s: argument 'eps' must be finite and > 0, got %g", fn, (double)eps);
    REQUIRE(weight_decay >= 0.0f && weight_decay - weight_decay == 0.0f,
            "%s: argument 'weight_decay' must be finite and >= 0, got %g", fn, (double)weight_decay);
    REQUIRE_FINITE(fn, grad_scale);
    const float bc1 = (float)(1.0 - pow((double)beta1, (double)step));
    const float bc2 = (float)(1.0 - pow((double)beta2, (double)step));
    return launch_adamw(param, grad, m, v, N, lr, beta1, beta2, eps, weight_decay, bc1 > 0.0f ? bc1 : 1.0f,
                        bc2 > 0.0f ? bc2 : 1.0f, grad_scale, as_stream(stream));
}

FLAN4J_API int flan4j_adafactor_workspace(int rows, int cols, int factored, long long* floats) {
    static const char* fn = "flan4j_adafactor_workspace";
    REQUIRE_PTR(fn, floats);
    REQUIRE_POS(fn, rows);
    REQUIRE_POS(fn, cols);
    REQUIRE(factored == 0 || factored == 1, "%s: argument 'factored' must be 0 or 1, got %d", fn, factored);
    *floats = adafactor::workspace_floats(rows, cols, factored == 1);
    return FLAN4J_OK;
}

FLAN4J_API int flan4j_adafactor(float* param, const float* grad, float* row, float* col, float* v, int rows, int cols,
                                float lr, float decay, float weight_decay, float clip, float eps1, float* workspace,
                                void* stream) {
    static const char* fn = "flan4j_adafactor";
    REQUIRE_PTR(fn, param);
    REQUIRE_PTR(fn, grad);
    REQUIRE_PTR(fn, workspace);
    REQUIRE_POS(fn, rows);
    REQUIRE_POS(fn, cols);
    const bool factored = v == nullptr;
    if (factored) {
        REQUIRE(row != nullptr && col != nullptr,
                "%s: arguments 'row' and 'col' must not be NULL when 'v' is NULL (factored), got row=%p, col=%p", fn,
                (void*)row, (void*)col);
    } else {
        REQUIRE(row == nullptr && col == nullptr,
                "%s: arguments 'row' and 'col' must be NULL when 'v' is given (full), got row=%p, col=%p", fn,
                (void*)row, (void*)col);
    }
    REQUIRE_FINITE(fn, lr);
    REQUIRE(decay >= 0.0f && decay < 1.0f, "%s: argument 'decay' must be in [0, 1), got %g", fn, (double)decay);
    REQUIRE(weight_decay >= 0.0f && weight_decay - weight_decay == 0.0f,
            "%s: argument 'weight_decay' must be finite and >= 0, got %g", fn, (double)weight_decay);
    REQUIRE(clip > 0.0f && clip - clip == 0.0f, "%s: argument 'clip' must be finite and > 0, got %g", fn, (double)clip);
    REQUIRE(eps1 > 0.0f && eps1 - eps1 == 0.0f, "%s: argument 'eps1' must be finite and > 0, got %g", fn, (double)eps1);
    const long long n = (long long)rows * cols, nb = 4 * n;
    const long long wb = 4 * adafactor::workspace_floats(rows, cols, factored);
    REQUIRE(!overlaps(param, nb, grad, nb), "%s: argument 'param' overlaps 'grad'", fn);
    REQUIRE(!overlaps(workspace, wb, param, nb), "%s: argument 'workspace' overlaps 'param'", fn);
    REQUIRE(!overlaps(workspace, wb, grad, nb), "%s: argument 'workspace' overlaps 'grad'", fn);
    if (factored) {
        REQUIRE(!overlaps(row, 4LL * rows, col, 4LL * cols), "%s: argument 'row' overlaps 'col'", fn);
        REQUIRE(!overlaps(row, 4LL * rows, param, nb), "%s: argument 'row' overlaps 'param'", fn);
        REQUIRE(!overlaps(col, 4LL * cols, param, nb), "%s: argument 'col' overlaps 'param'", fn);
        REQUIRE(!overlaps(workspace, wb, row, 4LL * rows), "%s: argument 'workspace' overlaps 'row'", fn);
        REQUIRE(!overlaps(workspace, wb, col, 4LL * cols), "%s: argument 'workspace' overlaps 'col'", fn);
    } else {
        REQUIRE(!overlaps(v, nb, param, nb), "%s: argument 'v' overlaps 'param'", fn);
        REQUIRE(!overlaps(workspace, wb, v, nb), "%s: argument 'workspace' overlaps 'v'", fn);
    }
    return launch_adafactor(param, grad, row, col, v, rows, cols, lr, decay, weight_decay, clip, eps1, workspace,
                            as_stream(stream));
}

// ====================================================================== GEMM

FLAN4J_API int flan4j_gemm(int dtype_ab, int dtype_c, int trans_a, int trans_b, int M, int N, int K, float alpha,
                           const void* A, int lda, long long stride_a, const void* B, int ldb, long long stride_b,
                           float beta, void* C, int ldc, long long stride_c, int batch, int flags, void* stream) {
    static const char* fn = "flan4j_gemm";
    CHECK_DTYPE(fn, dtype_ab, kF32 | kBF16 | kF16);
    CHECK_DTYPE(fn, dtype_c, kF32 | kBF16 | kF16);
    REQUIRE(dtype_c == FLAN4J_F32 || dtype_c == dtype_ab,
            "%s: argument 'dtype_c' must be F32 (0) or equal dtype_ab (%d), got %d", fn, dtype_ab, dtype_c);
    REQUIRE(dtype_ab != FLAN4J_F32 || dtype_c == FLAN4J_F32,
            "%s: argument 'dtype_c' must be F32 (0) when dtype_ab is F32, got %d", fn, dtype_c);
    REQUIRE(trans_a == 0 || trans_a == 1, "%s: argument 'trans_a' must be 0 or 1, got %d", fn, trans_a);
    REQUIRE(trans_b == 0 || trans_b == 1, "%s: argument 'trans_b' must be 0 or 1, got %d", fn, trans_b);
    REQUIRE_POS(fn, M);
    REQUIRE_POS(fn, N);
    REQUIRE_POS(fn, K);
    REQUIRE_POS(fn, batch);
    REQUIRE_PTR(fn, A);
    REQUIRE_PTR(fn, B);
    REQUIRE_PTR(fn, C);
    const int min_lda = trans_a ? M : K, min_ldb = trans_b ? K : N;
    REQUIRE(lda >= min_lda, "%s: argument 'lda' must be >= %d (%s), got %d", fn, min_lda, trans_a ? "M" : "K", lda);
    REQUIRE(ldb >= min_ldb, "%s: argument 'ldb' must be >= %d (%s), got %d", fn, min_ldb, trans_b ? "K" : "N", ldb);
    REQUIRE(ldc >= N, "%s: argument 'ldc' must be >= N (%d), got %d", fn, N, ldc);
    REQUIRE_NONNEG(fn, stride_a);
    REQUIRE_NONNEG(fn, stride_b);
    REQUIRE_NONNEG(fn, stride_c);
    REQUIRE(batch == 1 || stride_c > 0, "%s: argument 'stride_c' must be > 0 when batch=%d > 1, got %lld", fn,
            batch, stride_c);
    REQUIRE((flags & ~FLAN4J_GEMM_ALLOW_TF32) == 0, "%s: argument 'flags' has unknown bits, got %d", fn, flags);
    REQUIRE_FINITE(fn, alpha);
    REQUIRE_FINITE(fn, beta);
    return launch_gemm(dtype_ab, dtype_c, trans_a, trans_b, M, N, K, alpha, A, lda, stride_a, B, ldb, stride_b, beta,
                       C, ldc, stride_c, batch, flags, as_stream(stream));
}

FLAN4J_API int flan4j_blas_load(void) { return blas_load(); }

FLAN4J_API const char* flan4j_blas_library(void) { return blas_library_name(); }

FLAN4J_API int flan4j_release_thread_resources(void) {
    blas_release_thread();
    return FLAN4J_OK;
}

}  // extern "C"
