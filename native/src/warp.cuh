// warp.cuh - the warp-primitive layer the tensor-core kernels are written over, once, for two targets:
//
//   device (nvcc, __CUDA_ARCH__): every primitive is one PTX instruction or intrinsic on this thread's
//     registers (mma.sync m16n8k16, ldmatrix, cp.async, shfl.sync, bar.sync);
//   host   (any C++17 compiler): an emulation in which one call runs a whole thread block. Per-thread
//     state lives in Regs<T, N, NT> (N values per thread, all NT threads of the block), and the warp
//     collectives (mma, ldmatrix, shuffles) gather and scatter those registers lane by lane following
//     the fragment layouts of the PTX ISA ("Matrix Fragments for mma.m16n8k16", "ldmatrix").
//
// Kernel bodies follow three rules so that the same text means the same thing on both targets:
//   1. Block-uniform code (tile loops, block_sync) sits outside F4_FOR_WARPS; no barrier inside it.
//   2. Warp-uniform code (collectives) sits inside F4_FOR_WARPS(w, NW) and outside F4_FOR_LANES.
//   3. Per-thread code sits inside F4_FOR_LANES(w, lane, tid) and reads/writes per-thread state only
//      through Regs (`x(tid)[i]`), shared or global memory.
// On the device the loops run once with w = warp, lane = lane, tid = threadIdx.x. On the host they loop
// over all warps and lanes: the block runs in phases between barriers, so block_sync() holds trivially,
// and a collective sees every lane's registers at once.
//
// The emulation checks index math, masking, fragment layouts and numerics; it cannot see races, the
// memory model or speed (see native/README.md). cp.async is emulated strictly: at issue the destination is
// filled with NaN and the data lands only at the cp_async_wait that retires its group, so reading a tile
// before waiting for it, or refilling a buffer that is still being read, shows up as NaN in the results.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#endif

#if defined(__CUDACC__)
#define F4_HD __host__ __device__ __forceinline__
#else
#define F4_HD inline
#endif

#if defined(__CUDA_ARCH__)
#define F4_DEVICE 1
#else
#define F4_DEVICE 0
#include <vector>
#endif

namespace flan4j {
namespace warp {

// ------------------------------------------------------------------ element types

// 16-bit floating-point element types (storage is uint16_t; the tags pick mma and conversions).
struct BF16 {
    static constexpr bool kIsBF16 = true;
};
struct F16 {
    static constexpr bool kIsBF16 = false;
};

#if !F4_DEVICE
// Host conversions, round to nearest even (what cvt.rn does), NaN kept quiet.
inline float bits_to_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
inline uint32_t float_to_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
inline uint16_t host_float_to_bf16(float f) {
    uint32_t u = float_to_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}
inline float host_bf16_to_float(uint16_t h) { return bits_to_float((uint32_t)h << 16); }
inline uint16_t host_float_to_f16(float f) {
    const uint32_t u = float_to_bits(f);
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    const uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return (uint16_t)(sign | 0x7e00u);       // NaN
    if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);      // >= 65520 rounds to inf
    if (a < 0x38800000u) {                                        // below 2^-14: subnormal or zero
        if (a < 0x33000000u) return sign;                         // below 2^-25 rounds to 0
        const uint32_t m = (a & 0x7fffffu) | 0x800000u;
        // value = m * 2^(e-150); in units of the half subnormal step 2^-24 that is m >> (126 - e)
        const int shift = 126 - (int)(a >> 23);                   // 14..24
        const uint32_t r = m >> shift, rem = m & ((1u << shift) - 1u), halfway = 1u << (shift - 1);
        const uint32_t out = r + ((rem > halfway || (rem == halfway && (r & 1u))) ? 1u : 0u);
        return (uint16_t)(sign | out);
    }
    uint32_t v = a - 0x38000000u;                                 // rebias exponent 127 -> 15
    v += 0xfffu + ((v >> 13) & 1u);
    return (uint16_t)(sign | (v >> 13));
}
inline float host_f16_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0) {
        const float f = (float)m * (1.0f / 16777216.0f);          // m * 2^-24
        return sign ? -f : f;
    }
    if (e == 31) return bits_to_float(sign | 0x7f800000u | (m << 13));
    return bits_to_float(sign | ((e + 112u) << 23) | (m << 13));
}
#endif

