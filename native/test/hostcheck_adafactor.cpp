// hostcheck_adafactor.cpp - runs the Adafactor bodies (src/adafactor.cuh, the same text nvcc compiles for the GPU)
// through the host emulation of the warp-primitive layer, in the launch sequence of adafactor.cu, and compares three
// steps with an fp64 reference (the arithmetic of the CPU backend): the parameter, the row and column factors of a
// [R, C] weight and the full second moment of a parameter without them. Shapes with R or C = 1, 17, odd sizes, more
// rows than one column slab (so several slabs are summed), n past the block cap of the sum of u^2 (a grid-stride);
// rows of very different scale (so a wrong row index or a missing rMean shows); the update's RMS above clip (clipped)
// and below it (not scaled up); weight decay on and off; the workspace filled with NaN (an entry read before it is
// written shows) and a guard past its size that must stay NaN. Exit status 0 when every case is within tolerance. Built with FLAN4J_OP_MUTATION = 13, 14, 15 (deliberate
// bugs, see the header) it must fail.
//
//   flan4j_hostcheck_adafactor [--quick]      (--quick is accepted for the mutation runner; every case runs)
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "adafactor.cuh"
#include "hostcheck.h"

using namespace flan4j;
using namespace flan4j::hostcheck;
namespace af = flan4j::adafactor;

namespace {

// The launch sequence of adafactor.cu's launch_adafactor (v == nullptr: factored), with the same grids.
void run_step(float* param, const float* g, float* row, float* col, float* v, int R, int C, float lr, float decay,
              float wd, float clip, float eps1, float* ws) {
    const long long n = (long long)R * C;
    float* scalars = ws;
    float* partials = ws + af::kScalars;
    const int col_blocks = (C + af::NT - 1) / af::NT;
    if (v == nullptr) {
        const int rb = R < 7 ? R : 7;  // fewer blocks than rows: the grid-stride over rows
        launch(rb, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
            float sh[af::NW];
            for (float& x : sh) x = NAN;
            af::row_update(row, g, R, C, decay, eps1, bx, rb, sh);
        });
        const int slabs = (int)af::col_slabs(R), gy = slabs < 3 ? slabs : 3;  // the grid-stride over slabs
        launch(col_blocks, gy, 1, 0, [&](int bx, int by, int, unsigned char*) {
            af::col_partial(partials, g, R, C, eps1, bx, by, gy);
        });
        launch(col_blocks, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
            af::col_finish(col, partials, R, C, decay, bx, col_blocks);
        });
        launch(1, 1, 1, 0, [&](int, int, int, unsigned char*) {
            float sh[af::NW];
            for (float& x : sh) x = NAN;
            af::one_block_sum(scalars, row, R, (float)R, sh);
        });
    }
    const int ub = af::u_blocks(n);
    launch(ub, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
        float sh[af::NW];
        for (float& x : sh) x = NAN;
        af::u_partial(partials, g, row, col, v, scalars, C, n, decay, eps1, bx, ub, sh);
    });
    launch(1, 1, 1, 0, [&](int, int, int, unsigned char*) {
        float sh[af::NW];
        for (float& x : sh) x = NAN;
        af::one_block_sum(scalars + 1, partials, ub, 1.0f, sh);
    });
    const long long ab = (n + af::NT - 1) / af::NT, agx = ab < 5 ? ab : 5;  // the grid-stride over elements
    launch((int)agx, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
        af::apply(param, g, row, col, v, scalars, C, n, lr, wd, clip, bx, (int)agx);
    });
}

// The fp64 reference (the CPU backend's arithmetic, without its fp32 roundings of the state).
void ref_step(std::vector<double>& w, const std::vector<float>& g, std::vector<double>& r, std::vector<double>& c,
              std::vector<double>& v, bool factored, int R, int C, double lr, double decay, double wd, double clip,
              double eps1) {
    const long long n = (long long)R * C;
    std::vector<double> u(n);
    if (factored) {
        std::vector<double> rs(R, 0.0), cs(C, 0.0);
        for (int i = 0; i < R; i++)
            for (int j = 0; j < C; j++) {
                const double g2 = (double)g[(long long)i * C + j] * g[(long long)i * C + j] + eps1;
                rs[i] += g2;
                cs[j] += g2;
            }
        double mean = 0;
        for (int i = 0; i < R; i++) {
            r[i] = decay * r[i] + (1 - decay) * rs[i] / C;
            mean += r[i];
        }
        mean /= R;
        for (int j = 0; j < C; j++) c[j] = decay * c[j] + (1 - decay) * cs[j] / R;
        for (int i = 0; i < R; i++)
            for (int j = 0; j < C; j++) u[(long long)i * C + j] = g[(long long)i * C + j] / std::sqrt(r[i] * c[j] / mean);
    } else {
        for (long long k = 0; k < n; k++) {
            v[k] = decay * v[k] + (1 - decay) * ((double)g[k] * g[k] + eps1);
            u[k] = g[k] / std::sqrt(v[k]);
        }
    }
    double ms = 0;
    for (double x : u) ms += x * x;
    const double denom = std::max(1.0, std::sqrt(ms / n) / clip);
    for (long long k = 0; k < n; k++) w[k] -= lr * (u[k] / denom + wd * w[k]);
}

