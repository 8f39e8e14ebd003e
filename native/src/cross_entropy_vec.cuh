// cross_entropy_vec.cuh - fused softmax cross-entropy (per-token loss, dlogits in place) written over the
// warp-primitive layer (warp.cuh), so that the host check (test/hostcheck_ce.cpp) runs the same text that nvcc
// compiles for cross_entropy.cu.
//
// One block of NT threads per row of logits [N, Vp] (V real classes, columns [V, Vp) are padding). The row is
// walked in chunks of W consecutive elements: W = Vec16<E>::N (4 fp32 or 8 bf16, one 16-byte load or store) when
// Vp % W == 0 and the logits are 16-byte aligned (every row then starts on a 16-byte boundary), else W = 1 (any
// Vp, any alignment); the launcher decides. Chunk c = tid + k*NT is read and written by thread tid only. The
// chunk that straddles V is read whole (it lies inside the row because W divides Vp) and its columns >= V are
// masked, so no scalar head or tail loop is needed.
//
//   pass 1: per thread an online (max, sum of exp) and the sum of the real logits, U chunks loaded before any is
//           used (U*W = 16 values in flight per thread, 4 scalars for W = 1); the thread whose chunk holds the
//           target column puts z[y] in shared memory.
//   reduce: butterfly over the warp (shfl_xor), one (max, sum, zsum) per warp in shared memory, then every thread
//           combines the NW warp values in the same fixed order (deterministic: the result depends on V, Vp and
//           NT only, and NT on Vp and W only).
//   pass 2: dz[j] = scale * (p_j (1 + 2 zc lse) - e/V - (1-e) [j==y]) for j < V, 0 for the padding, written over
//           the logits with the same chunk assignment as pass 1.
// Ignored rows (y == ignore_index) get loss 0 and a zero gradient row, an out-of-range target a NaN loss and a
// NaN gradient row (padding included). count_valid / reduce_losses are one-block reductions over N in a fixed
// order (no atomics).
#pragma once

#include "flan4j/flan4j.h"
#include "warp.cuh"

// Test hooks for the host check only (test/hostcheck_ce.cpp; the library is always built with 0):
//   8: padded columns [V, Vp) get the softmax gradient formula instead of zero;
//   9: the pass-1 mask admits column V (the first padded column enters max, sum-exp and the logit sum);
//  10: the residual add's scalar tail starts one element late (elementwise_vec.cuh).
#ifndef FLAN4J_OP_MUTATION
#define FLAN4J_OP_MUTATION 0
#endif

namespace flan4j {
namespace vec {

using namespace warp;

F4_HD float ce_nan() { return u2f(0x7fc00000u); }

// (m, s) <- the online (max, sum of exp(x - max)) of both pairs. Symmetric in its two arguments, bit for bit.
F4_HD void ce_merge(float& m, float& s, float m2, float s2) {
    const float mx = fmaxf(m, m2);
    if (mx == -INFINITY) {
        m = mx;
        s = 0.0f;
        return;
    }
    s = s * exp_fast(m - mx) + s2 * exp_fast(m2 - mx);
    m = mx;
}

// Threads per row for nvec chunks (the host check uses the same choice).
inline int ce_block_threads(long long nvec) { return nvec >= 2048 ? 512 : (nvec >= 512 ? 256 : 128); }

template <typename E, int W, int NT>
struct CrossEntropyRow {
    static_assert(W == 1 || W == Vec16<E>::N, "W is 1 or one 16-byte vector");
    static_assert(NT % 32 == 0 && NT <= 1024, "whole warps");
    static constexpr int NW = NT / 32;
    static constexpr int U = W == 1 ? 4 : 16 / W;     // chunks per thread loaded before use
    static constexpr int kSmemFloats = 3 * NW + 1;    // per warp: max, sum-exp, logit sum; then z[y]
    using IO = VecIO<E, W>;

