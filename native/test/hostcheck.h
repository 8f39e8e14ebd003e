// hostcheck.h - what the host checks share: an emulated grid launch of a kernel body, the error measure
// against an fp64 reference, and element storage for fp32 / bf16 / fp16 on the host.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "warp.cuh"

namespace flan4j {
namespace hostcheck {

using namespace flan4j::warp;

// Emulated grid launch of a block body: one call per block, fresh shared memory, and every cp.async retired.
template <typename F>
bool launch(int gx, int gy, int gz, int smem_bytes, F body) {
    std::vector<uint64_t> smem((smem_bytes + 7) / 8);
    for (int z = 0; z < gz; z++)
        for (int y = 0; y < gy; y++)
            for (int x = 0; x < gx; x++) {
                std::memset(smem.data(), 0xff, smem.size() * 8);  // garbage-filled shared memory
                body(x, y, z, reinterpret_cast<unsigned char*>(smem.data()));
                auto& q = HostAsyncCopies::get();
                for (size_t t = 0; t < q.open.size(); t++)
                    if (!q.open[t].empty() || !q.committed[t].empty()) {
                        fprintf(stderr, "block (%d,%d,%d): thread %zu ends with cp.async copies not waited for\n", x, y, z, t);
                        return false;
                    }
            }
    return true;
}

struct Err {
    double max_abs = 0, max_ref = 0;
    bool nan = false;
    void add(double x, double ref) {
        if (!std::isfinite(x)) nan = true;
        max_abs = std::max(max_abs, std::fabs(x - ref));
        max_ref = std::max(max_ref, std::fabs(ref));
    }
    // relative to the largest reference value; gradients that vanish (T = 1: dS = 0) are judged against 0.01
    double rel() const { return nan ? INFINITY : max_abs / std::max(max_ref, 1e-2); }
};

template <typename E>
struct Store;  // element storage and rounding on the host side of the check
template <>
struct Store<F32> {
    using T = float;
    static T put(float f) { return f; }
    static double get(T v) { return v; }
    static constexpr const char* name = "fp32";
};
template <>
struct Store<BF16> {
    using T = uint16_t;
    static T put(float f) { return host_float_to_bf16(f); }
    static double get(T v) { return host_bf16_to_float(v); }
    static constexpr const char* name = "bf16";
};
template <>
struct Store<F16> {
    using T = uint16_t;
    static T put(float f) { return host_float_to_f16(f); }
    static double get(T v) { return host_f16_to_float(v); }
    static constexpr const char* name = "fp16";
};

}  // namespace hostcheck
}  // namespace flan4j