template <typename E>
F4_HD float to_f32(uint16_t h) {
#if F4_DEVICE
    if (E::kIsBF16) return __uint_as_float((uint32_t)h << 16);
    return __half2float(__ushort_as_half(h));
#else
    return E::kIsBF16 ? host_bf16_to_float(h) : host_f16_to_float(h);
#endif
}

template <typename E>
F4_HD uint16_t from_f32(float f) {
#if F4_DEVICE
    if (E::kIsBF16) return __bfloat16_as_ushort(__float2bfloat16_rn(f));
    return __half_as_ushort(__float2half_rn(f));
#else
    return E::kIsBF16 ? host_float_to_bf16(f) : host_float_to_f16(f);
#endif
}

// Two floats -> one 32-bit register of two 16-bit values (lo in bits 0..15), round to nearest even.
template <typename E>
F4_HD uint32_t pack2(float lo, float hi) {
#if F4_DEVICE
    uint32_t d;
    if (E::kIsBF16)
        asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo));
    else
        asm("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo));
    return d;
#else
    return (uint32_t)from_f32<E>(lo) | ((uint32_t)from_f32<E>(hi) << 16);
#endif
}

// Math with one name on both sides: the device's intrinsic or libm, the host's libm.
F4_HD float exp_f(float x) {
#if F4_DEVICE
    return expf(x);
#else
    return std::exp(x);
#endif
}

F4_HD float exp_fast(float x) {  // the device intrinsic __expf (error grows with |x|), libm on the host
#if F4_DEVICE
    return __expf(x);
#else
    return std::exp(x);
#endif
}

F4_HD float log_f(float x) {
#if F4_DEVICE
    return logf(x);
#else
    return std::log(x);
#endif
}

F4_HD float exp2_approx(float x) {
#if F4_DEVICE
    return exp2f(x);
#else
    return std::exp2(x);
#endif
}

F4_HD float tanh_f(float x) {
#if F4_DEVICE
    return tanhf(x);
#else
    return std::tanh(x);
#endif
}

F4_HD float rsqrt_approx(float x) {
#if F4_DEVICE
    return rsqrtf(x);
#else
    return 1.0f / std::sqrt(x);
#endif
}

F4_HD float u2f(uint32_t u) {
#if F4_DEVICE
    return __uint_as_float(u);
#else
    return bits_to_float(u);
#endif
}
F4_HD uint32_t f2u(float f) {
#if F4_DEVICE
    return __float_as_uint(f);
#else
    return float_to_bits(f);
#endif
}

// 16-byte vectors of fp32 (4 values) or 16-bit floats (8 values): the unit of the memory-bound kernels.
struct F32 {};
struct alignas(16) U128 {
    uint32_t u[4];
};
template <typename E>
struct Vec16 {  // BF16 / F16
    static constexpr int N = 8;
    F4_HD static void load(float* x, const void* p) {
        const U128 v = *static_cast<const U128*>(p);
        for (int i = 0; i < 8; i++) x[i] = to_f32<E>((uint16_t)(v.u[i >> 1] >> ((i & 1) * 16)));
    }
    F4_HD static void store(void* p, const float* x) {
        U128 v;
        for (int i = 0; i < 4; i++) v.u[i] = pack2<E>(x[2 * i], x[2 * i + 1]);
        *static_cast<U128*>(p) = v;
    }
    F4_HD static float load1(const void* p, long long i) { return to_f32<E>(static_cast<const uint16_t*>(p)[i]); }
    F4_HD static void store1(void* p, long long i, float x) { static_cast<uint16_t*>(p)[i] = from_f32<E>(x); }
};
template <>
struct Vec16<F32> {
    static constexpr int N = 4;
    F4_HD static void load(float* x, const void* p) {
        const U128 v = *static_cast<const U128*>(p);
        for (int i = 0; i < 4; i++) x[i] = u2f(v.u[i]);
    }
    F4_HD static void store(void* p, const float* x) {
        U128 v;
        for (int i = 0; i < 4; i++) v.u[i] = f2u(x[i]);
        *static_cast<U128*>(p) = v;
    }
    F4_HD static float load1(const void* p, long long i) { return static_cast<const float*>(p)[i]; }
    F4_HD static void store1(void* p, long long i, float x) { static_cast<float*>(p)[i] = x; }
};

