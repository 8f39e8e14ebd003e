// layernorm_vec.cuh - layer norm / RMSNorm at memory bandwidth, written over the warp-primitive layer
// (warp.cuh) so that the host check runs the same bodies (native/test/hostcheck.cpp).
//
// One warp per row; the row is read once with 16-byte loads (4 fp32 or 8 bf16/fp16 per load) and stays
// in registers: lane l holds chunks l, l+32, ... (CH of them), so C <= CH * 32 * V. Mean and variance are
// two warp reductions over the registers (centred variance), the output one 16-byte store per chunk.
//
// Backward: dx per row from two warp reductions (sum of w*dy and of w*dy*xhat). dweight/dbias never use
// atomics: each warp sums dy*xhat and dy over a fixed, contiguous range of rows in registers and writes
// its partial row to a workspace; a second kernel adds the partials column by column in a fixed order
// (so the result is bitwise reproducible) and adds them into dweight/dbias.
//
// Requirements (the launcher falls back to the scalar kernels otherwise): C % V == 0, 16-byte aligned
// tensors, C <= CH_max * 32 * V.
#pragma once

#include "warp.cuh"

namespace flan4j {
namespace vec {

using namespace warp;

template <typename E, int CH>
struct LayerNormFwd {
    static constexpr int NW = 4, NT = 128, V = Vec16<E>::N;

    // RMS: out = x * rstd * w (mean not computed); otherwise out = (x - mean) * rstd * w + b.
    template <bool RMS>
    F4_HD static void run(void* out, float* mean, float* rstd, const void* inp, const float* weight,
                          const float* bias, long long N, int C, float eps, int bx) {
        using VE = Vec16<E>;
        constexpr int ES = V == 8 ? 2 : 4;  // element size in bytes
        F4_FOR_WARPS(w, NW) {
            const long long row = (long long)bx * NW + w;
            if (row < N) {  // warp-uniform
                Regs<float, CH * V, NT> x;
                Regs<float, 1, NT> s;
                F4_FOR_LANES(w, lane, tid) {
                    const unsigned char* xr = static_cast<const unsigned char*>(inp) + row * C * ES;
                    float a = 0.0f;
#pragma unroll
                    for (int ch = 0; ch < CH; ch++) {
                        const int col = (ch * 32 + lane) * V;
                        float* xv = x(tid) + ch * V;
                        if (col < C) {
                            VE::load(xv, xr + (long long)col * ES);
                        } else {
#pragma unroll
                            for (int i = 0; i < V; i++) xv[i] = 0.0f;
                        }
#pragma unroll
                        for (int i = 0; i < V; i++) a += RMS ? xv[i] * xv[i] : xv[i];
                    }
                    s(tid)[0] = a;
                }
                allreduce<false, 32>(s, 0, w);
                Regs<float, 1, NT> var;
                F4_FOR_LANES(w, lane, tid) {
                    const float m = RMS ? 0.0f : s(tid)[0] / C;
                    float a = 0.0f;
#pragma unroll
                    for (int ch = 0; ch < CH; ch++) {
                        if ((ch * 32 + lane) * V >= C) continue;
#pragma unroll
                        for (int i = 0; i < V; i++) {
                            const float d = x(tid)[ch * V + i] - m;
                            a += d * d;
                        }
                    }
                    var(tid)[0] = RMS ? s(tid)[0] : a;
                    s(tid)[0] = m;
                }
                if (!RMS) allreduce<false, 32>(var, 0, w);
                F4_FOR_LANES(w, lane, tid) {
                    const float m = s(tid)[0];
                    const float r = rsqrt_approx(var(tid)[0] / C + eps);
                    unsigned char* orow = static_cast<unsigned char*>(out) + row * C * ES;
#pragma unroll
                    for (int ch = 0; ch < CH; ch++) {
                        const int col = (ch * 32 + lane) * V;
                        if (col >= C) continue;
                        float y[V], wv[V], bv[V];
#pragma unroll
                        for (int i = 0; i < V; i += 4) {
                            Vec16<F32>::load(wv + i, weight + col + i);
                            if (!RMS && bias)
                                Vec16<F32>::load(bv + i, bias + col + i);
                            else
                                for (int j = 0; j < 4; j++) bv[i + j] = 0.0f;
                        }
#pragma unroll
                        for (int i = 0; i < V; i++) y[i] = (x(tid)[ch * V + i] - m) * r * wv[i] + bv[i];
                        VE::store(orow + (long long)col * ES, y);
                    }
                    if (lane == 0) {
                        if (!RMS && mean) mean[row] = m;
                        if (rstd) rstd[row] = r;
                    }
                }
            }
        }
    }
};

// Rows per warp in the backward: fixed by N alone (never by the GPU), so the partial sums and their order
// are the same on every device. At most kMaxPartials partial rows.
constexpr int kMaxPartials = 1024;
F4_HD long long ln_rows_per_warp(long long N) {
    const long long r = (N + kMaxPartials - 1) / kMaxPartials;
    return r < 16 ? 16 : r;
}
F4_HD int ln_partials(long long N) { return (int)((N + ln_rows_per_warp(N) - 1) / ln_rows_per_warp(N)); }

template <typename E, int CH, bool RMS>
struct LayerNormBwd {
    static constexpr int NW = 4, NT = 128, V = Vec16<E>::N;

