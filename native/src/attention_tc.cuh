// attention_tc.cuh - tensor-core fused attention (bf16 / fp16 in, fp32 accumulate), FlashAttention-2 style,
// written over the warp-primitive layer (warp.cuh) so that the same bodies compile for the GPU
// (attention_tc_*.cu) and for the host check (native/test/hostcheck.cpp).
//
// Forward, one block of 4 warps per (64-row query tile, query head, sequence): the Q tile goes to
// registers as mma A fragments (ldmatrix); K/V tiles of 64 rows stream through two shared-memory buffers
// filled with cp.async (tile j+1 loads while tile j computes). Per K/V tile each warp computes its 16x64
// block of S = Q K^T with mma.sync m16n8k16, masks it, updates the online softmax (running max and sum
// per row, quad shuffles), turns P into A fragments IN REGISTERS (the accumulator layout of two adjacent
// n8 tiles is the A layout of one k16 step) and accumulates O += P V (V via ldmatrix.trans). Causal blocks
// stop at the diagonal tile. Writes O (input dtype) and lse [NH, total_tokens] fp32.
//
// Backward, one block of 4 warps per (64-row key tile, kv head, sequence): K and V stay in shared memory,
// each warp owns 16 keys and keeps dK, dV for them in registers. The block loops over the query heads of
// its GQA group and over the query tiles that can see its keys, double-buffering Q and dO with cp.async.
// Per query tile each warp computes S^T = K Q^T and dP^T = V dO^T (16 keys x BR queries), P^T and
// dS^T = P^T (dP^T - D), accumulates dV += P^T dO and dK += dS^T Q from register fragments, and stores
// dS (16-bit) to shared memory; after a barrier each warp computes a quarter of the head dims of
// dQ = dS K and adds it to the fp32 dq with atomics. D = rowsum(dO * O) comes from a pre-pass, which
// also zeroes dq. dK, dV are written once, in the input dtype.
//
// Sequences: cu_seqlens (packed rows, block-diagonal attention) or fixed T, as in the fp32 kernels.
// Requirements (checked by the launcher): HD in {64, 128}, 16-byte aligned q/k/v/o/dout/dk/dv, row and
// head strides multiples of 8 elements.
#pragma once

#include "flan4j/flan4j.h"
#include "warp.cuh"

