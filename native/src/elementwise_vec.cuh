// elementwise_vec.cuh - the residual add out = a + b with 16-byte loads, written over the warp-primitive layer so
// that the host check (test/hostcheck_ce.cpp) runs the same body that elementwise.cu launches. Grid-stride over
// whole vectors (4 fp32 or 8 bf16), then the N % W tail element by element. Each element of out is written by
// the thread that read a and b there, so out may alias a or b (in place). The launcher uses it when out, a and b
// are 16-byte aligned.
#pragma once

#include "warp.cuh"

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

}  // namespace vec
}  // namespace flan4j
