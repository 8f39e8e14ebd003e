// adafactor.cuh - the Adafactor step's kernel bodies (flan4j_adafactor), written over the warp-primitive layer so
// that the host check (test/hostcheck_adafactor.cpp) runs the same text that adafactor.cu launches.
//
// A [R, C] weight (factored: row [R], col [C]) takes seven launches, a parameter with the full second moment v [n]
// three; every reduction has a fixed order (fp32 accumulators, then vec::block_sum of elementwise_vec.cuh: a warp
// butterfly, then the warps in order; block partials summed by one block), so the same inputs give the same bits on every run, and nothing is read back:
//   1. RowUpdate    one block per row: row[i] = decay row[i] + (1-decay) sum_j (g^2 + eps1) / C
//   2. ColPartial   block (x: 256 columns, y: a slab of kSlabRows rows), one thread per column, adding its slab's rows
//                   in order (coalesced: a warp reads 32 consecutive columns of one row) -> partials[slab * C + j]
//   3. ColFinish    one thread per column adds the slabs in order: col[j] = decay col[j] + (1-decay) sum / R
//   4. one block    scalars[0] = rMean = sum(row) / R (one_block_sum)
//   5. UPartial     u = g / sqrt(row[i] / rMean * col[j]) (full: first v = decay v + (1-decay)(g^2 + eps1), then
//                   u = g / sqrt(v)); block partials of sum u^2 (u_blocks(n) blocks, grid-stride) -> partials[b]
//   6. one block    scalars[1] = ms = sum of the partials (one_block_sum)
//   7. Apply        denom = max(1, sqrt(ms / n) / clip); u recomputed as in 5; p -= lr (u / denom + wd p)
// (full: 5, 6, 7). u is recomputed in 7 rather than stored: the same bits, and no buffer of n floats.
#pragma once

#include "elementwise_vec.cuh"
#include "flan4j/flan4j.h"
#include "warp.cuh"

// Test hooks for the host check only (test/hostcheck_adafactor.cpp; the library is always built with 0): 13: the
// column sums leave out the last slab of rows, 14: the update is divided by sqrt(ms / n) / clip without the floor of
// 1 (so an RMS below clip scales the update up), 15: the factored u leaves out the division by rMean.
#ifndef FLAN4J_OP_MUTATION
#define FLAN4J_OP_MUTATION 0
#endif

namespace flan4j {
namespace adafactor {

using namespace warp;

constexpr int NT = 256, NW = NT / 32;
// Rows of one column-sum slab (ColPartial): its partials take n / kSlabRows floats of the workspace.
constexpr int kSlabRows = 32;
// At most this many blocks in UPartial (its partials buffer), and elements per block before that cap.
constexpr int kMaxUBlocks = 1024, kUPerBlock = NT * 8;
// The workspace's first floats: scalars[0] = rMean, scalars[1] = ms; the partials follow.
constexpr int kScalars = 2;

F4_HD long long col_slabs(int R) { return (R + kSlabRows - 1) / kSlabRows; }

// UPartial's block count: depends on n alone, so the summation order is fixed for a given n.
inline int u_blocks(long long n) {
    const long long b = (n + kUPerBlock - 1) / kUPerBlock;
    return (int)(b < 1 ? 1 : (b > kMaxUBlocks ? kMaxUBlocks : b));
}

// Floats of workspace one call needs (FLAN4J_API flan4j_adafactor_workspace).
inline long long workspace_floats(int R, int C, bool factored) {
    const long long u = u_blocks((long long)R * C), cols = factored ? col_slabs(R) * C : 0;
    return kScalars + (u > cols ? u : cols);
}

// 1. Rows bx, bx + gx, ...: row[i] = decay row[i] + (1-decay) * (sum_j g[i, j]^2 + eps1) / C.
F4_HD void row_update(float* row, const float* g, int R, int C, float decay, float eps1, int bx, int gx, float* sh) {
    for (int i = bx; i < R; i += gx) {
        Regs<float, 1, NT> a;
        const float* gi = g + (long long)i * C;
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            float t = 0.0f;
            for (int j = tid; j < C; j += NT) t += gi[j] * gi[j] + eps1;
            a(tid)[0] = t;
        }
        const float total = vec::block_sum<NT>(a, sh);
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            if (tid == 0) row[i] = decay * row[i] + (1.0f - decay) * (total / (float)C);
        }
    }
}

