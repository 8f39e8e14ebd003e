// attention_kernels.cuh - fused attention, FlashAttention-2 style, fp32 (templates; instantiated per
// head dim in attention_{fwd,bwd}_hd*.cu so that they compile in parallel).
//
// Forward: one block per (query tile of BR rows, query head, sequence). K/V tiles of BC rows stream
// through shared memory; each warp owns rows of the query tile and keeps an online softmax (running
// max m, running sum l) and its output rows in registers. Only O and the per-row logsumexp are
// written: no T x T matrix exists anywhere.
//
// Backward: one block per (key tile of BC rows, KV head, sequence); it loops over the query heads of
// its GQA group and over the query tiles that can see the key tile, recomputes P = exp(S - lse),
// accumulates dK, dV in registers (written once, no atomics) and adds dQ with fp32 atomics.
// D = rowsum(dO * O) is precomputed (attention.cu), which also zeroes dQ.
//
// Sequences: with cu_seqlens, sequence b is tokens [cu_seqlens[b], cu_seqlens[b+1]) of the packed rows
// (block-diagonal attention); otherwise tokens [b*T, (b+1)*T). Causal masking is per sequence.
#pragma once
#include "attention.cuh"

namespace flan4j {

constexpr int kAttnBR = 32;         // query rows per tile
constexpr int kAttnBC = 32;         // key rows per tile (= warp size: one key per lane)
constexpr int kAttnFwdThreads = 128;
constexpr int kAttnBwdThreads = 256;

__device__ __forceinline__ void seq_bounds(const flan4j_attention_params& p, int b, int* start, int* len) {
    if (p.cu_seqlens) {
        *start = p.cu_seqlens[b];
        *len = p.cu_seqlens[b + 1] - p.cu_seqlens[b];
    } else {
        *start = b * p.T;
        *len = p.T;
    }
}

template <int HD>
constexpr size_t attn_fwd_smem() {
    return sizeof(float) * (3 * kAttnBR * (HD + 1) + kAttnBR * (kAttnBC + 1));
}
template <int HD>
constexpr size_t attn_bwd_smem() {
    return sizeof(float) * (2 * kAttnBC * (HD + 1) + 2 * kAttnBR * (HD + 1) + 2 * kAttnBR * (kAttnBC + 1) + 2 * kAttnBR);
}

template <int HD, bool CAUSAL>
__global__ void __launch_bounds__(kAttnFwdThreads)
attention_forward_kernel(const flan4j_attention_params p) {
    static_assert(HD % 32 == 0, "HD must be a multiple of 32");
    constexpr int LD = HD + 1;                      // padded row: conflict-free column access
    constexpr int WARPS = kAttnFwdThreads / 32;
    constexpr int RPW = kAttnBR / WARPS;            // query rows per warp
    constexpr int DPL = HD / 32;                    // output dims per lane
    extern __shared__ float smem[];
    float* Qs = smem;
    float* Ks = Qs + kAttnBR * LD;
    float* Vs = Ks + kAttnBC * LD;
    float* Ps = Vs + kAttnBC * LD;                  // [BR][BC+1]

    int start, len;
    seq_bounds(p, blockIdx.z, &start, &len);
    const int q0 = blockIdx.x * kAttnBR;
    if (q0 >= len) return;
    const int h = blockIdx.y;
    const int hk = h / (p.NH / p.NH_kv);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const float* q = (const float*)p.q;
    const float* k = (const float*)p.k;
    const float* v = (const float*)p.v;

    for (int i = threadIdx.x; i < kAttnBR * HD; i += blockDim.x) {
        const int r = i / HD, d = i % HD;
        const int t = q0 + r;
        Qs[r * LD + d] = t < len ? q[(long long)(start + t) * p.q_row_stride + (long long)h * p.q_head_stride + d] : 0.0f;
    }

    float m[RPW], l[RPW], acc[RPW][DPL];
#pragma unroll
    for (int i = 0; i < RPW; i++) {
        m[i] = -INFINITY;
        l[i] = 0.0f;
#pragma unroll
        for (int j = 0; j < DPL; j++) acc[i][j] = 0.0f;
    }

    const int q_last = min(q0 + kAttnBR, len) - 1;
    const int k_end = CAUSAL ? q_last + 1 : len;    // keys [0, k_end)
    for (int k0 = 0; k0 < k_end; k0 += kAttnBC) {
        __syncthreads();                            // previous tile fully consumed (and Qs written)
        for (int i = threadIdx.x; i < kAttnBC * HD; i += blockDim.x) {
            const int c = i / HD, d = i % HD;
            const int t = k0 + c;
            const bool ok = t < len;
            const long long tok = start + t;
            Ks[c * LD + d] = ok ? k[tok * p.k_row_stride + (long long)hk * p.k_head_stride + d] : 0.0f;
            Vs[c * LD + d] = ok ? v[tok * p.v_row_stride + (long long)hk * p.v_head_stride + d] : 0.0f;
        }
        __syncthreads();
        const int key = k0 + lane;
#pragma unroll
        for (int i = 0; i < RPW; i++) {
            const int r = warp + i * WARPS;
            const int qpos = q0 + r;
            float s = 0.0f;
#pragma unroll 8
            for (int d = 0; d < HD; d++) s += Qs[r * LD + d] * Ks[lane * LD + d];
            s *= p.softmax_scale;
            const bool masked = key >= len || (CAUSAL && key > qpos);
            if (masked) s = -INFINITY;
            const float mx = fmaxf(m[i], warp_max(s));
            const float pv = (mx == -INFINITY || masked) ? 0.0f : __expf(s - mx);
            const float alpha = (mx == -INFINITY) ? 1.0f : __expf(m[i] - mx);  // exp(-inf)=0 at start
            l[i] = l[i] * alpha + warp_sum(pv);
            m[i] = mx;
            Ps[r * (kAttnBC + 1) + lane] = pv;
#pragma unroll
            for (int j = 0; j < DPL; j++) acc[i][j] *= alpha;
        }
        __syncwarp();
#pragma unroll
        for (int i = 0; i < RPW; i++) {
            const int r = warp + i * WARPS;
#pragma unroll 4
            for (int c = 0; c < kAttnBC; c++) {
                const float pv = Ps[r * (kAttnBC + 1) + c];
#pragma unroll
                for (int j = 0; j < DPL; j++) acc[i][j] += pv * Vs[c * LD + lane + 32 * j];
            }
        }
    }

    float* o = (float*)p.o;
#pragma unroll
    for (int i = 0; i < RPW; i++) {
        const int r = warp + i * WARPS;
        const int t = q0 + r;
        if (t >= len) continue;
        const float inv = l[i] > 0.0f ? 1.0f / l[i] : 0.0f;
        const long long tok = start + t;
#pragma unroll
        for (int j = 0; j < DPL; j++)
            o[tok * p.o_row_stride + (long long)h * p.o_head_stride + lane + 32 * j] = acc[i][j] * inv;
        if (lane == 0 && p.lse) p.lse[(long long)h * p.total_tokens + tok] = l[i] > 0.0f ? m[i] + logf(l[i]) : -INFINITY;
    }
}

template <int HD, bool CAUSAL>
__global__ void __launch_bounds__(kAttnBwdThreads)
attention_backward_kernel(const flan4j_attention_params p) {
    constexpr int LD = HD + 1;
    constexpr int PLD = kAttnBC + 1;
    constexpr int WARPS = kAttnBwdThreads / 32;
    constexpr int KPW = kAttnBC / WARPS;            // key rows per warp (dK/dV ownership)
    constexpr int RPW = kAttnBR / WARPS;            // query rows per warp (S/P/dS, dQ)
    constexpr int DPL = HD / 32;
    extern __shared__ float smem[];
    float* Ks = smem;
    float* Vs = Ks + kAttnBC * LD;
    float* Qs = Vs + kAttnBC * LD;
    float* dOs = Qs + kAttnBR * LD;
    float* Ps = dOs + kAttnBR * LD;
    float* dSs = Ps + kAttnBR * PLD;
    float* lse_s = dSs + kAttnBR * PLD;
    float* D_s = lse_s + kAttnBR;

    int start, len;
    seq_bounds(p, blockIdx.z, &start, &len);
    const int k0 = blockIdx.x * kAttnBC;
    if (k0 >= len) return;
    const int hk = blockIdx.y;
    const int group = p.NH / p.NH_kv;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const float* q = (const float*)p.q;
    const float* k = (const float*)p.k;
    const float* v = (const float*)p.v;
    const float* dout = (const float*)p.dout;
    float* dq = (float*)p.dq;

    for (int i = threadIdx.x; i < kAttnBC * HD; i += blockDim.x) {
        const int c = i / HD, d = i % HD;
        const int t = k0 + c;
        const bool ok = t < len;
        const long long tok = start + t;
        Ks[c * LD + d] = ok ? k[tok * p.k_row_stride + (long long)hk * p.k_head_stride + d] : 0.0f;
        Vs[c * LD + d] = ok ? v[tok * p.v_row_stride + (long long)hk * p.v_head_stride + d] : 0.0f;
    }

    float dk[KPW][DPL], dv[KPW][DPL];
#pragma unroll
    for (int i = 0; i < KPW; i++)
#pragma unroll
        for (int j = 0; j < DPL; j++) dk[i][j] = dv[i][j] = 0.0f;

    const int key = k0 + lane;
    const int q_begin = CAUSAL ? (k0 / kAttnBR) * kAttnBR : 0;
    for (int hq = 0; hq < group; hq++) {
        const int h = hk * group + hq;
        for (int q0 = q_begin; q0 < len; q0 += kAttnBR) {
            __syncthreads();  // previous tile consumed
            for (int i = threadIdx.x; i < kAttnBR * HD; i += blockDim.x) {
                const int r = i / HD, d = i % HD;
                const int t = q0 + r;
                const bool ok = t < len;
                const long long tok = start + t;
                Qs[r * LD + d] = ok ? q[tok * p.q_row_stride + (long long)h * p.q_head_stride + d] : 0.0f;
                dOs[r * LD + d] = ok ? dout[tok * p.do_row_stride + (long long)h * p.do_head_stride + d] : 0.0f;
            }
            for (int r = threadIdx.x; r < kAttnBR; r += blockDim.x) {
                const int t = q0 + r;
                const long long idx = (long long)h * p.total_tokens + start + t;
                lse_s[r] = t < len ? p.lse[idx] : 0.0f;
                D_s[r] = t < len ? p.delta[idx] : 0.0f;
            }
            __syncthreads();
#pragma unroll
            for (int i = 0; i < RPW; i++) {
                const int r = warp + i * WARPS;
                const int qpos = q0 + r;
                float s = 0.0f, dp = 0.0f;
#pragma unroll 8
                for (int d = 0; d < HD; d++) {
                    s += Qs[r * LD + d] * Ks[lane * LD + d];
                    dp += dOs[r * LD + d] * Vs[lane * LD + d];
                }
                const bool masked = qpos >= len || key >= len || (CAUSAL && key > qpos);
                const float pv = masked ? 0.0f : __expf(s * p.softmax_scale - lse_s[r]);
                Ps[r * PLD + lane] = pv;
                dSs[r * PLD + lane] = pv * (dp - D_s[r]);
            }
            __syncthreads();
            // dV[c] += sum_r P[r][c] dO[r];  dK[c] += sum_r dS[r][c] Q[r]  (scale applied at the end)
#pragma unroll
            for (int i = 0; i < KPW; i++) {
                const int c = warp + i * WARPS;
#pragma unroll 4
                for (int r = 0; r < kAttnBR; r++) {
                    const float pv = Ps[r * PLD + c], ds = dSs[r * PLD + c];
#pragma unroll
                    for (int j = 0; j < DPL; j++) {
                        dv[i][j] += pv * dOs[r * LD + lane + 32 * j];
                        dk[i][j] += ds * Qs[r * LD + lane + 32 * j];
                    }
                }
            }
            // dQ[r] += scale * sum_c dS[r][c] K[c]
#pragma unroll
            for (int i = 0; i < RPW; i++) {
                const int r = warp + i * WARPS;
                const int t = q0 + r;
                if (t >= len) continue;
                float a[DPL];
#pragma unroll
                for (int j = 0; j < DPL; j++) a[j] = 0.0f;
#pragma unroll 4
                for (int c = 0; c < kAttnBC; c++) {
                    const float ds = dSs[r * PLD + c];
#pragma unroll
                    for (int j = 0; j < DPL; j++) a[j] += ds * Ks[c * LD + lane + 32 * j];
                }
                const long long tok = start + t;
#pragma unroll
                for (int j = 0; j < DPL; j++)
                    atomicAdd(&dq[tok * p.dq_row_stride + (long long)h * p.dq_head_stride + lane + 32 * j],
                              a[j] * p.softmax_scale);
            }
        }
    }

    float* dkp = (float*)p.dk;
    float* dvp = (float*)p.dv;
#pragma unroll
    for (int i = 0; i < KPW; i++) {
        const int c = warp + i * WARPS;
        const int t = k0 + c;
        if (t >= len) continue;
        const long long tok = start + t;
#pragma unroll
        for (int j = 0; j < DPL; j++) {
            dkp[tok * p.dk_row_stride + (long long)hk * p.dk_head_stride + lane + 32 * j] = dk[i][j] * p.softmax_scale;
            dvp[tok * p.dv_row_stride + (long long)hk * p.dv_head_stride + lane + 32 * j] = dv[i][j];
        }
    }
}

// Launchers (declared in attention.cuh, explicitly instantiated in attention_{fwd,bwd}_hd*.cu).
template <int HD, bool CAUSAL>
int launch_attention_forward_hd(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    constexpr size_t smem = attn_fwd_smem<HD>();
    FLAN4J_CUDA_TRY(cudaFuncSetAttribute(attention_forward_kernel<HD, CAUSAL>,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem),
                    "cudaFuncSetAttribute(attention_forward_kernel)");
    dim3 grid(ceil_div(max_len, kAttnBR), p.NH, p.B);
    attention_forward_kernel<HD, CAUSAL><<<grid, kAttnFwdThreads, smem, s>>>(p);
    return check_launch("attention_forward_kernel");
}

template <int HD, bool CAUSAL>
int launch_attention_backward_hd(const flan4j_attention_params& p, int max_len, cudaStream_t s) {
    constexpr size_t smem = attn_bwd_smem<HD>();
    FLAN4J_CUDA_TRY(cudaFuncSetAttribute(attention_backward_kernel<HD, CAUSAL>,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem),
                    "cudaFuncSetAttribute(attention_backward_kernel)");
    dim3 grid(ceil_div(max_len, kAttnBC), p.NH_kv, p.B);
    attention_backward_kernel<HD, CAUSAL><<<grid, kAttnBwdThreads, smem, s>>>(p);
    return check_launch("attention_backward_kernel");
}

}  // namespace flan4j