namespace flan4j {
namespace tc {

using namespace warp;

// Test hook for the host check only (never defined in the library build): a deliberate bug, to show the
// check fails. 1: P fragment registers 1 and 2 swapped; 2: causal mask off by one; 3: wrong ldmatrix row
// for K (matrices 1 and 2 exchanged).
#ifndef FLAN4J_TC_MUTATION
#define FLAN4J_TC_MUTATION 0
#endif

constexpr float kLog2e = 1.4426950408889634f;

F4_HD void tc_seq_bounds(const flan4j_attention_params& p, int b, int* start, int* len) {
    if (p.cu_seqlens) {
        *start = p.cu_seqlens[b];
        *len = p.cu_seqlens[b + 1] - p.cu_seqlens[b];
    } else {
        *start = b * p.T;
        *len = p.T;
    }
}

F4_HD bool tc_visible(int key, int query, int len, bool causal) {
#if FLAN4J_TC_MUTATION == 2
    return key < len && query < len && (!causal || key < query);
#else
    return key < len && query < len && (!causal || key <= query);
#endif
}

// Copy rows [row0, row0 + R) of a [tokens, HD] 16-bit matrix (rows `stride` elements apart) to a shared
// tile with row pitch LDS, zero-filling rows at or past `len`. Called by every thread of an NT block.
template <int R, int HD, int LDS, int NT>
F4_HD void tc_load_tile(uint16_t* dst, const uint16_t* base, long long stride, int row0, int len, int tid) {
    constexpr int CPR = HD / 8;  // 16-byte chunks per row
    for (int c = tid; c < R * CPR; c += NT) {
        const int r = c / CPR, col = (c % CPR) * 8;
        const bool ok = row0 + r < len;
        const uint16_t* src = base + (ok ? (long long)(row0 + r) * stride + col : 0);
        cp_async16(dst + r * LDS + col, src, ok, tid);
    }
}

// ldmatrix row address for a 16x16 A operand (rows r0.., cols c0..) stored row-major with pitch LDS:
// matrices (rows 0-7, cols 0-7), (rows 8-15, cols 0-7), (rows 0-7, cols 8-15), (rows 8-15, cols 8-15)
// are A registers 0..3.
F4_HD const uint16_t* tc_a_rows(const uint16_t* s, int LDS, int r0, int c0, int lane) {
    const int m = lane >> 3, r = lane & 7;
    return s + (r0 + r + (m & 1) * 8) * LDS + c0 + (m >> 1) * 8;
}
// ldmatrix row address for the B operands of two n8 tiles (n0, n0+8) over k16 (k0..) when B^T is stored
// row-major (rows = n, cols = k): matrices (n 0-7, k 0-7), (n 0-7, k 8-15), (n 8-15, k 0-7), (n 8-15, k 8-15)
// are b0, b1 of tile n0 and b0, b1 of tile n0+8 (ldmatrix without .trans).
F4_HD const uint16_t* tc_bt_rows(const uint16_t* s, int LDS, int n0, int k0, int lane) {
    const int m = lane >> 3, r = lane & 7;
#if FLAN4J_TC_MUTATION == 3
    return s + (n0 + r + (m & 1) * 8) * LDS + k0 + (m >> 1) * 8;
#else
    return s + (n0 + r + (m >> 1) * 8) * LDS + k0 + (m & 1) * 8;
#endif
}
// ldmatrix.trans row address for the B operands of two n8 tiles (n0, n0+8) over k16 (k0..) when B is
// stored row-major (rows = k, cols = n): matrices (k 0-7, n 0-7), (k 8-15, n 0-7), (k 0-7, n 8-15),
// (k 8-15, n 8-15) are b0, b1 of tile n0 and b0, b1 of tile n0+8.
F4_HD const uint16_t* tc_b_rows(const uint16_t* s, int LDS, int k0, int n0, int lane) {
    const int m = lane >> 3, r = lane & 7;
    return s + (k0 + r + (m & 1) * 8) * LDS + n0 + (m >> 1) * 8;
}

// Accumulators of n8 tiles 2k and 2k+1 (rows g, g+8 of a 16-row block) -> the A fragment of k16 step k.
template <typename E, int NS, int NP, int NT>
F4_HD void tc_acc_to_a(Regs<uint32_t, NP, NT>& a, const Regs<float, NS, NT>& s, int tid) {
#pragma unroll
    for (int k = 0; k < NS / 8; k++) {
        const float* x = s(tid) + 8 * k;  // tile 2k: x[0..3], tile 2k+1: x[4..7]
        uint32_t* y = a(tid) + 4 * k;
        y[0] = pack2<E>(x[0], x[1]);
#if FLAN4J_TC_MUTATION == 1
        y[2] = pack2<E>(x[2], x[3]);
        y[1] = pack2<E>(x[4], x[5]);
#else
        y[1] = pack2<E>(x[2], x[3]);
        y[2] = pack2<E>(x[4], x[5]);
#endif
        y[3] = pack2<E>(x[6], x[7]);
    }
}

// ====================================================================== forward

template <typename E, int HD, bool CAUSAL>
struct AttnFwd {
    static constexpr int BR = 64, BC = 64, NW = 4, NT = 128;
    static constexpr int LDS = HD + 8;  // row pitch in elements: 16-byte aligned rows, no ldmatrix bank conflicts
    static constexpr int kSmemBytes = (BR + 4 * BC) * LDS * 2;

