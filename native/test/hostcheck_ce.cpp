// hostcheck_ce.cpp - runs the fused cross-entropy, residual-add and device-scalar bodies (src/cross_entropy_vec.cuh,
// src/elementwise_vec.cuh, the same text nvcc compiles for the GPU) through the host emulation of the
// warp-primitive layer and compares them with an fp64 reference: the loss and the in-place gradient for fp32 and
// bf16 logits, both chunk widths (one element, one 16-byte vector), V not a multiple of the vector width with
// Vp padded (and padding holding large values that must not leak in), ignored and out-of-range targets, label
// smoothing, z-loss, grad_scale, none / sum / mean with the count and the reductions, forward only (logits
// untouched), -inf logits; the add for odd N, in place, several blocks; the deterministic sum and sum of squares
// (one block, several, the block cap with a grid-stride, "+=" into a nonzero scalar, only the first pass's partials
// read), the clip factor against the host formula of AdamW.clipGradNorm (at, below and above max_norm, no clip,
// NaN and infinite norms) and the scale by a device scalar. Exit status 0 when every case is within tolerance.
// Built with FLAN4J_OP_MUTATION = 8, 9, 10, 11, 12 (deliberate bugs, see the headers) it must fail.
//
//   flan4j_hostcheck_ce [--quick]      (--quick is accepted for the mutation runner; every case runs)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "cross_entropy_vec.cuh"
#include "elementwise_vec.cuh"
#include "hostcheck.h"

using namespace flan4j;
using namespace flan4j::warp;
using namespace flan4j::hostcheck;

namespace {

constexpr int kIgnore = -100;

struct CeCase {
    int N, V, Vp;
    int reduction;
    float smoothing, z_coef, grad_scale;
    bool compute_grad;
    bool vector;       // 16-byte chunks (needs Vp % W == 0) or one element per access
    bool bad;          // rows with out-of-range targets (their NaN losses make the reduced loss NaN)
    bool neg_inf;      // some real logits are -inf (smoothing must be 0)
    unsigned seed;
};

// The launch sequence of cross_entropy.cu: count (when reduced), one block per row, reduce (when reduced).
template <typename E, int W, int NT>
void run_rows(void* logits, float* losses, float* reduced, const int* targets, const CeCase& c) {
    using R = vec::CeBlockReduce<1024>;
    std::vector<float> sh(R::kSmemFloats, NAN);
    if (reduced)
        launch(1, 1, 1, 0, [&](int, int, int, unsigned char*) {
            R::count_valid(reduced, targets, c.N, kIgnore, sh.data());
        });
    using K = vec::CrossEntropyRow<E, W, NT>;
    launch(c.N, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
        float ksh[K::kSmemFloats];
        for (float& v : ksh) v = NAN;  // garbage-filled shared memory
        K::run(logits, losses, reduced, targets, c.V, c.Vp, kIgnore, c.reduction, c.smoothing, c.z_coef, c.grad_scale,
               c.compute_grad, bx, ksh);
    });
    if (reduced)
        launch(1, 1, 1, 0, [&](int, int, int, unsigned char*) {
            R::reduce_losses(reduced, losses, c.N, c.reduction, sh.data());
        });
}

template <typename E, int W>
void dispatch_threads(void* logits, float* losses, float* reduced, const int* targets, const CeCase& c) {
    switch (vec::ce_block_threads(c.Vp / W)) {  // the launcher's choice
        case 512: run_rows<E, W, 512>(logits, losses, reduced, targets, c); break;
        case 256: run_rows<E, W, 256>(logits, losses, reduced, targets, c); break;
        default: run_rows<E, W, 128>(logits, losses, reduced, targets, c); break;
    }
}