// 2. Columns bx * NT + tid, slabs by, by + gy, ...: partials[slab * C + j] = sum of g^2 + eps1 over the slab's rows.
F4_HD void col_partial(float* partials, const float* g, int R, int C, float eps1, int bx, int by, int gy) {
    const long long S = col_slabs(R);
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        const int j = bx * NT + tid;
        if (j < C) {
            for (long long s = by; s < S; s += gy) {
                const int i0 = (int)(s * kSlabRows), i1 = i0 + kSlabRows < R ? i0 + kSlabRows : R;
                float t = 0.0f;
                for (int i = i0; i < i1; i++) {
                    const float x = g[(long long)i * C + j];
                    t += x * x + eps1;
                }
                partials[s * C + j] = t;
            }
        }
    }
}

// 3. Columns j = bx * NT + tid, + gx * NT, ...: col[j] = decay col[j] + (1-decay) * (the slabs' sum, in order) / R.
F4_HD void col_finish(float* col, const float* partials, int R, int C, float decay, int bx, int gx) {
#if FLAN4J_OP_MUTATION == 13
    const long long S = col_slabs(R) - 1;
#else
    const long long S = col_slabs(R);
#endif
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        for (long long j = (long long)bx * NT + tid; j < C; j += (long long)gx * NT) {
            float t = 0.0f;
            for (long long s = 0; s < S; s++) t += partials[s * C + j];
            col[j] = decay * col[j] + (1.0f - decay) * (t / (float)R);
        }
    }
}

// 4. and 6. One block: *out = sum of x[0, n) / div (4: rMean = sum(row) / R; 6: ms = the partials' sum / 1).
F4_HD void one_block_sum(float* out, const float* x, int n, float div, float* sh) {
    Regs<float, 1, NT> a;
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        float t = 0.0f;
        for (int i = tid; i < n; i += NT) t += x[i];
        a(tid)[0] = t;
    }
    const float total = vec::block_sum<NT>(a, sh);
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        if (tid == 0) *out = total / div;
    }
}

// u at element k = i * C + j: factored (v == nullptr) g / sqrt(row[i] / rMean * col[j]), else g / sqrt(v[k]).
F4_HD float u_at(const float* g, const float* row, const float* col, const float* v, float r_mean, int C,
                 long long k) {
    if (v != nullptr) return g[k] / sqrtf(v[k]);
    const int i = (int)(k / C), j = (int)(k % C);
#if FLAN4J_OP_MUTATION == 15
    return g[k] / sqrtf(row[i] * col[j] + 0.0f * r_mean);
#else
    return g[k] / sqrtf(row[i] / r_mean * col[j]);
#endif
}

// 5. Block bx of gx: partials[bx] = sum of u^2 over elements bx * NT + tid + m * gx * NT; full (v != nullptr):
//    v[k] = decay v[k] + (1-decay) (g^2 + eps1) first. rMean is read from scalars[0] (factored only).
F4_HD void u_partial(float* partials, const float* g, const float* row, const float* col, float* v,
                     const float* scalars, int C, long long n, float decay, float eps1, int bx, int gx, float* sh) {
    Regs<float, 1, NT> a;
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        const float r_mean = v == nullptr ? scalars[0] : 1.0f;
        float t = 0.0f;
        for (long long k = (long long)bx * NT + tid; k < n; k += (long long)gx * NT) {
            if (v != nullptr) v[k] = decay * v[k] + (1.0f - decay) * (g[k] * g[k] + eps1);
            const float u = u_at(g, row, col, v, r_mean, C, k);
            t += u * u;
        }
        a(tid)[0] = t;
    }
    const float total = vec::block_sum<NT>(a, sh);
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        if (tid == 0) partials[bx] = total;
    }
}

// The update's divisor from ms = scalars[1]: max(1, sqrt(ms / n) / clip), in double.
F4_HD float clip_denominator(float ms, long long n, float clip) {
    const double rms_over_clip = sqrt((double)ms / (double)n) / (double)clip;
#if FLAN4J_OP_MUTATION == 14
    return (float)rms_over_clip;
#else
    return (float)(rms_over_clip > 1.0 ? rms_over_clip : 1.0);
#endif
}

// 7. Elements k = bx * NT + tid, + gx * NT, ...: param[k] -= lr (u / denom + wd param[k]).
F4_HD void apply(float* param, const float* g, const float* row, const float* col, const float* v,
                 const float* scalars, int C, long long n, float lr, float weight_decay, float clip, int bx, int gx) {
    F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
        const float r_mean = v == nullptr ? scalars[0] : 1.0f;
        const float denom = clip_denominator(scalars[1], n, clip);
        for (long long k = (long long)bx * NT + tid; k < n; k += (long long)gx * NT) {
            const float u = u_at(g, row, col, v, r_mean, C, k), p = param[k];
            param[k] = p - lr * (u / denom + weight_decay * p);
        }
    }
}

}  // namespace adafactor
}  // namespace flan4j
