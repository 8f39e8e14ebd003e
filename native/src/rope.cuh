// rope.cuh - rotary position embeddings in the Hugging Face (Llama) rotate-half layout, forward and
// backward, written over the warp-primitive layer so that the host check (test/hostcheck_llama.cpp) runs
// the same text that nvcc compiles. rope.cu holds the kernels and launchers.
//
// Row i of x ([N, row_width]) holds heads h < n_heads of head_dim columns from column 0; in each head the
// first half x1 = [0, half) and the second half x2 = [half, head_dim) pair up element by element (column j
// with column half + j, not 2j with 2j+1) and turn by the angle of position p = positions[i]:
//   x1' = x1 cos - x2 sin,  x2' = x2 cos + x1 sin,   cos/sin [t_max, half] fp32, entry (p, j).
// The backward applies the inverse rotation (sin negated) to dx: the rotation is orthogonal.
// One thread handles V consecutive pairs of one head: V = 1 for any shape, or a 16-byte vector of E
// (4 fp32, 8 bf16) when half, row_width and every pointer allow it (the launcher decides).
#pragma once

#include "warp.cuh"

// Test hook for the host check only (never defined in the library build): a deliberate bug, to show the
// check fails. 4: the forward rotates by minus the angle (sign convention swapped); 5: position ids ignored
// (row index used, as if every row were a new token at position i); 7: interleaved pairs (2j, 2j+1), the
// GPT-J / original Meta layout, instead of rotate-half (one-element path only).
#ifndef FLAN4J_OP_MUTATION
#define FLAN4J_OP_MUTATION 0
#endif

namespace flan4j {
namespace vec {

using namespace warp;

struct RopeArgs {
    void* x;                // [N, row_width] of E, rotated in place
    const float* cos;       // [t_max, half]
    const float* sin;       // [t_max, half]
    const int* positions;   // [N]
    long long N, row_width;
    int n_heads, head_dim, t_max;
    int inverse;            // 0: forward; 1: backward (rotation by -angle)
};

template <typename E, int V>
struct Rope {
    static constexpr int NW = 8, NT = 256;
    F4_HD static void load(float* v, const void* base, long long i) { VecIO<E, V>::load(v, base, i); }
    F4_HD static void store(void* base, long long i, const float* v) { VecIO<E, V>::store(base, i, v); }
    F4_HD static void load_table(float* v, const float* t) {
        if (V == 1)
            v[0] = t[0];
        else
            for (int k = 0; k < V; k += 4) Vec16<F32>::load(v + k, t + k);
    }

    // Grid-stride over (row, head, chunk of V pairs).
    F4_HD static void run(const RopeArgs& a, int bx, int gx) {
        const int half = a.head_dim / 2, chunks = half / V;
        const long long per_row = (long long)a.n_heads * chunks, items = a.N * per_row, stride = (long long)gx * NT;
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            for (long long it = (long long)bx * NT + tid; it < items; it += stride) {
                const long long row = it / per_row;
                const int rem = (int)(it - row * per_row), h = rem / chunks, j = (rem - h * chunks) * V;
#if FLAN4J_OP_MUTATION == 5
                const int p = (int)(row % a.t_max);
#else
                const int p = a.positions[row];
#endif
#if FLAN4J_OP_MUTATION == 7
                const long long o1 = row * a.row_width + (long long)h * a.head_dim + (V == 1 ? 2 * j : j),
                                o2 = V == 1 ? o1 + 1 : o1 + half;
#else
                const long long o1 = row * a.row_width + (long long)h * a.head_dim + j, o2 = o1 + half;
#endif
                float x1[V], x2[V], c[V], s[V];
                load(x1, a.x, o1);
                load(x2, a.x, o2);
                if (p >= 0 && p < a.t_max) {  // the C API cannot check device positions: out of range -> NaN
                    load_table(c, a.cos + (long long)p * half + j);
                    load_table(s, a.sin + (long long)p * half + j);
                } else {
                    for (int k = 0; k < V; k++) c[k] = s[k] = NAN;
                }
#if FLAN4J_OP_MUTATION == 4
                const bool negate = !a.inverse;
#else
                const bool negate = a.inverse != 0;
#endif
#pragma unroll
                for (int k = 0; k < V; k++) {
                    const float sn = negate ? -s[k] : s[k], y1 = x1[k] * c[k] - x2[k] * sn;
                    x2[k] = x2[k] * c[k] + x1[k] * sn;
                    x1[k] = y1;
                }
                store(a.x, o1, x1);
                store(a.x, o2, x2);
            }
        }
    }
};

}  // namespace vec
}  // namespace flan4j
