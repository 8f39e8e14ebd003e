// adamw.cu - AdamW update on fp32 master parameters.
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

// g = grad * grad_scale; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
// param -= lr * ( (m / bc1) / (sqrt(v / bc2) + eps) + weight_decay * param )
__global__ void adamw_kernel(float* __restrict__ param, const float* __restrict__ grad, float* __restrict__ m,
                             float* __restrict__ v, long long N, float lr, float beta1, float beta2, float eps,
                             float weight_decay, float bc1, float bc2, float grad_scale) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < N; i += (long long)gridDim.x * blockDim.x) {
        const float g = grad[i] * grad_scale;
        const float mi = beta1 * m[i] + (1.0f - beta1) * g;
        const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        const float p = param[i];
        param[i] = p - lr * ((mi / bc1) / (sqrtf(vi / bc2) + eps) + weight_decay * p);
    }
}

// ====================================================================== launchers

int launch_adamw(float* param, const float* grad, float* m, float* v, long long N, float lr, float beta1,
                 float beta2, float eps, float weight_decay, float bc1, float bc2, float grad_scale, cudaStream_t s) {
    NvtxRange r("flan4j_adamw");
    long long blocks = (N + 255) / 256;
    if (blocks > 65535LL * 8) blocks = 65535LL * 8;
    adamw_kernel<<<(unsigned)blocks, 256, 0, s>>>(param, grad, m, v, N, lr, beta1, beta2, eps, weight_decay, bc1,
                                                  bc2, grad_scale);
    return check_launch("adamw_kernel");
}

}  // namespace flan4j
