// api.cu - the C API: argument validation (before any CUDA call), error strings, dispatch to launchers.
#include <cstdio>
#include <cstring>

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
    REQUIRE(eps >= 0.0f && eps == eps, "%s: argument 'eps' must be >= 0, got %g", fn, (double)eps);
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

}  // extern "C"