template <typename E>
bool run_ce_case(const CeCase& c) {
    using S = Store<E>;
    using T = typename S::T;
    constexpr int VW = Vec16<E>::N;
    if (c.vector && c.Vp % VW != 0) {
        fprintf(stderr, "bad case: Vp %d is not a multiple of %d\n", c.Vp, VW);
        return false;
    }
    const long long N = c.N, V = c.V, Vp = c.Vp;
    std::mt19937 rng(c.seed);
    std::normal_distribution<float> nd(0.0f, 3.0f);
    std::vector<T> z(N * Vp + VW), z0;  // + one vector of guard
    for (long long n = 0; n < N; n++)
        for (long long j = 0; j < Vp; j++) z[n * Vp + j] = S::put(j < V ? nd(rng) : 1000.0f);  // padding: must not leak in
    const T guard = S::put(12345.0f);
    for (int i = 0; i < VW; i++) z[N * Vp + i] = guard;
    if (c.neg_inf)
        for (long long n = 0; n < N; n++)
            for (long long j = n % 3; j < V; j += 5) z[n * Vp + j] = S::put(-INFINITY);
    // targets: the last real column (inside the chunk that straddles V), column 0, ignored rows, out of range
    // (V, and a negative id that is not ignore_index), and random ones
    std::vector<int> y(N);
    std::uniform_int_distribution<int> ud(0, c.V - 1);
    for (long long n = 0; n < N; n++) {
        y[n] = ud(rng);
        if (n == 0) y[n] = c.V - 1;
        if (n == 1) y[n] = 0;
        if (n % 5 == 3) y[n] = kIgnore;
        if (c.bad && n == 7) y[n] = c.V;
        if (c.bad && n == 12) y[n] = -1;
        if (c.neg_inf && y[n] >= 0 && y[n] < c.V && S::get(z[n * Vp + y[n]]) == -INFINITY)
            y[n] = (int)((y[n] + 1) % c.V);  // keep the target's own logit finite
    }
    z0 = z;
    std::vector<float> losses(N, NAN), reduced{NAN, NAN};
    float* red = c.reduction == FLAN4J_REDUCTION_NONE && (c.seed & 1) ? nullptr : reduced.data();
    if (c.vector)
        dispatch_threads<E, VW>(z.data(), losses.data(), red, y.data(), c);
    else
        dispatch_threads<E, 1>(z.data(), losses.data(), red, y.data(), c);

    // fp64 reference on the same (rounded) inputs
    long long count = 0;
    for (int t : y) count += t != kIgnore;
    const double norm = c.reduction == FLAN4J_REDUCTION_MEAN ? 1.0 / std::max<long long>(count, 1) : 1.0;
    Err eloss, egrad;
    double total = 0;
    bool rows_ok = true, pad_ok = true;  // exact: ignored rows 0, bad rows NaN, padding 0, forward-only untouched
    for (long long n = 0; n < N; n++) {
        const T* zr = z0.data() + n * Vp;
        const T* gr = z.data() + n * Vp;
        const int t = y[n];
        if (t == kIgnore || t < 0 || t >= c.V) {
            const bool ign = t == kIgnore;
            rows_ok = rows_ok && (ign ? losses[n] == 0.0f : std::isnan(losses[n]));
            for (long long j = 0; j < Vp; j++) {
                const double g = S::get(gr[j]);
                rows_ok = rows_ok && (!c.compute_grad ? gr[j] == zr[j] : ign ? g == 0.0 && !std::signbit(g) : std::isnan(g));
            }
            continue;
        }
        double mx = -INFINITY, zsum = 0, s = 0;
        for (long long j = 0; j < V; j++) {
            mx = std::max(mx, S::get(zr[j]));
            zsum += S::get(zr[j]);
        }
        for (long long j = 0; j < V; j++) s += std::exp(S::get(zr[j]) - mx);
        const double lse = mx + std::log(s), e = c.smoothing;
        const double loss = lse - (1 - e) * S::get(zr[t]) - (e != 0 ? e * zsum / V : 0.0) + c.z_coef * lse * lse;
        eloss.add(losses[n], loss);
        total += loss;
        for (long long j = 0; j < Vp; j++) {
            if (!c.compute_grad) {
                pad_ok = pad_ok && gr[j] == zr[j];
            } else if (j >= V) {
                pad_ok = pad_ok && S::get(gr[j]) == 0.0;
            } else {
                const double p = std::exp(S::get(zr[j]) - lse);
                const double g = p * (1 + 2 * c.z_coef * lse) - e / V - (j == t ? 1 - e : 0.0);
                egrad.add(S::get(gr[j]), c.grad_scale * norm * g);
            }
        }
    }
    bool red_ok = true;
    double red_ref = c.reduction == FLAN4J_REDUCTION_MEAN ? total / std::max<long long>(count, 1) : total;
    // rows with an out-of-range target are NaN, so a reduced loss over them is NaN too
    bool any_bad = false;
    for (int t : y) any_bad = any_bad || (t != kIgnore && (t < 0 || t >= c.V));
    if (red) {
        red_ok = reduced[1] == (float)count;
        if (any_bad)
            red_ok = red_ok && std::isnan(reduced[0]);
        else
            red_ok = red_ok && std::fabs(reduced[0] - red_ref) <= 1e-5 * std::max(1.0, std::fabs(red_ref));
    }
    const bool guard_ok = [&] {
        for (int i = 0; i < VW; i++)
            if (z[N * Vp + i] != guard) return false;
        return true;
    }();
    // loss: fp32 sums over V terms (~1e-6 relative to lse); gradient: fp32 (p from exp of a rounded difference),
    // bf16 rounds each output once (2^-9 relative)
    const double gtol = std::is_same<E, F32>::value ? 2e-5 : 8e-3;
    const bool ok = eloss.max_abs <= 2e-5 * std::max(1.0, eloss.max_ref) && (!c.compute_grad || egrad.rel() <= gtol) &&
                    rows_ok && pad_ok && red_ok && guard_ok;
    static const char* rn[] = {"none", "sum", "mean"};
    char what[160];
    snprintf(what, sizeof what, "cross-entropy %s W=%d N=%d V=%d Vp=%d %s e=%g zc=%g gs=%g%s%s%s", S::name,
             c.vector ? VW : 1, c.N, c.V, c.Vp, rn[c.reduction], (double)c.smoothing, (double)c.z_coef,
             (double)c.grad_scale, c.compute_grad ? "" : " fwd-only", c.neg_inf ? " -inf" : "", red ? "" : " reduced=NULL");
    printf("%s %-84s loss %.1e  grad %.2e%s%s%s%s (tol %.0e)\n", ok ? "ok  " : "FAIL", what, eloss.max_abs, egrad.rel(),
           rows_ok ? "" : "  IGNORED/BAD ROWS WRONG", pad_ok ? "" : "  PADDING WRONG", red_ok ? "" : "  REDUCED WRONG",
           guard_ok ? "" : "  WROTE PAST THE END", gtol);
    fflush(stdout);
    return ok;
}