    // Row `row` of logits (element type E, row stride Vp, W divides Vp); sh holds kSmemFloats floats.
    F4_HD static void run(void* logits, float* losses, const float* reduced, const int* targets, int V, int Vp,
                          int ignore_index, int reduction, float smoothing, float z_coef, float grad_scale,
                          int compute_grad, long long row, float* sh) {
        const int y = targets[row];
        const bool ignored = y == ignore_index;
        const long long base = row * (long long)Vp;  // element index of the row's first column
        const int nvec = Vp / W;
        if (ignored || y < 0 || y >= V) {  // block-uniform
            // ignored: no loss, no gradient; out-of-range target: NaN loss and NaN row (a loud failure)
            F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
                if (tid == 0) losses[row] = ignored ? 0.0f : ce_nan();
                if (compute_grad) {
                    float f[W];
#pragma unroll
                    for (int i = 0; i < W; i++) f[i] = ignored ? 0.0f : ce_nan();
                    for (long long c = tid; c < nvec; c += NT) IO::store(logits, base + c * W, f);
                }
            }
            return;
        }
        Regs<float, 3, NT> st;  // this thread's max, sum of exp(z - max), sum of z
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            float m = -INFINITY, s = 0.0f, zs = 0.0f;
            for (long long c0 = tid; c0 < nvec; c0 += U * NT) {  // 64-bit: no overflow for Vp near INT_MAX
                float x[U][W];
#pragma unroll
                for (int u = 0; u < U; u++)
                    if (c0 + u * NT < nvec) IO::load(x[u], logits, base + (c0 + u * NT) * W);
#pragma unroll
                for (int u = 0; u < U; u++) {
                    if (c0 + u * NT >= nvec) continue;
                    const int c = (int)(c0 + u * NT);
                    const int j0 = c * W;
                    float cm = -INFINITY;
#pragma unroll
                    for (int i = 0; i < W; i++) {
#if FLAN4J_OP_MUTATION == 9
                        if (j0 + i <= V && j0 + i < Vp) {
#else
                        if (j0 + i < V) {
#endif
                            cm = fmaxf(cm, x[u][i]);
                            zs += x[u][i];
                        } else {
                            x[u][i] = -INFINITY;  // masked: exp(-inf - m) = 0 below
                        }
                        if (j0 + i == y) sh[3 * NW] = x[u][i];
                    }
                    if (cm > m) {
                        s *= exp_fast(m - cm);  // m = -inf: s is 0 and stays 0
                        m = cm;
                    }
                    if (m != -INFINITY) {
#pragma unroll
                        for (int i = 0; i < W; i++) s += exp_fast(x[u][i] - m);
                    }
                }
            }
            st(tid)[0] = m;
            st(tid)[1] = s;
            st(tid)[2] = zs;
        }
        F4_FOR_WARPS(w, NW) {
#pragma unroll
            for (int mask = 16; mask > 0; mask >>= 1) {
                Regs<float, 3, NT> o;
                F4_FOR_LANES(w, lane, tid) {
                    for (int k = 0; k < 3; k++) o(tid)[k] = st(tid)[k];
                }
                shfl_xor(o, 0, mask, w);
                shfl_xor(o, 1, mask, w);
                shfl_xor(o, 2, mask, w);
                F4_FOR_LANES(w, lane, tid) {
                    ce_merge(st(tid)[0], st(tid)[1], o(tid)[0], o(tid)[1]);
                    st(tid)[2] += o(tid)[2];
                }
            }
            F4_FOR_LANES(w, lane, tid) {
                if (lane == 0) {
                    sh[w] = st(tid)[0];
                    sh[NW + w] = st(tid)[1];
                    sh[2 * NW + w] = st(tid)[2];
                }
            }
        }
        block_sync();  // the warp values and z[y] visible to every thread
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            float m = -INFINITY, s = 0.0f, zsum = 0.0f;
            for (int k = 0; k < NW; k++) ce_merge(m, s, sh[k], sh[NW + k]);  // the same order in every thread
            for (int k = 0; k < NW; k++) zsum += sh[2 * NW + k];
            const float lse = m + log_f(s);
            if (tid == 0) {
                const float zy = sh[3 * NW];
                // the smoothing term only when smoothing is on: 0 * (-inf) would turn a -inf logit into a NaN loss
                const float smooth = smoothing != 0.0f ? smoothing * zsum / V : 0.0f;
                losses[row] = lse - (1.0f - smoothing) * zy - smooth + z_coef * lse * lse;
            }
            if (compute_grad) {
                float scale = grad_scale;
                if (reduction == FLAN4J_REDUCTION_MEAN) scale /= fmaxf(reduced[1], 1.0f);
                const float pz = (1.0f + 2.0f * z_coef * lse) * scale;  // d/dz_j (lse + zc lse^2) = p_j (1 + 2 zc lse)
                const float uni = smoothing / V * scale, hit = (1.0f - smoothing) * scale;
                for (long long c0 = tid; c0 < nvec; c0 += U * NT) {
                    float x[U][W];
#pragma unroll
                    for (int u = 0; u < U; u++)
                        if (c0 + u * NT < nvec) IO::load(x[u], logits, base + (c0 + u * NT) * W);
#pragma unroll
                    for (int u = 0; u < U; u++) {
                        if (c0 + u * NT >= nvec) continue;
                        const int c = (int)(c0 + u * NT);
                        const int j0 = c * W;
#pragma unroll
                        for (int i = 0; i < W; i++) {
                            const int j = j0 + i;
#if FLAN4J_OP_MUTATION == 8
                            x[u][i] = exp_fast(x[u][i] - lse) * pz - uni - (j == y ? hit : 0.0f);
#else
                            x[u][i] = j < V ? exp_fast(x[u][i] - lse) * pz - uni - (j == y ? hit : 0.0f) : 0.0f;
#endif
                        }
                        IO::store(logits, base + (long long)j0, x[u]);
                    }
                }
            }
        }
    }
};