struct Case {
    int R, C;
    bool factored;
    float wd, clip;
    unsigned seed;
};

// Relative error of x against ref, judged against the largest |ref| (Err::rel) and reported with its max.
bool run_case(const Case& k) {
    const int R = k.R, C = k.C;
    const long long n = (long long)R * C;
    std::mt19937 rng(k.seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> w(n), row(R, 0.0f), col(C, 0.0f), v(k.factored ? 0 : n, 0.0f);
    for (auto& x : w) x = nd(rng);
    std::vector<double> rw(w.begin(), w.end()), rr(R, 0.0), rc(C, 0.0), rv(v.size(), 0.0);
    const std::vector<float> w0 = w;
    std::vector<float> ws(af::workspace_floats(R, C, k.factored) + 16, NAN);  // + guard: never written
    const float lr = 0.1f, eps1 = 1e-30f;
    Err ew, er, ec, ev;
    bool clipped = false, unclipped = false, guard_ok = true;
    for (int t = 1; t <= 3; t++) {
        // rows of very different scale: a row factor taken from the wrong row or without rMean shows at once
        std::vector<float> g(n);
        for (int i = 0; i < R; i++)
            for (int j = 0; j < C; j++) g[(long long)i * C + j] = 0.1f * (float)(1 + (i * 7 + t) % 5) * nd(rng);
        const double decay = 1 - std::pow((double)t, -0.8);
        run_step(w.data(), g.data(), k.factored ? row.data() : nullptr, k.factored ? col.data() : nullptr,
                 k.factored ? nullptr : v.data(), R, C, lr, (float)decay, k.wd, k.clip, eps1, ws.data());
        // the reference's RMS of u before clipping, to know which side of clip the case is on
        std::vector<double> w_before = rw;
        ref_step(rw, g, rr, rc, rv, k.factored, R, C, lr, decay, k.wd, k.clip, eps1);
        double rms = 0;
        for (long long q = 0; q < n; q++) {
            const double du = (w_before[q] - rw[q]) / lr - k.wd * w_before[q];  // = u / denom
            rms += du * du;
        }
        rms = std::sqrt(rms / n);
        (rms > 0.999 * k.clip ? clipped : unclipped) = true;
    }
    for (long long q = 0; q < n; q++) ew.add((double)w[q] - w0[q], rw[q] - w0[q]);  // the updates, not the weights
    for (int i = 0; i < R && k.factored; i++) er.add(row[i], rr[i]);
    for (int j = 0; j < C && k.factored; j++) ec.add(col[j], rc[j]);
    for (long long q = 0; q < (long long)v.size(); q++) ev.add(v[q], rv[q]);
    for (size_t q = ws.size() - 16; q < ws.size(); q++) guard_ok = guard_ok && std::isnan(ws[q]);
    // fp32 sums of up to a few thousand terms and fp32 updates of O(1) weights by O(lr): 1e-5 of the largest update
    const double tol = 2e-5;
    const bool ok = ew.rel() <= tol && er.rel() <= tol && ec.rel() <= tol && ev.rel() <= tol && guard_ok;
    char what[128];
    snprintf(what, sizeof what, "adafactor %s R=%d C=%d wd=%g clip=%g (%s)", k.factored ? "factored" : "full", R, C,
             (double)k.wd, (double)k.clip, clipped && unclipped ? "clipped and not" : clipped ? "clipped" : "not clipped");
    printf("%s %-70s update %.1e row %.1e col %.1e v %.1e%s (tol %.0e)\n", ok ? "ok  " : "FAIL", what, ew.rel(), er.rel(),
           ec.rel(), ev.rel(), guard_ok ? "" : "  WROTE PAST THE WORKSPACE", tol);
    fflush(stdout);
    return ok;
}

}  // namespace

int main() {
    printf("flan4j host check: Adafactor (mutation %d)\n", FLAN4J_OP_MUTATION);
    const std::vector<Case> cases = {
        // R, C, factored, weight decay, clip, seed
        {1, 1, true, 0.0f, 1.0f, 800},
        {1, 17, true, 0.1f, 0.5f, 801},
        {17, 1, true, 0.0f, 2.0f, 802},
        {17, 1000, true, 0.1f, 0.5f, 803},   // RMS above clip: clipped
        {1000, 17, true, 0.0f, 2.0f, 804},   // 32 slabs of rows; RMS below clip: not scaled up
        {70, 300, true, 0.1f, 1.0f, 805},    // two column blocks, a short last slab
        {33, 257, true, 0.0f, 0.25f, 806},
        {1, 1, false, 0.0f, 1.0f, 810},
        {1, 17, false, 0.1f, 0.5f, 811},
        {1, 1000, false, 0.0f, 2.0f, 812},
        {1, 3 * 2048 + 5, false, 0.1f, 0.5f, 813},              // several blocks of the sum of u^2
        {1, 1024 * 2048 + 333, false, 0.0f, 2.0f, 814},         // past the block cap: a grid-stride
        {129, 16411, true, 0.1f, 0.5f, 815},                    // a weight past the block cap
    };
    int failed = 0;
    for (const Case& c : cases) failed += !run_case(c);
    printf("%zu cases, %d failed\n", cases.size(), failed);
    return failed ? 1 : 0;
}
