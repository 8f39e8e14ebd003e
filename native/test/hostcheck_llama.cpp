// hostcheck_llama.cpp - runs the RoPE and SwiGLU kernel bodies (src/rope.cuh, src/swiglu.cuh, the same text
// nvcc compiles for the GPU) through the host emulation of the warp-primitive layer and compares them with an
// fp64 reference: the rotate-half pair layout, per-token position ids, the head/row index math, the grid-stride
// loop, both vector widths (one element, one 16-byte vector), fp32 and bf16. Exit status 0 when every case is
// within tolerance. Built with FLAN4J_OP_MUTATION = 4, 5, 6, 7 (deliberate bugs, see the headers) it must fail.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "hostcheck.h"
#include "rope.cuh"
#include "swiglu.cuh"

using namespace flan4j;
using namespace flan4j::warp;
using namespace flan4j::hostcheck;

namespace {

template <typename E>
double tol_for() { return std::is_same<E, F32>::value ? 2e-6 : 8e-3; }  // fp32 arithmetic; one bf16 rounding

// ---------------------------------------------------------------- RoPE

struct RopeCase {
    int N, row_width, n_heads, head_dim, t_max, grid;
};

// positions restart per packed document (lengths 1, 2, 3, ...), so they differ from the row index
std::vector<int> packed_positions(int N, int t_max) {
    std::vector<int> p(N);
    for (int i = 0, len = 1, t = 0; i < N; i++, t++) {
        if (t == len || t == t_max) { t = 0; len++; }
        p[i] = t;
    }
    return p;
}

template <typename E, int V>
bool run_rope_case(const RopeCase& c, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    const int half = c.head_dim / 2;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    const long long n = (long long)c.N * c.row_width;
    std::vector<T> x(n + 1), dx(n + 1);
    for (auto& v : x) v = S::put(nd(rng));
    for (auto& v : dx) v = S::put(nd(rng));
    const std::vector<T> x0 = x, dx0 = dx;
    // the tables as the model builds them: theta 10000, fp32 cos/sin of p * inv_freq[j]
    std::vector<float> cs((size_t)c.t_max * half), sn((size_t)c.t_max * half);
    for (int p = 0; p < c.t_max; p++)
        for (int j = 0; j < half; j++) {
            const double ang = p * std::pow(10000.0, -2.0 * j / c.head_dim);
            cs[(size_t)p * half + j] = (float)std::cos(ang);
            sn[(size_t)p * half + j] = (float)std::sin(ang);
        }
    const std::vector<int> pos = packed_positions(c.N, c.t_max);
    vec::RopeArgs a{x.data(), cs.data(), sn.data(), pos.data(), c.N, c.row_width, c.n_heads, c.head_dim, c.t_max, 0};
    launch(c.grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) { vec::Rope<E, V>::run(a, bx, c.grid); });
    a.x = dx.data();
    a.inverse = 1;
    launch(c.grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) { vec::Rope<E, V>::run(a, bx, c.grid); });
    Err ef, eb;
    bool untouched = x[n] == x0[n] && dx[n] == dx0[n];  // the element after the last row
    for (int i = 0; i < c.N; i++) {
        const long long r = (long long)i * c.row_width;
        for (int col = c.n_heads * c.head_dim; col < c.row_width; col++)  // columns after the rotated heads (v)
            untouched = untouched && x[r + col] == x0[r + col] && dx[r + col] == dx0[r + col];
        for (int h = 0; h < c.n_heads; h++)
            for (int j = 0; j < half; j++) {
                const long long o1 = r + (long long)h * c.head_dim + j, o2 = o1 + half;
                const double cv = cs[(size_t)pos[i] * half + j], sv = sn[(size_t)pos[i] * half + j];
                const double a1 = S::get(x0[o1]), a2 = S::get(x0[o2]), d1 = S::get(dx0[o1]), d2 = S::get(dx0[o2]);
                ef.add(S::get(x[o1]), a1 * cv - a2 * sv);
                ef.add(S::get(x[o2]), a2 * cv + a1 * sv);
                eb.add(S::get(dx[o1]), d1 * cv + d2 * sv);  // the transpose of the rotation
                eb.add(S::get(dx[o2]), d2 * cv - d1 * sv);
            }
    }
    const double tol = tol_for<E>();
    const bool ok = ef.rel() <= tol && eb.rel() <= tol && untouched;
    char what[128];
    snprintf(what, sizeof what, "rope %s V=%d N=%d row=%d heads=%d HD=%d t_max=%d grid=%d", S::name, V, c.N,
             c.row_width, c.n_heads, c.head_dim, c.t_max, c.grid);
    printf("%s %-72s fwd %.2e  bwd %.2e  %s (tol %.0e)\n", ok ? "ok  " : "FAIL", what, ef.rel(), eb.rel(),
           untouched ? "rest untouched" : "REST CHANGED", tol);
    return ok;
}