    F4_HD static void run(const flan4j_attention_params& p, int bx, int by, int bz, unsigned char* smem) {
        int start, len;
        tc_seq_bounds(p, bz, &start, &len);
        const int q0 = bx * BR;
        if (q0 >= len) return;
        const int h = by, hk = h / (p.NH / p.NH_kv);
        uint16_t* Qs = reinterpret_cast<uint16_t*>(smem);
        uint16_t* Ks = Qs + BR * LDS;       // [2][BC][LDS]
        uint16_t* Vs = Ks + 2 * BC * LDS;   // [2][BC][LDS]
        const uint16_t* q = static_cast<const uint16_t*>(p.q) + (long long)start * p.q_row_stride + (long long)h * p.q_head_stride;
        const uint16_t* k = static_cast<const uint16_t*>(p.k) + (long long)start * p.k_row_stride + (long long)hk * p.k_head_stride;
        const uint16_t* v = static_cast<const uint16_t*>(p.v) + (long long)start * p.v_row_stride + (long long)hk * p.v_head_stride;
        const int k_end = CAUSAL ? (q0 + BR < len ? q0 + BR : len) : len;
        const int n_tiles = (k_end + BC - 1) / BC;
        const float sl2 = p.softmax_scale * kLog2e;

        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            tc_load_tile<BR, HD, LDS, NT>(Qs, q, p.q_row_stride, q0, len, tid);
            tc_load_tile<BC, HD, LDS, NT>(Ks, k, p.k_row_stride, 0, len, tid);
            tc_load_tile<BC, HD, LDS, NT>(Vs, v, p.v_row_stride, 0, len, tid);
            cp_async_commit(tid);
            cp_async_wait<0>(tid);
        }
        block_sync();

        Regs<uint32_t, HD / 4, NT> qf;    // A fragments of the warp's 16 query rows, HD/16 k-steps
        Regs<float, HD / 2, NT> o;        // O accumulators: HD/8 n8 tiles x 4
        Regs<float, 2, NT> m, l;          // running max (log2 domain) and this thread's partial sum, rows g, g+8
        F4_FOR_WARPS(w, NW) {
#pragma unroll
            for (int kk = 0; kk < HD / 16; kk++)
                ldsm_x4<false>(qf, 4 * kk, w, [&](int ln) { return tc_a_rows(Qs, LDS, 16 * w, 16 * kk, ln); });
            F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                for (int i = 0; i < HD / 2; i++) o(tid)[i] = 0.0f;
                m(tid)[0] = m(tid)[1] = -INFINITY;
                l(tid)[0] = l(tid)[1] = 0.0f;
            }
        }

        for (int j = 0; j < n_tiles; j++) {
            block_sync();  // tile j visible to all; buffer (j+1)&1 no longer read
            const int buf = j & 1;
            F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
                if (j + 1 < n_tiles) {
                    tc_load_tile<BC, HD, LDS, NT>(Ks + (buf ^ 1) * BC * LDS, k, p.k_row_stride, (j + 1) * BC, len, tid);
                    tc_load_tile<BC, HD, LDS, NT>(Vs + (buf ^ 1) * BC * LDS, v, p.v_row_stride, (j + 1) * BC, len, tid);
                }
                cp_async_commit(tid);
            }
            const uint16_t* Kb = Ks + buf * BC * LDS;
            const uint16_t* Vb = Vs + buf * BC * LDS;
            const int k0 = j * BC;
            F4_FOR_WARPS(w, NW) {
                Regs<float, BC / 2, NT> s;  // S: BC/8 n8 tiles x 4
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int i = 0; i < BC / 2; i++) s(tid)[i] = 0.0f;
                }
#pragma unroll
                for (int kk = 0; kk < HD / 16; kk++) {
#pragma unroll
                    for (int nn = 0; nn < BC / 16; nn++) {
                        Regs<uint32_t, 4, NT> kb;
                        ldsm_x4<false>(kb, 0, w, [&](int ln) { return tc_bt_rows(Kb, LDS, 16 * nn, 16 * kk, ln); });
                        mma16816<E>(s, 8 * nn, qf, 4 * kk, kb, 0, w);
                        mma16816<E>(s, 8 * nn + 4, qf, 4 * kk, kb, 2, w);
                    }
                }
                Regs<float, 2, NT> mx;  // tile row max (log2 domain), rows g and g+8
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int hf = 0; hf < 2; hf++) {
                        const int row = q0 + 16 * w + (lane >> 2) + 8 * hf;
                        float x = -INFINITY;
#pragma unroll
                        for (int n = 0; n < BC / 8; n++)
#pragma unroll
                            for (int e = 0; e < 2; e++) {
                                float& sv = s(tid)[4 * n + 2 * hf + e];
                                const int col = k0 + 8 * n + c_col(lane, e);
                                sv = tc_visible(col, row < len ? row : 0, len, CAUSAL) ? sv * sl2 : -INFINITY;
                                x = fmaxf(x, sv);
                            }
                        mx(tid)[hf] = x;
                    }
                }
                allreduce<true, 4>(mx, 0, w);
                allreduce<true, 4>(mx, 1, w);
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int hf = 0; hf < 2; hf++) {
                        const float mnew = fmaxf(m(tid)[hf], mx(tid)[hf]);
                        const float base = mnew == -INFINITY ? 0.0f : mnew;  // row with nothing visible yet
                        const float alpha = exp2_approx(m(tid)[hf] - base);
                        m(tid)[hf] = mnew;
                        float sum = 0.0f;
#pragma unroll
                        for (int n = 0; n < BC / 8; n++)
#pragma unroll
                            for (int e = 0; e < 2; e++) {
                                float& sv = s(tid)[4 * n + 2 * hf + e];
                                sv = exp2_approx(sv - base);
                                sum += sv;
                            }
                        l(tid)[hf] = l(tid)[hf] * alpha + sum;
#pragma unroll
                        for (int n = 0; n < HD / 8; n++) {
                            o(tid)[4 * n + 2 * hf] *= alpha;
                            o(tid)[4 * n + 2 * hf + 1] *= alpha;
                        }
                    }
                }
                Regs<uint32_t, BC / 4, NT> pf;  // P as A fragments, BC/16 k-steps
                F4_FOR_LANES(w, lane, tid) { tc_acc_to_a<E>(pf, s, tid); }
