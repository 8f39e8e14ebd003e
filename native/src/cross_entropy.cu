// cross_entropy.cu - fused softmax cross-entropy: per-token loss and dlogits written in place.
//
// One block per row of logits. Pass 1 streams the V real columns once with an online (max, sum-exp)
// and also sums the logits (for label smoothing); pass 2 writes the gradient over the same buffer.
// No softmax buffer is materialised; padded columns [V, Vp) get a zero gradient.
// Bodies in cross_entropy_vec.cuh (shared with the host check, test/hostcheck_ce.cpp); here the kernels and
// the launcher. Rows are read and written with 16-byte vectors when Vp and the logits pointer allow it
// (Vp % 4 == 0 for fp32, Vp % 8 == 0 for bf16: the models pad Vp to a multiple of 64), else one element at a time.
#include "cross_entropy_vec.cuh"
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

constexpr int kReduceThreads = 1024;

// Counts non-ignored targets into reduced[1] and zeroes reduced[0]. One block.
__global__ void __launch_bounds__(kReduceThreads)
count_valid_kernel(float* reduced, const int* __restrict__ targets, long long N, int ignore_index) {
    using R = vec::CeBlockReduce<kReduceThreads>;
    __shared__ float sh[R::kSmemFloats];
    R::count_valid(reduced, targets, N, ignore_index, sh);
}

template <typename E, int W, int NT>
__global__ void __launch_bounds__(NT)
cross_entropy_kernel(void* logits, float* __restrict__ losses, const float* __restrict__ reduced,
                     const int* __restrict__ targets, int V, int Vp, int ignore_index, int reduction,
                     float smoothing, float z_coef, float grad_scale, int compute_grad) {
    using K = vec::CrossEntropyRow<E, W, NT>;
    __shared__ float sh[K::kSmemFloats];
    K::run(logits, losses, reduced, targets, V, Vp, ignore_index, reduction, smoothing, z_coef, grad_scale,
           compute_grad, blockIdx.x, sh);
}

// reduced[0] = sum of losses (or mean over reduced[1] valid tokens). One block, deterministic.
__global__ void __launch_bounds__(kReduceThreads)
reduce_losses_kernel(float* reduced, const float* __restrict__ losses, long long N, int reduction) {
    using R = vec::CeBlockReduce<kReduceThreads>;
    __shared__ float sh[R::kSmemFloats];
    R::reduce_losses(reduced, losses, N, reduction, sh);
}

// ====================================================================== launchers

namespace {

template <typename E, int W>
int ce_rows(void* logits, float* losses, const float* reduced, const int* targets, long long N, int V, int Vp,
            int ignore_index, int reduction, float smoothing, float z_coef, float grad_scale, int compute_grad,
            cudaStream_t s) {
    const int threads = vec::ce_block_threads(Vp / W);
    auto k = threads == 512 ? cross_entropy_kernel<E, W, 512>
                            : (threads == 256 ? cross_entropy_kernel<E, W, 256> : cross_entropy_kernel<E, W, 128>);
    k<<<(unsigned)N, threads, 0, s>>>(logits, losses, reduced, targets, V, Vp, ignore_index, reduction, smoothing,
                                      z_coef, grad_scale, compute_grad);
    return check_launch(W == 1 ? "cross_entropy_kernel" : "cross_entropy_vec_kernel");
}

template <typename E>
int ce(void* logits, float* losses, float* reduced, const int* targets, long long N, int V, int Vp,
       int ignore_index, int reduction, float smoothing, float z_coef, float grad_scale, int compute_grad,
       cudaStream_t s) {
    if (reduced) {
        count_valid_kernel<<<1, kReduceThreads, 0, s>>>(reduced, targets, N, ignore_index);
        int st = check_launch("count_valid_kernel");
        if (st != FLAN4J_OK) return st;
    }
    constexpr int W = warp::Vec16<E>::N;
    // 16-byte chunks: every row starts on a 16-byte boundary and the chunk holding column V - 1 ends inside it
    const bool vec = Vp % W == 0 && reinterpret_cast<uintptr_t>(logits) % 16 == 0;
    int st = vec ? ce_rows<E, W>(logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction, smoothing,
                                 z_coef, grad_scale, compute_grad, s)
                 : ce_rows<E, 1>(logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction, smoothing,
                                 z_coef, grad_scale, compute_grad, s);
    if (st != FLAN4J_OK || !reduced) return st;
    reduce_losses_kernel<<<1, kReduceThreads, 0, s>>>(reduced, losses, N, reduction);
    return check_launch("reduce_losses_kernel");
}

}  // namespace

int launch_cross_entropy(int dtype, void* logits, float* losses, float* reduced, const int* targets,
                         long long N, int V, int Vp, int ignore_index, int reduction,
                         float smoothing, float z_coef, float grad_scale, int compute_grad,
                         cudaStream_t s) {
    NvtxRange r("flan4j_cross_entropy");
    if (dtype == FLAN4J_BF16)
        return ce<warp::BF16>(logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction, smoothing,
                              z_coef, grad_scale, compute_grad, s);
    return ce<warp::F32>(logits, losses, reduced, targets, N, V, Vp, ignore_index, reduction, smoothing,
                         z_coef, grad_scale, compute_grad, s);
}

}  // namespace flan4j
