// swiglu.cuh - the SwiGLU gate of the Llama MLP, forward and backward, written over the warp-primitive
// layer so that the host check (test/hostcheck_llama.cpp) runs the same text that nvcc compiles.
// swiglu.cu holds the kernels and launchers.
//
// inp [N, 2I]: each row is the gate projection g (columns [0, I)) then the up projection u ([I, 2I)).
//   forward:  out[r, j] = silu(g) * u,  silu(g) = g / (1 + exp(-g)) = g * sigmoid(g);  out [N, I]
//   backward: dinp[r, j] = dout * u * sig * (1 + g (1 - sig)),  dinp[r, I + j] = dout * g * sig  (overwritten)
// One thread handles V consecutive columns j of one row: V = 1 for any shape, or a 16-byte vector of E
// (4 fp32, 8 bf16) when I and every pointer allow it (the launcher decides).
#pragma once

#include "warp.cuh"

// Test hook for the host check only: 6: the gate gradient loses the derivative of sigmoid (dout * u * sig).
#ifndef FLAN4J_OP_MUTATION
#define FLAN4J_OP_MUTATION 0
#endif

namespace flan4j {
namespace vec {

using namespace warp;


template <typename E, int V>
struct Swiglu {
    static constexpr int NW = 8, NT = 256;
    F4_HD static void load(float* v, const void* base, long long i) { VecIO<E, V>::load(v, base, i); }
    F4_HD static void store(void* base, long long i, const float* v) { VecIO<E, V>::store(base, i, v); }

    // BACKWARD: out is dinp [N, 2I] and dout [N, I] is read; otherwise out [N, I] (dout unused).
    template <bool BACKWARD>
    F4_HD static void run(void* out, const void* inp, const void* dout, long long N, int I, int bx, int gx) {
        const int chunks = I / V;
        const long long items = N * chunks, stride = (long long)gx * NT;
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            for (long long it = (long long)bx * NT + tid; it < items; it += stride) {
                const long long row = it / chunks;
                const int j = (int)(it - row * chunks) * V;
                const long long gi = row * 2 * I + j, ui = gi + I, oi = row * I + j;
                float g[V], u[V], d[V];
                load(g, inp, gi);
                load(u, inp, ui);
                if (BACKWARD) load(d, dout, oi);
#pragma unroll
                for (int k = 0; k < V; k++) {
                    const float e1 = 1.0f + exp_f(-g[k]);  // as the CPU reference: g / (1 + exp(-g)) * u
                    if (BACKWARD) {
                        const float sig = 1.0f / e1;
#if FLAN4J_OP_MUTATION == 6
                        const float dg = d[k] * u[k] * sig;
#else
                        const float dg = d[k] * u[k] * sig * (1.0f + g[k] * (1.0f - sig));
#endif
                        u[k] = d[k] * g[k] * sig;
                        g[k] = dg;
                    } else {
                        g[k] = g[k] / e1 * u[k];
                    }
                }
                if (BACKWARD) {
                    store(out, gi, g);
                    store(out, ui, u);
                } else {
                    store(out, oi, g);
                }
            }
        }
    }
};

}  // namespace vec
}  // namespace flan4j
