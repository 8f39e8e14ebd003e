// gelu_vec.cuh - GELU (tanh approximation) forward/backward with 16-byte loads, written over the
// warp-primitive layer so that the host check runs the same bodies. Grid-stride over whole vectors,
// then the N % V tail element by element. dinp may alias dout (each element is read, then written, by
// the same thread).
#pragma once

#include "warp.cuh"

namespace flan4j {
namespace vec {

using namespace warp;

constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2/pi)

F4_HD float gelu_f(float x) {
    const float u = kGeluScale * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.0f + tanh_f(u));
}
F4_HD float gelu_grad(float x) {
    const float u = kGeluScale * (x + 0.044715f * x * x * x);
    const float th = tanh_f(u);
    const float du = kGeluScale * (1.0f + 3.0f * 0.044715f * x * x);
    return 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * du;
}

template <typename E>
struct Gelu {
    static constexpr int NW = 8, NT = 256, V = Vec16<E>::N;

    // BACKWARD: out = dout * gelu'(inp) (out is dinp); otherwise out = gelu(inp).
    template <bool BACKWARD>
    F4_HD static void run(void* out, const void* inp, const void* dout, long long N, int bx, int gx) {
        using VE = Vec16<E>;
        const long long nvec = N / V, stride = (long long)gx * NT;
        F4_FOR_WARPS(w, NW) F4_FOR_LANES(w, lane, tid) {
            for (long long i = (long long)bx * NT + tid; i < nvec; i += stride) {
                float x[V], d[V];
                VE::load(x, static_cast<const unsigned char*>(inp) + i * 16);
                if (BACKWARD) VE::load(d, static_cast<const unsigned char*>(dout) + i * 16);
#pragma unroll
                for (int j = 0; j < V; j++) x[j] = BACKWARD ? d[j] * gelu_grad(x[j]) : gelu_f(x[j]);
                VE::store(static_cast<unsigned char*>(out) + i * 16, x);
            }
            for (long long i = nvec * V + (long long)bx * NT + tid; i < N; i += stride) {
                const float x = VE::load1(inp, i);
                VE::store1(out, i, BACKWARD ? VE::load1(dout, i) * gelu_grad(x) : gelu_f(x));
            }
        }
    }
};

}  // namespace vec
}  // namespace flan4j