    // Block bx, warp w is partial number bx*NW + w: rows [p*RPW, (p+1)*RPW). Writes dx (or adds to it
    // when accumulate) and the partial row sums part_dw[p][C], part_db[p][C] (part_db unused for RMS).
    F4_HD static void run(void* dinp, float* part_dw, float* part_db, const void* dout, const void* inp,
                          const float* weight, const float* mean, const float* rstd, long long N, int C,
                          int accumulate, int bx) {
        using VE = Vec16<E>;
        constexpr int ES = V == 8 ? 2 : 4;
        const long long rpw = ln_rows_per_warp(N);
        const int np = ln_partials(N);
        F4_FOR_WARPS(w, NW) {
            const int part = bx * NW + w;
            if (part < np) {
                Regs<float, CH * V, NT> dw, db;
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int i = 0; i < CH * V; i++) dw(tid)[i] = db(tid)[i] = 0.0f;
                }
                const long long r1 = (part + 1) * rpw < N ? (part + 1) * rpw : N;
                for (long long row = part * rpw; row < r1; row++) {
                    Regs<float, CH * V, NT> xh, g;  // xhat, w * dy
                    Regs<float, 2, NT> s;
                    F4_FOR_LANES(w, lane, tid) {
                        const unsigned char* xr = static_cast<const unsigned char*>(inp) + row * C * ES;
                        const unsigned char* dr = static_cast<const unsigned char*>(dout) + row * C * ES;
                        const float m = RMS ? 0.0f : mean[row], r = rstd[row];
                        float a = 0.0f, b = 0.0f;
#pragma unroll
                        for (int ch = 0; ch < CH; ch++) {
                            const int col = (ch * 32 + lane) * V;
                            float* xv = xh(tid) + ch * V;
                            float* gv = g(tid) + ch * V;
                            if (col >= C) {
#pragma unroll
                                for (int i = 0; i < V; i++) xv[i] = gv[i] = 0.0f;
                                continue;
                            }
                            float dy[V], wv[V];
                            VE::load(xv, xr + (long long)col * ES);
                            VE::load(dy, dr + (long long)col * ES);
#pragma unroll
                            for (int i = 0; i < V; i += 4) Vec16<F32>::load(wv + i, weight + col + i);
#pragma unroll
                            for (int i = 0; i < V; i++) {
                                xv[i] = (xv[i] - m) * r;
                                gv[i] = wv[i] * dy[i];
                                dw(tid)[ch * V + i] += dy[i] * xv[i];
                                db(tid)[ch * V + i] += dy[i];
                                a += gv[i];
                                b += gv[i] * xv[i];
                            }
                        }
                        s(tid)[0] = a;
                        s(tid)[1] = b;
                    }
                    allreduce<false, 32>(s, 0, w);
                    allreduce<false, 32>(s, 1, w);
                    F4_FOR_LANES(w, lane, tid) {
                        unsigned char* xr = static_cast<unsigned char*>(dinp) + row * C * ES;
                        const float r = rstd[row];
                        const float mg = RMS ? 0.0f : s(tid)[0] / C, mgx = s(tid)[1] / C;
#pragma unroll
                        for (int ch = 0; ch < CH; ch++) {
                            const int col = (ch * 32 + lane) * V;
                            if (col >= C) continue;
                            float dx[V], old[V];
                            if (accumulate) VE::load(old, xr + (long long)col * ES);
#pragma unroll
                            for (int i = 0; i < V; i++) {
                                dx[i] = r * (g(tid)[ch * V + i] - mg - xh(tid)[ch * V + i] * mgx);
                                if (accumulate) dx[i] += old[i];
                            }
                            VE::store(xr + (long long)col * ES, dx);
                        }
                    }
                }
                F4_FOR_LANES(w, lane, tid) {
#pragma unroll
                    for (int ch = 0; ch < CH; ch++) {
                        const int col = (ch * 32 + lane) * V;
                        if (col >= C) continue;
#pragma unroll
                        for (int i = 0; i < V; i += 4) {
                            Vec16<F32>::store(part_dw + (long long)part * C + col + i, dw(tid) + ch * V + i);
                            if (!RMS) Vec16<F32>::store(part_db + (long long)part * C + col + i, db(tid) + ch * V + i);
                        }
                    }
                }
            }
        }
    }
};

// dweight[c] += sum_p part_dw[p][c] (and dbias), p in increasing order. One thread per column.
struct LayerNormReduce {
    static constexpr int NW = 4, NT = 128;
    F4_HD static void run(float* dweight, float* dbias, const float* part_dw, const float* part_db, int np, int C,
                          int bx) {
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            const int c = bx * NT + tid;
            if (c < C) {
                float a = 0.0f, b = 0.0f;
                for (int p = 0; p < np; p++) {
                    a += part_dw[(long long)p * C + c];
                    if (dbias) b += part_db[(long long)p * C + c];
                }
                dweight[c] += a;
                if (dbias) dbias[c] += b;
            }
        }
    }
};

}  // namespace vec
}  // namespace flan4j