#pragma unroll
                for (int kk = 0; kk < BC / 16; kk++) {
#pragma unroll
                    for (int dn = 0; dn < HD / 16; dn++) {
                        Regs<uint32_t, 4, NT> vb;
                        ldsm_x4<true>(vb, 0, w, [&](int ln) { return tc_b_rows(Vb, LDS, 16 * kk, 16 * dn, ln); });
                        mma16816<E>(o, 8 * dn, pf, 4 * kk, vb, 0, w);
                        mma16816<E>(o, 8 * dn + 4, pf, 4 * kk, vb, 2, w);
                    }
                }
            }
            F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) { cp_async_wait<0>(tid); }
        }

        F4_FOR_WARPS(w, NW) {
            allreduce<false, 4>(l, 0, w);
            allreduce<false, 4>(l, 1, w);
            F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                for (int hf = 0; hf < 2; hf++) {
                    const int row = q0 + 16 * w + (lane >> 2) + 8 * hf;
                    if (row >= len) continue;
                    const float sum = l(tid)[hf];
                    const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
                    uint16_t* orow = static_cast<uint16_t*>(p.o) + (long long)(start + row) * p.o_row_stride +
                                     (long long)h * p.o_head_stride;
#pragma unroll
                    for (int n = 0; n < HD / 8; n++) {
                        const int col = 8 * n + c_col(lane, 0);
                        *reinterpret_cast<uint32_t*>(orow + col) =
                            pack2<E>(o(tid)[4 * n + 2 * hf] * inv, o(tid)[4 * n + 2 * hf + 1] * inv);
                    }
                    p.lse[(long long)h * p.total_tokens + start + row] =
                        sum > 0.0f ? m(tid)[hf] / kLog2e + logf(sum) : -INFINITY;
                }
            }
        }
    }
};

// ====================================================================== backward pre-pass

// delta[h, t] = sum_d dO[t, h, d] * O[t, h, d] (fp32) and dq[t, h, :] = 0. One warp per (token, head).
template <typename E>
struct AttnBwdPrepass {
    static constexpr int NW = 4, NT = 128;