// V consecutive elements of E from element index i: one element (V = 1, any alignment) or one 16-byte vector
// (V = Vec16<E>::N; the caller guarantees the alignment), widened to / narrowed from fp32.
template <typename E, int V>
struct VecIO {
    static_assert(V == 1 || V == Vec16<E>::N, "V is 1 or one 16-byte vector");
    static constexpr int kElemBytes = 16 / Vec16<E>::N;
    F4_HD static void load(float* v, const void* base, long long i) {
        if (V == 1)
            v[0] = Vec16<E>::load1(base, i);
        else
            Vec16<E>::load(v, static_cast<const unsigned char*>(base) + i * kElemBytes);
    }
    F4_HD static void store(void* base, long long i, const float* v) {
        if (V == 1)
            Vec16<E>::store1(base, i, v[0]);
        else
            Vec16<E>::store(static_cast<unsigned char*>(base) + i * kElemBytes, v);
    }
};

// ------------------------------------------------------------------ per-thread registers

// N values of type T per thread. Device: this thread's N registers. Host: all NT threads' values.
template <typename T, int N, int NT>
struct Regs {
#if F4_DEVICE
    T r[N];
    F4_HD T* operator()(int) { return r; }
    F4_HD const T* operator()(int) const { return r; }
#else
    T r[NT][N];
    T* operator()(int tid) { return r[tid]; }
    const T* operator()(int tid) const { return r[tid]; }
#endif
};

#if F4_DEVICE
#define F4_FOR_WARPS(w, NW) for (int w = (int)(threadIdx.x >> 5), w##_once = 1; w##_once; w##_once = 0)
#define F4_FOR_LANES(w, lane, tid) \
    for (int lane = (int)(threadIdx.x & 31), tid = (int)threadIdx.x, lane##_once = (lane | tid | (w)) >= 0; lane##_once; lane##_once = 0)
#else
#define F4_FOR_WARPS(w, NW) for (int w = 0; w < (NW); ++w)
#define F4_FOR_LANES(w, lane, tid) for (int lane = 0, tid = (w) * 32; lane < 32; ++lane, ++tid)
#endif

// __syncthreads. On the host the block runs in phases, so there is nothing to wait for.
F4_HD void block_sync() {
#if F4_DEVICE
    __syncthreads();
#endif
}

F4_HD void atomic_add(float* p, float v) {
#if F4_DEVICE
    atomicAdd(p, v);
#else
    *p += v;
#endif
}

// ------------------------------------------------------------------ shuffles

// x(tid)[i] = x(tid ^ mask)[i] within warp w (shfl.sync.bfly).
template <int N, int NT>
F4_HD void shfl_xor(Regs<float, N, NT>& x, int i, int mask, int w) {
#if F4_DEVICE
    x(0)[i] = __shfl_xor_sync(0xffffffffu, x(0)[i], mask);
#else
    float tmp[32];
    for (int l = 0; l < 32; l++) tmp[l] = x(w * 32 + l)[i];
    for (int l = 0; l < 32; l++) x(w * 32 + l)[i] = tmp[l ^ mask];
#endif
}

// Butterfly all-reduce of x[i] over groups of WIDTH consecutive lanes (a power of two <= 32).
template <bool MAX, int WIDTH, int N, int NT>
F4_HD void allreduce(Regs<float, N, NT>& x, int i, int w) {
#pragma unroll
    for (int mask = 1; mask < WIDTH; mask <<= 1) {
        Regs<float, 1, NT> y;
        F4_FOR_LANES(w, lane, tid) { y(tid)[0] = x(tid)[i]; }
        shfl_xor(y, 0, mask, w);
        F4_FOR_LANES(w, lane, tid) {
            x(tid)[i] = MAX ? fmaxf(x(tid)[i], y(tid)[0]) : x(tid)[i] + y(tid)[0];
        }
    }
}

// ------------------------------------------------------------------ cp.async (16 bytes, global -> shared)

#if !F4_DEVICE
// Per-thread queues of copies in flight, grouped by commit (cp.async.commit_group).
struct HostAsyncCopies {
    struct Copy {
        void* dst;
        unsigned char data[16];
    };
    std::vector<std::vector<std::vector<Copy>>> committed;  // [tid][group][copy]
    std::vector<std::vector<Copy>> open;                    // [tid][copy]
    void ensure(int tid) {
        if ((int)open.size() <= tid) {
            open.resize(tid + 1);
            committed.resize(tid + 1);
        }
    }
    static HostAsyncCopies& get() {
        static thread_local HostAsyncCopies q;
        return q;
    }
};
#endif

// Copy 16 bytes from global `src` to shared `dst`; with pred false, fill `dst` with zeros (src-size 0).
// Both addresses 16-byte aligned.
F4_HD void cp_async16(void* dst, const void* src, bool pred, int tid) {
#if F4_DEVICE
    const unsigned s = (unsigned)__cvta_generic_to_shared(dst);
    const int n = pred ? 16 : 0;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(n) : "memory");
#else
    auto& q = HostAsyncCopies::get();
    q.ensure(tid);
    HostAsyncCopies::Copy c;
    c.dst = dst;
    if (pred)
        std::memcpy(c.data, src, 16);
    else
        std::memset(c.data, 0, 16);
    std::memset(dst, 0xff, 16);  // undefined until the wait: NaN in fp32, bf16 and fp16
    q.open[tid].push_back(c);
#endif
}