// ---------------------------------------------------------------- residual add

template <typename E>
bool run_add_case(long long N, int grid, bool in_place, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 2.0f);
    std::vector<T> a(N + 1), b(N + 1), out(N + 1);
    for (auto& v : a) v = S::put(nd(rng));
    for (auto& v : b) v = S::put(nd(rng));
    const T guard = S::put(12345.0f);
    a[N] = out[N] = guard;  // nothing past N is written
    for (auto& v : out) v = S::put(NAN);
    out[N] = guard;
    const std::vector<T> a0 = a;
    T* o = in_place ? a.data() : out.data();
    launch(grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) { vec::Add<E>::run(o, a.data(), b.data(), N, bx, grid); });
    Err e;
    for (long long i = 0; i < N; i++) e.add(S::get(o[i]), S::get(a0[i]) + S::get(b[i]));
    const double tol = std::is_same<E, F32>::value ? 1e-7 : 4e-3;
    const bool ok = e.rel() <= tol && o[N] == guard;
    char what[96];
    snprintf(what, sizeof what, "add %s N=%lld grid=%d%s", S::name, N, grid, in_place ? " in place" : "");
    printf("%s %-84s out %.2e%s (tol %.0e)\n", ok ? "ok  " : "FAIL", what, e.rel(), o[N] == guard ? "" : "  WROTE PAST N", tol);
    return ok;
}

// ---------------------------------------------------------------- device scalars: sum, clip factor, scale by