// One block: reduced[0] = 0, reduced[1] = number of targets != ignore_index.
// reduce: reduced[0] = sum of losses (MEAN: divided by max(reduced[1], 1)).
// Per-thread partial sums over i = tid, tid + NT, ..., a warp butterfly, then thread 0 adds the warp sums in order.
template <int NT>
struct CeBlockReduce {
    static constexpr int NW = NT / 32, kSmemFloats = NW;

    // sh[w] = warp w's sum of term(i) over its lanes' indices; TERM 0: 1 for targets[i] != ignore_index, 1: losses[i]
    template <int TERM>
    F4_HD static void sum(const int* targets, int ignore_index, const float* losses, long long N, float* sh) {
        Regs<float, 1, NT> a;
        F4_FOR_WARPS(w, NW) {
            F4_FOR_LANES(w, lane, tid) {
                float t = 0.0f;
                for (long long i = tid; i < N; i += NT) t += TERM == 0 ? (targets[i] != ignore_index ? 1.0f : 0.0f) : losses[i];
                a(tid)[0] = t;
            }
            allreduce<false, 32>(a, 0, w);
            F4_FOR_LANES(w, lane, tid) {
                if (lane == 0) sh[w] = a(tid)[0];
            }
        }
        block_sync();
    }
    F4_HD static float total(const float* sh) {
        float t = 0.0f;
        for (int k = 0; k < NW; k++) t += sh[k];
        return t;
    }

    F4_HD static void count_valid(float* reduced, const int* targets, long long N, int ignore_index, float* sh) {
        sum<0>(targets, ignore_index, nullptr, N, sh);
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            if (tid == 0) {
                reduced[0] = 0.0f;
                reduced[1] = total(sh);
            }
        }
    }

    F4_HD static void reduce_losses(float* reduced, const float* losses, long long N, int reduction, float* sh) {
        sum<1>(nullptr, 0, losses, N, sh);
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            if (tid == 0) {
                const float s = total(sh);
                reduced[0] = reduction == FLAN4J_REDUCTION_MEAN ? s / fmaxf(reduced[1], 1.0f) : s;
            }
        }
    }
};

}  // namespace vec
}  // namespace flan4j