F4_HD void cp_async_commit(int tid) {
#if F4_DEVICE
    asm volatile("cp.async.commit_group;\n" ::: "memory");
#else
    auto& q = HostAsyncCopies::get();
    q.ensure(tid);
    q.committed[tid].push_back(std::move(q.open[tid]));
    q.open[tid].clear();
#endif
}

// Wait until at most N of this thread's committed groups are still in flight.
template <int N>
F4_HD void cp_async_wait(int tid) {
#if F4_DEVICE
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
#else
    auto& q = HostAsyncCopies::get();
    q.ensure(tid);
    auto& groups = q.committed[tid];
    while ((int)groups.size() > N) {
        for (auto& c : groups.front()) std::memcpy(c.dst, c.data, 16);
        groups.erase(groups.begin());
    }
#endif
}

// ------------------------------------------------------------------ ldmatrix

// ldmatrix.sync.aligned.m8n8.x4[.trans].shared.b16 into d(tid)[di .. di+3] for warp w.
// addr(lane) is the shared address of the 16-byte row that lane supplies: lane 8*m + r gives row r of
// matrix m. Without .trans, register m of lane l holds row l/4, columns 2*(l%4), 2*(l%4)+1 of matrix m;
// with .trans it holds rows 2*(l%4), 2*(l%4)+1 of column l/4.
template <bool TRANS, int N, int NT, typename Addr>
F4_HD void ldsm_x4(Regs<uint32_t, N, NT>& d, int di, int w, Addr addr) {
#if F4_DEVICE
    const unsigned s = (unsigned)__cvta_generic_to_shared(addr((int)(threadIdx.x & 31)));
    uint32_t* r = d(0) + di;
    if (TRANS)
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                     : "r"(s));
    else
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                     : "r"(s));
#else
    const uint16_t* rows[32];
    for (int l = 0; l < 32; l++) rows[l] = reinterpret_cast<const uint16_t*>(addr(l));
    for (int l = 0; l < 32; l++) {
        const int g = l / 4, c = 2 * (l % 4);
        for (int m = 0; m < 4; m++) {
            const uint16_t lo = TRANS ? rows[8 * m + c][g] : rows[8 * m + g][c];
            const uint16_t hi = TRANS ? rows[8 * m + c + 1][g] : rows[8 * m + g][c + 1];
            d(w * 32 + l)[di + m] = (uint32_t)lo | ((uint32_t)hi << 16);
        }
    }
