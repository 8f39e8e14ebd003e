// adafactor.cu - the Adafactor step on fp32 parameters without a host round trip: the kernels of the bodies in
// adafactor.cuh (shared with the host check) and their launch sequence; the scalars rMean and ms stay in the
// workspace, read by the next kernel on the stream.
#include "adafactor.cuh"
#include "launchers.cuh"

namespace flan4j {

namespace af = adafactor;

// ====================================================================== kernels

__global__ void __launch_bounds__(af::NT) adafactor_row_kernel(float* row, const float* g, int R, int C, float decay,
                                                               float eps1) {
    __shared__ float sh[af::NW];
    af::row_update(row, g, R, C, decay, eps1, blockIdx.x, gridDim.x, sh);
}

__global__ void __launch_bounds__(af::NT) adafactor_col_partial_kernel(float* partials, const float* g, int R, int C,
                                                                       float eps1) {
    af::col_partial(partials, g, R, C, eps1, blockIdx.x, blockIdx.y, gridDim.y);
}

__global__ void __launch_bounds__(af::NT) adafactor_col_finish_kernel(float* col, const float* partials, int R, int C,
                                                                      float decay) {
    af::col_finish(col, partials, R, C, decay, blockIdx.x, gridDim.x);
}

// rMean (x = row, div = R) and ms (x = the u^2 partials, div = 1) into the workspace's scalars.
__global__ void __launch_bounds__(af::NT) adafactor_sum_kernel(float* out, const float* x, int n, float div) {
    __shared__ float sh[af::NW];
    af::one_block_sum(out, x, n, div, sh);
}

__global__ void __launch_bounds__(af::NT) adafactor_u_partial_kernel(float* partials, const float* g, const float* row,
                                                                     const float* col, float* v, const float* scalars,
                                                                     int C, long long n, float decay, float eps1) {
    __shared__ float sh[af::NW];
    af::u_partial(partials, g, row, col, v, scalars, C, n, decay, eps1, blockIdx.x, gridDim.x, sh);
}

__global__ void __launch_bounds__(af::NT) adafactor_apply_kernel(float* param, const float* g, const float* row,
                                                                 const float* col, const float* v,
                                                                 const float* scalars, int C, long long n, float lr,
                                                                 float weight_decay, float clip) {
    af::apply(param, g, row, col, v, scalars, C, n, lr, weight_decay, clip, blockIdx.x, gridDim.x);
}

// ====================================================================== launchers

static unsigned capped(long long blocks, long long cap) {
    return (unsigned)(blocks < 1 ? 1 : (blocks > cap ? cap : blocks));
}

int launch_adafactor(float* param, const float* grad, float* row, float* col, float* v, int R, int C, float lr,
                     float decay, float weight_decay, float clip, float eps1, float* workspace, cudaStream_t s) {
    NvtxRange r("flan4j_adafactor");
    const long long n = (long long)R * C;
    float* scalars = workspace;
    float* partials = workspace + af::kScalars;
    const unsigned col_blocks = capped((C + af::NT - 1) / af::NT, 1LL << 30);
    if (v == nullptr) {
        adafactor_row_kernel<<<capped(R, 65535LL * 8), af::NT, 0, s>>>(row, grad, R, C, decay, eps1);
        int st = check_launch("adafactor_row_kernel");
        if (st != FLAN4J_OK) return st;
        const dim3 pgrid(col_blocks, capped(af::col_slabs(R), 65535));
        adafactor_col_partial_kernel<<<pgrid, af::NT, 0, s>>>(partials, grad, R, C, eps1);
        st = check_launch("adafactor_col_partial_kernel");
        if (st != FLAN4J_OK) return st;
        adafactor_col_finish_kernel<<<col_blocks, af::NT, 0, s>>>(col, partials, R, C, decay);
        st = check_launch("adafactor_col_finish_kernel");
        if (st != FLAN4J_OK) return st;
        adafactor_sum_kernel<<<1, af::NT, 0, s>>>(scalars, row, R, (float)R);
        st = check_launch("adafactor_sum_kernel (rMean)");
        if (st != FLAN4J_OK) return st;
    }
    const int ub = af::u_blocks(n);
    adafactor_u_partial_kernel<<<ub, af::NT, 0, s>>>(partials, grad, row, col, v, scalars, C, n, decay, eps1);
    int st = check_launch("adafactor_u_partial_kernel");
    if (st != FLAN4J_OK) return st;
    adafactor_sum_kernel<<<1, af::NT, 0, s>>>(scalars + 1, partials, ub, 1.0f);
    st = check_launch("adafactor_sum_kernel (ms)");
    if (st != FLAN4J_OK) return st;
    adafactor_apply_kernel<<<capped((n + af::NT - 1) / af::NT, 65535LL * 8), af::NT, 0, s>>>(
        param, grad, row, col, v, scalars, C, n, lr, weight_decay, clip);
    return check_launch("adafactor_apply_kernel");
}

}  // namespace flan4j