// The launch sequence of elementwise.cu's launch_reduce_sum: sum_blocks(N) first-pass blocks, then one block.
template <typename E, int NT = 512>
bool run_sum_case(long long N, bool square, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    using R = vec::Sum<E, NT>;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.5f, 2.0f);
    std::vector<T> x(N);
    for (auto& v : x) v = S::put(nd(rng));
    std::vector<float> ws(vec::kSumMaxBlocks, NAN);  // entries past the first pass's blocks must never be read
    float out = 1.5f;                                // "+=": the scalar's old value stays in
    const int g = vec::sum_blocks(N, NT);
    launch(g, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
        float sh[R::kSmemFloats];
        for (float& v : sh) v = NAN;
        if (square)
            R::template partial<true>(ws.data(), x.data(), N, bx, g, sh);
        else
            R::template partial<false>(ws.data(), x.data(), N, bx, g, sh);
    });
    launch(1, 1, 1, 0, [&](int, int, int, unsigned char*) {
        float sh[R::kSmemFloats];
        for (float& v : sh) v = NAN;
        R::finish(&out, ws.data(), g, sh);
    });
    double ref = 1.5, mag = 1.5;
    for (const T& v : x) {
        const double d = S::get(v);
        ref += square ? d * d : d;
        mag += square ? d * d : std::fabs(d);
    }
    // fp32 partial sums of at most a few thousand terms each: about 1e-8 of the sum of magnitudes here
    const double err = std::fabs((double)out - ref), tol = 1e-6 * mag;
    const bool ok = std::isfinite(out) && err <= tol;
    char what[96];
    snprintf(what, sizeof what, "%s %s N=%lld blocks=%d", square ? "sum of squares" : "sum", S::name, N, g);
    printf("%s %-84s err %.2e (tol %.1e)\n", ok ? "ok  " : "FAIL", what, err, tol);
    return ok;
}

// The host formula of AdamW.clipGradNorm (norm in double, the factor rounded to float once).
float host_clip_factor(float norm_sq, double max_norm) {
    const double norm = std::sqrt((double)norm_sq);
    return max_norm > 0 && norm > max_norm ? (float)(max_norm / (norm + 1e-6)) : 1.0f;
}

bool run_clip_cases() {
    struct C { float norm_sq; double max_norm; };
    const C cases[] = {{4.0f, 1.0}, {1.0f, 1.0}, {0.25f, 1.0}, {2.25f, 1.5}, {2.2500002f, 1.5}, {0.999999f, 1.0},
                       {4.0f, 0.0}, {4.0f, -1.0}, {0.0f, 1.0}, {NAN, 1.0}, {INFINITY, 1.0}, {1e30f, 0.3}};
    bool all = true;
    for (const C& c : cases) {
        const float got = vec::clip_factor(c.norm_sq, c.max_norm), want = host_clip_factor(c.norm_sq, c.max_norm);
        const bool ok = std::memcmp(&got, &want, sizeof got) == 0;
        all = all && ok;
        if (!ok) printf("FAIL clip factor norm_sq=%g max_norm=%g: %.9g, the host formula gives %.9g\n", (double)c.norm_sq,
                        c.max_norm, (double)got, (double)want);
    }
    printf("%s %-84s\n", all ? "ok  " : "FAIL", "clip factor = the host formula, bit for bit (12 cases)");
    return all;
}

template <typename E>
bool run_scale_by_case(long long N, int grid, float factor, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 2.0f);
    std::vector<T> x(N + 1);
    for (auto& v : x) v = S::put(nd(rng));
    const T guard = S::put(12345.0f);
    x[N] = guard;
    const std::vector<T> x0 = x;
    launch(grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) { vec::ScaleBy<E>::run(x.data(), &factor, N, bx, grid); });
    bool exact = true;
    for (long long i = 0; i < N; i++) exact = exact && x[i] == S::put((float)(S::get(x0[i]) * factor));
    const bool ok = exact && x[N] == guard;
    char what[96];
    snprintf(what, sizeof what, "scale by device scalar %s N=%lld grid=%d factor=%g", S::name, N, grid, (double)factor);
    printf("%s %-84s%s%s\n", ok ? "ok  " : "FAIL", what, exact ? "" : "  WRONG VALUES", x[N] == guard ? "" : "  WROTE PAST N");
    return ok;
}

}  // namespace