#endif
}

// ------------------------------------------------------------------ mma.sync m16n8k16 (fp32 accumulate)

// Fragment coordinates of the accumulator C/D (16x8 fp32, 4 per lane) as kernels use them:
// element i of lane l is row c_row(l, i), column c_col(l, i).
F4_HD int c_row(int lane, int i) { return (lane >> 2) + ((i >> 1) << 3); }
F4_HD int c_col(int lane, int i) { return ((lane & 3) << 1) + (i & 1); }

// c(tid)[ci..ci+3] += A * B for warp w: A (16x16) from a(tid)[ai..ai+3], B (16x8) from b(tid)[bi..bi+1].
template <typename E, int NC, int NA, int NB, int NT>
F4_HD void mma16816(Regs<float, NC, NT>& c, int ci, const Regs<uint32_t, NA, NT>& a, int ai,
                    const Regs<uint32_t, NB, NT>& b, int bi, int w) {
#if F4_DEVICE
    float* d = c(0) + ci;
    const uint32_t* x = a(0) + ai;
    const uint32_t* y = b(0) + bi;
    if (E::kIsBF16)
        asm volatile(
            "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
            "{%0,%1,%2,%3};\n"
            : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
            : "r"(x[0]), "r"(x[1]), "r"(x[2]), "r"(x[3]), "r"(y[0]), "r"(y[1]));
    else
        asm volatile(
            "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
            "{%0,%1,%2,%3};\n"
            : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
            : "r"(x[0]), "r"(x[1]), "r"(x[2]), "r"(x[3]), "r"(y[0]), "r"(y[1]));
#else
    // PTX ISA, mma.m16n8k16 with .f16/.bf16 A, B and .f32 C, D; groupID = lane >> 2, tig = lane % 4.
    //   A (a0..a7, two per register): row = groupID (+8 for a2,a3,a6,a7), col = 2*tig + (i & 1) (+8 for a4..a7)
    //   B (b0..b3):                   row = 2*tig + (i & 1) (+8 for b2,b3), col = groupID
    //   C, D (c0..c3):                row = groupID (+8 for c2,c3), col = 2*tig + (i & 1)
    float A[16][16], B[16][8], C[16][8];
    for (int l = 0; l < 32; l++) {
        const int g = l >> 2, t = l & 3;
        const uint32_t* x = a(w * 32 + l) + ai;
        const uint32_t* y = b(w * 32 + l) + bi;
        const float* z = c(w * 32 + l) + ci;
        for (int i = 0; i < 8; i++) {
            const uint16_t h = (uint16_t)(x[i >> 1] >> ((i & 1) * 16));
            const int row = g + ((i == 2 || i == 3 || i == 6 || i == 7) ? 8 : 0);
            const int col = 2 * t + (i & 1) + (i >= 4 ? 8 : 0);
            A[row][col] = to_f32<E>(h);
        }
        for (int i = 0; i < 4; i++) {
            const uint16_t h = (uint16_t)(y[i >> 1] >> ((i & 1) * 16));
            B[2 * t + (i & 1) + (i >= 2 ? 8 : 0)][g] = to_f32<E>(h);
        }
        for (int i = 0; i < 4; i++) C[g + (i >= 2 ? 8 : 0)][2 * t + (i & 1)] = z[i];
    }
    for (int l = 0; l < 32; l++) {
        const int g = l >> 2, t = l & 3;
        float* z = c(w * 32 + l) + ci;
        for (int i = 0; i < 4; i++) {
            const int row = g + (i >= 2 ? 8 : 0), col = 2 * t + (i & 1);
            float s = C[row][col];
            for (int k = 0; k < 16; k++) s += A[row][k] * B[k][col];  // products of 16-bit values are exact in fp32
            z[i] = s;
        }
    }
#endif
}

}  // namespace warp
}  // namespace flan4j
