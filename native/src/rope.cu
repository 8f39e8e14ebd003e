// rope.cu - rotary position embeddings (Hugging Face rotate-half layout), forward and backward, in place.
// Bodies in rope.cuh (shared with the host check); here the kernels and launchers.
#include "launchers.cuh"
#include "rope.cuh"

namespace flan4j {

// ====================================================================== kernels

template <typename E, int V>
__global__ void __launch_bounds__(vec::Rope<E, V>::NT) rope_kernel(vec::RopeArgs a) {
    vec::Rope<E, V>::run(a, blockIdx.x, gridDim.x);
}

// ====================================================================== launchers

namespace {

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

unsigned rope_grid(long long items, int threads) {
    const long long b = (items + threads - 1) / threads, cap = 65535LL * 8;
    return (unsigned)(b > cap ? cap : (b < 1 ? 1 : b));
}

template <typename E>
int rope(const vec::RopeArgs& a, cudaStream_t s) {
    constexpr int V = warp::Vec16<E>::N, NT = vec::Rope<E, 1>::NT;
    const int half = a.head_dim / 2;
    // 16-byte accesses: every chunk of V pairs (x1 and x2 halves, cos and sin rows) starts on a 16-byte boundary
    if (half % V == 0 && a.row_width % V == 0 && aligned16(a.x) && aligned16(a.cos) && aligned16(a.sin)) {
        rope_kernel<E, V><<<rope_grid(a.N * a.n_heads * (half / V), NT), NT, 0, s>>>(a);
        return check_launch("rope_vec_kernel");
    }
    rope_kernel<E, 1><<<rope_grid(a.N * a.n_heads * half, NT), NT, 0, s>>>(a);
    return check_launch("rope_kernel");
}

}  // namespace

int launch_rope(int dtype, void* x, const float* cos, const float* sin, const int* positions, long long N,
                long long row_width, int n_heads, int head_dim, int t_max, int inverse, cudaStream_t s) {
    NvtxRange r(inverse ? "flan4j_rope_backward" : "flan4j_rope_forward");
    const vec::RopeArgs a{x, cos, sin, positions, N, row_width, n_heads, head_dim, t_max, inverse};
    return dtype == FLAN4J_BF16 ? rope<warp::BF16>(a, s) : rope<warp::F32>(a, s);
}

}  // namespace flan4j
