// embedding.cu - token + position embedding forward and backward (atomic scatter-add).
#include "launchers.cuh"

namespace flan4j {

// ====================================================================== kernels

// out[b,t,:] = wte[tokens[b,t], :] + wpe[pos, :], pos = positions ? positions[b,t] : t.
// An out-of-range token or position writes NaN (a loud failure instead of a silent zero row).
template <typename TT>
__global__ void embedding_forward_kernel(TT* out, const int* __restrict__ tokens, const int* __restrict__ positions,
                                         const float* __restrict__ wte, const float* __restrict__ wpe,
                                         long long BT, int T, int C, int V, int maxT) {
    const long long total = BT * C;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        const long long bt = i / C;
        const int c = (int)(i % C);
        const int tok = tokens[bt];
        const int pos = positions ? positions[bt] : (int)(bt % T);
        float v;
        if (tok < 0 || tok >= V || (wpe && (pos < 0 || pos >= maxT))) {
            v = __int_as_float(0x7fc00000);
        } else {
            v = wte[(long long)tok * C + c] + (wpe ? wpe[(long long)pos * C + c] : 0.0f);
        }
        out[i] = from_float<TT>(v);
    }
}

// dwte[tok] += dout[b,t];  dwpe[pos] += dout[b,t]. Out-of-range indices are skipped.
template <typename TT>
__global__ void embedding_backward_kernel(float* dwte, float* dwpe, const TT* __restrict__ dout,
                                          const int* __restrict__ tokens, const int* __restrict__ positions,
                                          long long BT, int T, int C, int V, int maxT) {
    const long long total = BT * C;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        const long long bt = i / C;
        const int c = (int)(i % C);
        const float g = to_float(dout[i]);
        const int tok = tokens[bt];
        if (dwte && tok >= 0 && tok < V) atomicAdd(&dwte[(long long)tok * C + c], g);
        if (dwpe) {
            const int pos = positions ? positions[bt] : (int)(bt % T);
            if (pos >= 0 && pos < maxT) atomicAdd(&dwpe[(long long)pos * C + c], g);
        }
    }
}

// ====================================================================== launchers

static unsigned emb_grid(long long n) {
    long long b = (n + 255) / 256;
    return (unsigned)(b > 65535LL * 8 ? 65535LL * 8 : (b < 1 ? 1 : b));
}

int launch_embedding_forward(int dtype, void* out, const int* tokens, const int* positions, const float* wte,
                             const float* wpe, long long BT, int T, int C, int V, int maxT, cudaStream_t s) {
    NvtxRange r("flan4j_embedding_forward");
    if (dtype == FLAN4J_BF16)
        embedding_forward_kernel<bf16><<<emb_grid(BT * C), 256, 0, s>>>((bf16*)out, tokens, positions, wte, wpe, BT, T, C, V, maxT);
    else
        embedding_forward_kernel<float><<<emb_grid(BT * C), 256, 0, s>>>((float*)out, tokens, positions, wte, wpe, BT, T, C, V, maxT);
    return check_launch("embedding_forward_kernel");
}

int launch_embedding_backward(int dtype, float* dwte, float* dwpe, const void* dout, const int* tokens,
                              const int* positions, long long BT, int T, int C, int V, int maxT, cudaStream_t s) {
    NvtxRange r("flan4j_embedding_backward");
    if (dtype == FLAN4J_BF16)
        embedding_backward_kernel<bf16><<<emb_grid(BT * C), 256, 0, s>>>(dwte, dwpe, (const bf16*)dout, tokens, positions, BT, T, C, V, maxT);
    else
        embedding_backward_kernel<float><<<emb_grid(BT * C), 256, 0, s>>>(dwte, dwpe, (const float*)dout, tokens, positions, BT, T, C, V, maxT);
    return check_launch("embedding_backward_kernel");
}

}  // namespace flan4j
