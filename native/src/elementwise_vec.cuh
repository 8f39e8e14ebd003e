// elementwise_vec.cuh - the residual add out = a + b with 16-byte loads, and the device-scalar ops of the training
// step (a deterministic sum or sum of squares into a device scalar, the gradient clip factor, scaling by a device
// scalar), written over the warp-primitive layer so that the host check (test/hostcheck_ce.cpp) runs the same bodies
// that elementwise.cu launches.
//
// Add: grid-stride over whole vectors (4 fp32 or 8 bf16), then the N % W tail element by element. Each element of
// out is written by the thread that read a and b there, so out may alias a or b (in place). The launcher uses it
// when out, a and b are 16-byte aligned.
#pragma once

#include "flan4j/flan4j.h"
#include "warp.cuh"

// Test hooks for the host check only (test/hostcheck_ce.cpp; the library is always built with 0): 10: the add's
// scalar tail starts one element late, 11: the sum's second pass drops the last block's partial, 12: the clip factor
// is min(1, max_norm / (norm + 1e-6)), which also scales (slightly) a norm at or just below max_norm.
#ifndef FLAN4J_OP_MUTATION
#define FLAN4J_OP_MUTATION 0
#endif

namespace flan4j {
namespace vec {

using namespace warp;

template <typename E>
struct Add {
    static constexpr int NW = 8, NT = 256, W = Vec16<E>::N;

    F4_HD static void run(void* out, const void* a, const void* b, long long N, int bx, int gx) {
        using VE = Vec16<E>;
        const long long nvec = N / W, stride = (long long)gx * NT;
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            for (long long i = (long long)bx * NT + tid; i < nvec; i += stride) {
                float x[W], y[W];
                VE::load(x, static_cast<const unsigned char*>(a) + i * 16);
                VE::load(y, static_cast<const unsigned char*>(b) + i * 16);
#pragma unroll
                for (int j = 0; j < W; j++) x[j] += y[j];
                VE::store(static_cast<unsigned char*>(out) + i * 16, x);
            }
#if FLAN4J_OP_MUTATION == 10
            for (long long i = nvec * W + 1 + (long long)bx * NT + tid; i < N; i += stride)
#else
            for (long long i = nvec * W + (long long)bx * NT + tid; i < N; i += stride)
#endif
                VE::store1(out, i, VE::load1(a, i) + VE::load1(b, i));
        }
    }
};

// ------------------------------------------------------------------ device scalars of the training step

// Blocks of the first pass of Sum (its partials buffer holds this many floats): FLAN4J_REDUCE_WORKSPACE_FLOATS.
constexpr int kSumMaxBlocks = FLAN4J_REDUCE_WORKSPACE_FLOATS;

// The first pass's block count for N elements: one block per NT * 8 elements, at most kSumMaxBlocks. It depends on
// N alone, so the summation order (and with it every bit of the result) is fixed for a given N.
inline int sum_blocks(long long N, int NT) {
    const long long b = (N + NT * 8LL - 1) / (NT * 8LL);
    return (int)(b < 1 ? 1 : (b > kSumMaxBlocks ? kSumMaxBlocks : b));
}

// The sum over a block of NT threads of every thread's a(tid)[0], in a fixed order: a warp butterfly (shfl_xor), then
// the warp sums in warp order. Every thread gets it; sh holds NT / 32 floats and may be reused when it returns.
template <int NT>
F4_HD float block_sum(Regs<float, 1, NT>& a, float* sh) {
    constexpr int NW = NT / 32;
    F4_FOR_WARPS(w, NW) {
        allreduce<false, 32>(a, 0, w);
        F4_FOR_LANES(w, lane, tid) {
            if (lane == 0) sh[w] = a(tid)[0];
        }
    }
    block_sync();  // the warp sums visible to every thread
    float total = 0.0f;
    for (int k = 0; k < NW; k++) total += sh[k];
    block_sync();  // sh may be reused by the caller
    return total;
}

// Deterministic out[0] += sum of x[i] (SQUARE: of x[i]^2), in two passes without atomics:
//   partial: block bx of gx: thread tid adds elements bx*NT + tid, + gx*NT, ... in index order (one fp32 accumulator),
//            a warp butterfly (shfl_xor), then the warp sums in warp order -> partials[bx];
//   finish:  one block sums partials[0, gx) the same way (fp32, not squared) and thread 0 does out[0] += total.
// Same inputs, same N: the same bits, run after run (unlike an atomicAdd per block, as flan4j_sum_squares does).
template <typename E, int NT>
struct Sum {
    static_assert(NT % 32 == 0 && NT <= 1024, "whole warps");
    static constexpr int NW = NT / 32, kSmemFloats = NW;

    // The block's sum of elements bx*NT + tid + k*gx*NT (element type L), squared when SQUARE; every thread gets it.
    template <typename L, bool SQUARE>
    F4_HD static float block_total(const void* x, long long N, int bx, int gx, float* sh) {
        Regs<float, 1, NT> a;
        F4_FOR_WARPS(w, NW) {
            F4_FOR_LANES(w, lane, tid) {
                float t = 0.0f;
                for (long long i = (long long)bx * NT + tid; i < N; i += (long long)gx * NT) {
                    const float v = Vec16<L>::load1(x, i);
                    t += SQUARE ? v * v : v;
                }
                a(tid)[0] = t;
            }
        }
        return block_sum<NT>(a, sh);
    }

    template <bool SQUARE>
    F4_HD static void partial(float* partials, const void* x, long long N, int bx, int gx, float* sh) {
        const float total = block_total<E, SQUARE>(x, N, bx, gx, sh);
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            if (tid == 0) partials[bx] = total;
        }
    }

    F4_HD static void finish(float* out, const float* partials, int gx, float* sh) {
#if FLAN4J_OP_MUTATION == 11
        const float total = block_total<F32, false>(partials, gx - 1, 0, 1, sh);
#else
        const float total = block_total<F32, false>(partials, gx, 0, 1, sh);
#endif
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            if (tid == 0) out[0] += total;
        }
    }
};

// The global-norm clip factor from the squared norm, the host formula of AdamW.clipGradNorm in double: scale by
// max_norm / (norm + 1e-6) when max_norm > 0 and norm > max_norm, else 1 (a NaN norm is not clipped: the trainer
// reports it as diverged).
F4_HD float clip_factor(float norm_sq, double max_norm) {
    const double norm = sqrt((double)norm_sq);
#if FLAN4J_OP_MUTATION == 12
    return max_norm > 0 ? (float)fmin(1.0, max_norm / (norm + 1e-6)) : 1.0f;
#else
    return max_norm > 0 && norm > max_norm ? (float)(max_norm / (norm + 1e-6)) : 1.0f;
#endif
}

// x[i] *= factor[0] over N elements, grid-stride; factor is read once per thread (it must not lie inside x).
template <typename E>
struct ScaleBy {
    static constexpr int NW = 8, NT = 256;

    F4_HD static void run(void* x, const float* factor, long long N, int bx, int gx) {
        using VE = Vec16<E>;
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            const float f = factor[0];
            for (long long i = (long long)bx * NT + tid; i < N; i += (long long)gx * NT) VE::store1(x, i, VE::load1(x, i) * f);
        }
    }
};

}  // namespace vec
}  // namespace flan4j