// A position outside the tables turns that row's heads into NaN and leaves the other rows finite.
bool rope_bad_position() {
    const int N = 3, W = 8, HD = 8, t_max = 2;
    std::vector<float> x(N * W, 1.0f), cs(t_max * HD / 2, 1.0f), sn(t_max * HD / 2, 0.0f);
    std::vector<int> pos{0, t_max, 1};
    vec::RopeArgs a{x.data(), cs.data(), sn.data(), pos.data(), N, W, 1, HD, t_max, 0};
    launch(1, 1, 1, 0, [&](int bx, int, int, unsigned char*) { vec::Rope<F32, 4>::run(a, bx, 1); });
    bool ok = true;
    for (int i = 0; i < N * W; i++) ok = ok && (i / W == 1 ? std::isnan(x[i]) : x[i] == 1.0f);
    printf("%s rope: a position outside [0, t_max) writes NaN into its row only\n", ok ? "ok  " : "FAIL");
    return ok;
}

int run_rope_cases() {
    int failed = 0;
    unsigned seed = 300;
    // qkv layout of a Llama block: NH = 3, HD = 8, rows [q | k | v], q and k rotated, v untouched
    failed += !run_rope_case<F32, 1>({37, 72, 6, 8, 16, 2}, seed++);
    failed += !run_rope_case<F32, 4>({37, 72, 6, 8, 16, 2}, seed++);
    // odd half (HD = 6) and a row wider than its heads by an odd count: only the one-element path applies
    failed += !run_rope_case<F32, 1>({19, 37, 2, 6, 5, 3}, seed++);
    failed += !run_rope_case<BF16, 1>({19, 37, 2, 14, 5, 1}, seed++);
    // HD 64 (SmolLM2, Llama-3.2), GQA-expanded qkv with 2 heads: vector paths of both dtypes
    failed += !run_rope_case<F32, 4>({65, 384, 4, 64, 40, 3}, seed++);
    failed += !run_rope_case<BF16, 8>({65, 384, 4, 64, 40, 3}, seed++);
    failed += !run_rope_case<BF16, 8>({5, 48, 2, 16, 3, 1}, seed++);
    failed += !rope_bad_position();
    return failed;
}

// ---------------------------------------------------------------- SwiGLU

template <typename E, int V>
bool run_swiglu_case(long long N, int I, int grid, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 2.0f);
    std::vector<T> x(N * 2 * I), d(N * I), y(N * I + 1), dx(N * 2 * I + 1);
    for (auto& v : x) v = S::put(nd(rng));
    for (auto& v : d) v = S::put(nd(rng));
    if (N * I > 4) {  // saturated gates: exp overflows or underflows, the result must stay finite
        x[0] = S::put(-100.0f);
        x[1] = S::put(100.0f);
        x[2] = S::put(-30.0f);
    }
    const T guard = S::put(12345.0f);
    y[N * I] = dx[N * 2 * I] = guard;  // nothing past the end is written
    launch(grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
        vec::Swiglu<E, V>::template run<false>(y.data(), x.data(), nullptr, N, I, bx, grid);
    });
    launch(grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
        vec::Swiglu<E, V>::template run<true>(dx.data(), x.data(), d.data(), N, I, bx, grid);
    });
    Err ey, eg, eu;
    for (long long r = 0; r < N; r++)
        for (int j = 0; j < I; j++) {
            const double g = S::get(x[r * 2 * I + j]), u = S::get(x[r * 2 * I + I + j]), dy = S::get(d[r * I + j]);
            const double sig = 1.0 / (1.0 + std::exp(-g));
            ey.add(S::get(y[r * I + j]), g * sig * u);
            eg.add(S::get(dx[r * 2 * I + j]), dy * u * sig * (1 + g * (1 - sig)));
            eu.add(S::get(dx[r * 2 * I + I + j]), dy * g * sig);
        }
    const double tol = tol_for<E>();
    const bool ok = ey.rel() <= tol && eg.rel() <= tol && eu.rel() <= tol && y[N * I] == guard && dx[N * 2 * I] == guard;
    char what[96];
    snprintf(what, sizeof what, "swiglu %s V=%d N=%lld I=%d grid=%d", S::name, V, N, I, grid);
    printf("%s %-72s out %.2e  dgate %.2e  dup %.2e  (tol %.0e)\n", ok ? "ok  " : "FAIL", what, ey.rel(), eg.rel(),
           eu.rel(), tol);
    return ok;
}

int run_swiglu_cases() {
    int failed = 0;
    unsigned seed = 400;
    failed += !run_swiglu_case<F32, 1>(7, 5, 1, seed++);
    failed += !run_swiglu_case<F32, 1>(33, 24, 2, seed++);
    failed += !run_swiglu_case<F32, 4>(33, 24, 2, seed++);
    failed += !run_swiglu_case<BF16, 1>(3, 1001, 3, seed++);
    failed += !run_swiglu_case<BF16, 8>(17, 1536, 4, seed++);  // SmolLM2-135M's intermediate size
    failed += !run_swiglu_case<F32, 4>(1, 4, 1, seed++);
    return failed;
}

}  // namespace

int main() {
    printf("flan4j host check: RoPE and SwiGLU (mutation %d)\n", FLAN4J_OP_MUTATION);
    const int failed = run_rope_cases() + run_swiglu_cases();
    printf("14 cases, %d failed\n", failed);
    return failed ? 1 : 0;
}