    F4_HD static void run(const flan4j_attention_params& p, int bx) {
        F4_FOR_WARPS(w, NW) {
            const long long item = (long long)bx * NW + w;
            const bool live = item < (long long)p.total_tokens * p.NH;  // warp-uniform
            const long long tok = live ? item / p.NH : 0;
            const int h = live ? (int)(item % p.NH) : 0;
            Regs<float, 1, NT> acc;
            F4_FOR_LANES(w, lane, tid) {
                const uint16_t* o = static_cast<const uint16_t*>(p.o) + tok * p.o_row_stride + (long long)h * p.o_head_stride;
                const uint16_t* d = static_cast<const uint16_t*>(p.dout) + tok * p.do_row_stride + (long long)h * p.do_head_stride;
                float* dq = static_cast<float*>(p.dq) + tok * p.dq_row_stride + (long long)h * p.dq_head_stride;
                float s = 0.0f;
                for (int c = 2 * lane; live && c < p.HD; c += 64) {
                    const uint32_t ov = *reinterpret_cast<const uint32_t*>(o + c);
                    const uint32_t dv = *reinterpret_cast<const uint32_t*>(d + c);
                    s += to_f32<E>((uint16_t)ov) * to_f32<E>((uint16_t)dv) +
                         to_f32<E>((uint16_t)(ov >> 16)) * to_f32<E>((uint16_t)(dv >> 16));
                    dq[c] = 0.0f;
                    dq[c + 1] = 0.0f;
                }
                acc(tid)[0] = s;
            }
            allreduce<false, 32>(acc, 0, w);
            F4_FOR_LANES(w, lane, tid) {
                if (live && lane == 0) p.delta[(long long)h * p.total_tokens + tok] = acc(tid)[0];
            }
        }
    }
};

// ====================================================================== backward

template <typename E, int HD, bool CAUSAL>
struct AttnBwd {
    static constexpr int BC = 64, BR = HD <= 64 ? 32 : 16, NW = 4, NT = 128;
    static constexpr int LDS = HD + 8;
    static constexpr int LDD = BC + 8;  // dS tile [BR][BC] pitch
    static constexpr int DQW = HD / NW;  // head dims of dQ per warp
    static constexpr int kSmemBytes = (2 * BC * LDS + 4 * BR * LDS + BR * LDD) * 2;

    F4_HD static void run(const flan4j_attention_params& p, int bx, int by, int bz, unsigned char* smem) {
        int start, len;
        tc_seq_bounds(p, bz, &start, &len);
        const int k0 = bx * BC;
        if (k0 >= len) return;
        const int hk = by, group = p.NH / p.NH_kv;
        uint16_t* Ks = reinterpret_cast<uint16_t*>(smem);
        uint16_t* Vs = Ks + BC * LDS;
        uint16_t* Qs = Vs + BC * LDS;     // [2][BR][LDS]
        uint16_t* dOs = Qs + 2 * BR * LDS;  // [2][BR][LDS]
        uint16_t* dSs = dOs + 2 * BR * LDS; // [BR][LDD]
        const uint16_t* k = static_cast<const uint16_t*>(p.k) + (long long)start * p.k_row_stride + (long long)hk * p.k_head_stride;
        const uint16_t* v = static_cast<const uint16_t*>(p.v) + (long long)start * p.v_row_stride + (long long)hk * p.v_head_stride;
        const int qt_begin = CAUSAL ? k0 / BR : 0;
        const int qt_count = (len + BR - 1) / BR - qt_begin;
        const int n_iter = group * qt_count;
        const float sl2 = p.softmax_scale * kLog2e;

        // iteration it: query head hk*group + it / qt_count, query tile qt_begin + it % qt_count
        auto load_q = [&](int it, int buf, int tid) {
            const int h = hk * group + it / qt_count, q0 = (qt_begin + it % qt_count) * BR;
            const uint16_t* q = static_cast<const uint16_t*>(p.q) + (long long)start * p.q_row_stride + (long long)h * p.q_head_stride;
            const uint16_t* d = static_cast<const uint16_t*>(p.dout) + (long long)start * p.do_row_stride + (long long)h * p.do_head_stride;
            tc_load_tile<BR, HD, LDS, NT>(Qs + buf * BR * LDS, q, p.q_row_stride, q0, len, tid);
            tc_load_tile<BR, HD, LDS, NT>(dOs + buf * BR * LDS, d, p.do_row_stride, q0, len, tid);
        };

        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            tc_load_tile<BC, HD, LDS, NT>(Ks, k, p.k_row_stride, k0, len, tid);
            tc_load_tile<BC, HD, LDS, NT>(Vs, v, p.v_row_stride, k0, len, tid);
            if (n_iter > 0) load_q(0, 0, tid);
            cp_async_commit(tid);
            cp_async_wait<0>(tid);
        }