int main() {
    printf("flan4j host check: cross-entropy, residual add, device scalars (mutation %d)\n", FLAN4J_OP_MUTATION);
    int failed = 0, n = 0;
    const int NONE = FLAN4J_REDUCTION_NONE, SUM = FLAN4J_REDUCTION_SUM, MEAN = FLAN4J_REDUCTION_MEAN;
    const std::vector<CeCase> cases = {
        // N, V, Vp, reduction, smoothing, z_coef, grad_scale, grad, vector, bad targets, -inf, seed
        {17, 1000, 1024, MEAN, 0.1f, 1e-3f, 0.5f, true, true, false, false, 500},
        {17, 1000, 1024, SUM, 0.0f, 0.0f, 1.0f, true, true, true, false, 501},
        {3, 50257, 50304, MEAN, 0.1f, 1e-4f, 1.0f, true, true, false, false, 502},
        {17, 50257, 50304, MEAN, 0.1f, 1e-4f, 1.0f, true, true, true, false, 503},
        {1, 7, 64, NONE, 0.0f, 0.0f, 1.0f, true, true, false, false, 505},
        {17, 7, 64, MEAN, 0.2f, 1e-2f, 2.0f, true, true, false, false, 504},
        {17, 7, 64, NONE, 0.2f, 1e-2f, 2.0f, true, true, true, false, 507},
        {1, 50257, 50304, NONE, 0.0f, 1e-4f, 1.0f, true, true, false, false, 506},
        {17, 33, 37, MEAN, 0.1f, 1e-3f, 1.0f, true, false, false, false, 508},   // Vp % W != 0: one element per access
        {17, 1000, 1024, SUM, 0.1f, 1e-3f, 1.0f, true, false, true, false, 509}, // the same path with Vp % W == 0
        {2500, 7, 64, SUM, 0.0f, 0.0f, 1.0f, true, true, false, false, 510},      // the reductions' grid-stride over N
        {13, 1000, 1024, SUM, 0.0f, 0.0f, 1.0f, false, true, true, false, 512},   // forward only: logits untouched
        {13, 1000, 1024, MEAN, 0.0f, 1e-3f, 1.0f, true, true, false, true, 514},  // -inf logits (masked vocabulary)
        {1, 262144, 262144, NONE, 0.0f, 0.0f, 1.0f, true, true, false, false, 516},
        {1, 5, 5, SUM, 0.0f, 0.0f, 1.0f, true, false, false, false, 518},
    };
    for (const CeCase& c : cases) {
        failed += !run_ce_case<F32>(c);
        CeCase b = c;
        b.seed += 100;
        failed += !run_ce_case<BF16>(b);
        n += 2;
    }
    // bf16 rows whose Vp is a multiple of 4 but not of 8: only the one-element path applies
    failed += !run_ce_case<BF16>({17, 1001, 1004, MEAN, 0.1f, 1e-3f, 1.0f, true, false, true, false, 520});
    failed += !run_ce_case<F32>({17, 1001, 1004, MEAN, 0.1f, 1e-3f, 1.0f, true, true, false, false, 521});
    n += 2;
    failed += !run_add_case<F32>(1001, 3, false, 600);
    failed += !run_add_case<F32>(7, 1, true, 601);
    failed += !run_add_case<BF16>(4099, 2, false, 602);
    failed += !run_add_case<BF16>(65536 + 5, 5, true, 603);
    n += 4;
    // one block, several (the last one short), the block cap (1024 blocks, then a grid-stride)
    for (long long N : {1LL, 31LL, 3LL * 4096 + 17, 4096LL * 1024 + 333}) {
        failed += !run_sum_case<F32>(N, false, 700 + (unsigned)N);
        failed += !run_sum_case<F32>(N, true, 701 + (unsigned)N);
        n += 2;
    }
    failed += !run_sum_case<BF16>(3 * 4096 + 17, true, 710);
    failed += !run_sum_case<BF16>(5000, false, 711);
    failed += !run_clip_cases();
    failed += !run_scale_by_case<F32>(1001, 3, 0.37f, 720);
    failed += !run_scale_by_case<F32>(7, 1, 1.0f, 721);
    failed += !run_scale_by_case<BF16>(4099, 2, 0.5f, 722);
    n += 6;
    printf("%d cases, %d failed\n", n, failed);
    return failed ? 1 : 0;
}