        Regs<float, HD / 2, NT> dk, dv;  // the warp's 16 keys x HD
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
#pragma unroll
            for (int i = 0; i < HD / 2; i++) dk(tid)[i] = dv(tid)[i] = 0.0f;
        }

        for (int it = 0; it < n_iter; it++) {
            block_sync();  // Q/dO tile `it` visible; the other buffer and dS no longer read
            const int buf = it & 1;
            const int h = hk * group + it / qt_count, q0 = (qt_begin + it % qt_count) * BR;
            F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
                if (it + 1 < n_iter) load_q(it + 1, buf ^ 1, tid);
                cp_async_commit(tid);
            }
            const uint16_t* Qb = Qs + buf * BR * LDS;
            const uint16_t* dOb = dOs + buf * BR * LDS;
            const float* lse = p.lse + (long long)h * p.total_tokens + start;
            const float* delta = p.delta + (long long)h * p.total_tokens + start;
            F4_FOR_WARPS(w, NW) {
                Regs<float, BR / 2, NT> s, dp;  // S^T and dP^T: 16 keys x BR queries
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int i = 0; i < BR / 2; i++) s(tid)[i] = dp(tid)[i] = 0.0f;
                }
#pragma unroll 1
                for (int kk = 0; kk < HD / 16; kk++) {
                    Regs<uint32_t, 4, NT> ka, va;
                    ldsm_x4<false>(ka, 0, w, [&](int ln) { return tc_a_rows(Ks, LDS, 16 * w, 16 * kk, ln); });
                    ldsm_x4<false>(va, 0, w, [&](int ln) { return tc_a_rows(Vs, LDS, 16 * w, 16 * kk, ln); });
#pragma unroll
                    for (int nn = 0; nn < BR / 16; nn++) {
                        Regs<uint32_t, 4, NT> qb, db;
                        ldsm_x4<false>(qb, 0, w, [&](int ln) { return tc_bt_rows(Qb, LDS, 16 * nn, 16 * kk, ln); });
                        ldsm_x4<false>(db, 0, w, [&](int ln) { return tc_bt_rows(dOb, LDS, 16 * nn, 16 * kk, ln); });
                        mma16816<E>(s, 8 * nn, ka, 0, qb, 0, w);
                        mma16816<E>(s, 8 * nn + 4, ka, 0, qb, 2, w);
                        mma16816<E>(dp, 8 * nn, va, 0, db, 0, w);
                        mma16816<E>(dp, 8 * nn + 4, va, 0, db, 2, w);
                    }
                }
                // P^T = exp(S^T scale - lse), dS^T = P^T (dP^T - D); dS (16-bit) to shared as [query][key]
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int n = 0; n < BR / 8; n++)
#pragma unroll
                        for (int e = 0; e < 2; e++) {
                            const int qc = 8 * n + c_col(lane, e), qpos = q0 + qc;
                            const float L = qpos < len ? lse[qpos] * kLog2e : 0.0f;
                            const float D = qpos < len ? delta[qpos] : 0.0f;
#pragma unroll
                            for (int hf = 0; hf < 2; hf++) {
                                const int i = 4 * n + 2 * hf + e;
                                const int kr = 16 * w + c_row(lane, 2 * hf);
                                const float pv = tc_visible(k0 + kr, qpos, len, CAUSAL) ? exp2_approx(s(tid)[i] * sl2 - L) : 0.0f;
                                const float ds = pv * (dp(tid)[i] - D);
                                s(tid)[i] = pv;
                                dp(tid)[i] = ds;
                                dSs[qc * LDD + kr] = from_f32<E>(ds);
                            }
                        }
                }
                Regs<uint32_t, BR / 4, NT> pa, dsa;  // P^T, dS^T as A fragments (k = queries)
                F4_FOR_LANES(w, lane, tid) {
                    tc_acc_to_a<E>(pa, s, tid);
                    tc_acc_to_a<E>(dsa, dp, tid);
                }
#pragma unroll
                for (int kk = 0; kk < BR / 16; kk++) {
#pragma unroll
                    for (int dn = 0; dn < HD / 16; dn++) {
                        Regs<uint32_t, 4, NT> ob, qb;
                        ldsm_x4<true>(ob, 0, w, [&](int ln) { return tc_b_rows(dOb, LDS, 16 * kk, 16 * dn, ln); });
                        ldsm_x4<true>(qb, 0, w, [&](int ln) { return tc_b_rows(Qb, LDS, 16 * kk, 16 * dn, ln); });
                        mma16816<E>(dv, 8 * dn, pa, 4 * kk, ob, 0, w);
                        mma16816<E>(dv, 8 * dn + 4, pa, 4 * kk, ob, 2, w);
                        mma16816<E>(dk, 8 * dn, dsa, 4 * kk, qb, 0, w);
                        mma16816<E>(dk, 8 * dn + 4, dsa, 4 * kk, qb, 2, w);
                    }
                }
            }
            block_sync();  // dS complete
            // dQ[:, w*DQW .. +DQW] += scale * dS K
            F4_FOR_WARPS(w, NW) {
                Regs<float, BR / 16 * DQW / 8 * 4, NT> dq;
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int i = 0; i < BR / 16 * DQW / 8 * 4; i++) dq(tid)[i] = 0.0f;
                }
#pragma unroll 1
                for (int kk = 0; kk < BC / 16; kk++) {
#pragma unroll
                    for (int mt = 0; mt < BR / 16; mt++) {
                        Regs<uint32_t, 4, NT> da;
                        ldsm_x4<false>(da, 0, w, [&](int ln) { return tc_a_rows(dSs, LDD, 16 * mt, 16 * kk, ln); });
#pragma unroll
                        for (int dn = 0; dn < DQW / 16; dn++) {
                            Regs<uint32_t, 4, NT> kb;
                            ldsm_x4<true>(kb, 0, w, [&](int ln) { return tc_b_rows(Ks, LDS, 16 * kk, w * DQW + 16 * dn, ln); });
                            mma16816<E>(dq, (mt * DQW / 8 + 2 * dn) * 4, da, 0, kb, 0, w);
                            mma16816<E>(dq, (mt * DQW / 8 + 2 * dn + 1) * 4, da, 0, kb, 2, w);
                        }
                    }
                }
                F4_FOR_LANES(w, lane, tid) {
                    float* dqh = static_cast<float*>(p.dq) + (long long)start * p.dq_row_stride + (long long)h * p.dq_head_stride;
#pragma unroll
                    for (int mt = 0; mt < BR / 16; mt++)
#pragma unroll
                        for (int n = 0; n < DQW / 8; n++)
#pragma unroll
                            for (int i = 0; i < 4; i++) {
                                const int row = q0 + 16 * mt + c_row(lane, i);
                                if (row < len)
                                    atomic_add(dqh + (long long)row * p.dq_row_stride + w * DQW + 8 * n + c_col(lane, i),
                                               dq(tid)[(mt * DQW / 8 + n) * 4 + i] * p.softmax_scale);
                            }
                }
            }
            F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) { cp_async_wait<0>(tid); }
        }

        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            uint16_t* dkp = static_cast<uint16_t*>(p.dk) + (long long)start * p.dk_row_stride + (long long)hk * p.dk_head_stride;
            uint16_t* dvp = static_cast<uint16_t*>(p.dv) + (long long)start * p.dv_row_stride + (long long)hk * p.dv_head_stride;
#pragma unroll
            for (int hf = 0; hf < 2; hf++) {
                const int key = k0 + 16 * w + c_row(lane, 2 * hf);
                if (key >= len) continue;
#pragma unroll
                for (int n = 0; n < HD / 8; n++) {
                    const int col = 8 * n + c_col(lane, 0);
                    const float* a = dk(tid) + 4 * n + 2 * hf;
                    const float* b = dv(tid) + 4 * n + 2 * hf;
                    *reinterpret_cast<uint32_t*>(dkp + (long long)key * p.dk_row_stride + col) =
                        pack2<E>(a[0] * p.softmax_scale, a[1] * p.softmax_scale);
                    *reinterpret_cast<uint32_t*>(dvp + (long long)key * p.dv_row_stride + col) = pack2<E>(b[0], b[1]);
                }
            }
        }
    }
};

}  // namespace tc
}  // namespace flan4j
