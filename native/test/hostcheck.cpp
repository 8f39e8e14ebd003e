// hostcheck.cpp - runs the tensor-core kernel bodies (src/attention_tc.cuh, the same text nvcc compiles for
// the GPU) through the host emulation of the warp-primitive layer (src/warp.cuh) and compares them with
// an fp64 reference on odd shapes. Exit status 0 when every case is within tolerance.
//
//   flan4j_hostcheck [--quick]     (--quick: a few small cases, used by the mutation tests)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "attention_tc.cuh"
#include "gelu_vec.cuh"
#include "layernorm_vec.cuh"
#include "hostcheck.h"

using namespace flan4j;
using namespace flan4j::warp;
using namespace flan4j::hostcheck;

namespace {

struct Case {
    bool bf16;
    int HD;
    bool causal;
    int B, T;                 // fixed-length sequences (when lens is empty)
    std::vector<int> lens;    // packed rows via cu_seqlens
    int NH, NH_kv;
    bool packed_qkv;          // q, k, v as views into one [tokens, 3C] buffer
};

std::string describe(const Case& c) {
    char buf[256];
    std::string shape;
    if (c.lens.empty()) {
        snprintf(buf, sizeof buf, "B=%d T=%d", c.B, c.T);
        shape = buf;
    } else {
        shape = "lens={";
        for (size_t i = 0; i < c.lens.size(); i++) shape += (i ? "," : "") + std::to_string(c.lens[i]);
        shape += "}";
    }
    snprintf(buf, sizeof buf, "%s HD=%d %s %s NH=%d NH_kv=%d%s", c.bf16 ? "bf16" : "fp16", c.HD,
             c.causal ? "causal" : "full", shape.c_str(), c.NH, c.NH_kv, c.packed_qkv ? " packed-qkv" : "");
    return buf;
}

uint16_t to16(bool bf16, float f) { return bf16 ? host_float_to_bf16(f) : host_float_to_f16(f); }
double from16(bool bf16, uint16_t h) { return bf16 ? host_bf16_to_float(h) : host_f16_to_float(h); }

template <typename E, int HD, bool CAUSAL>
void run_kernels(flan4j_attention_params& p, int max_len) {
    using Fwd = tc::AttnFwd<E, HD, CAUSAL>;
    using Bwd = tc::AttnBwd<E, HD, CAUSAL>;
    using Pre = tc::AttnBwdPrepass<E>;
    if (!launch((max_len + Fwd::BR - 1) / Fwd::BR, p.NH, p.B, Fwd::kSmemBytes,
                [&](int x, int y, int z, unsigned char* s) { Fwd::run(p, x, y, z, s); }))
        exit(2);
    const long long items = (long long)p.total_tokens * p.NH;
    if (!launch((int)((items + Pre::NW - 1) / Pre::NW), 1, 1, 0, [&](int x, int, int, unsigned char*) { Pre::run(p, x); }))
        exit(2);
    if (!launch((max_len + Bwd::BC - 1) / Bwd::BC, p.NH_kv, p.B, Bwd::kSmemBytes,
                [&](int x, int y, int z, unsigned char* s) { Bwd::run(p, x, y, z, s); }))
        exit(2);
}

template <typename E, int HD>
void dispatch_causal(flan4j_attention_params& p, int max_len) {
    if (p.causal)
        run_kernels<E, HD, true>(p, max_len);
    else
        run_kernels<E, HD, false>(p, max_len);
}

// The mutants (FLAN4J_TC_MUTATION != 0) run only the --quick cases (bf16, HD 64): compile just those.
#if FLAN4J_TC_MUTATION
void dispatch(bool, flan4j_attention_params& p, int max_len) { dispatch_causal<BF16, 64>(p, max_len); }
#else
void dispatch(bool bf16, flan4j_attention_params& p, int max_len) {
    if (bf16) {
        if (p.HD == 64) dispatch_causal<BF16, 64>(p, max_len);
        else dispatch_causal<BF16, 128>(p, max_len);
    } else {
        if (p.HD == 64) dispatch_causal<F16, 64>(p, max_len);
        else dispatch_causal<F16, 128>(p, max_len);
    }
}
#endif

// Tolerances (max |error| / max |reference| per tensor). The kernels round P and dS to the 16-bit input
// type before the second mma of each pair (as FlashAttention-2 does) and write O, dK, dV in it:
// bf16 keeps 8 significant bits (relative step 2^-8 = 0.4%), fp16 11 bits (0.05%); sums over up to 1023
// keys of such rounded terms stay within a few steps of the result's magnitude.
double tol_for(bool bf16) { return bf16 ? 2e-2 : 3e-3; }

bool run_case(const Case& c, unsigned seed) {
    const int HD = c.HD, NH = c.NH, NHk = c.NH_kv;
    std::vector<int> cu{0};
    int B = c.B, max_len = c.T;
    if (!c.lens.empty()) {
        B = (int)c.lens.size();
        max_len = 0;
        for (int l : c.lens) {
            cu.push_back(cu.back() + l);
            max_len = std::max(max_len, l);
        }
    } else {
        for (int b = 0; b < B; b++) cu.push_back(cu.back() + c.T);
    }
    const int N = cu.back();
    const long long C = (long long)NH * HD, Ck = (long long)NHk * HD;
    const long long qs = c.packed_qkv ? 3 * C : C, ks = c.packed_qkv ? 3 * C : Ck;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<uint16_t> qkv(c.packed_qkv ? N * 3 * C : 0), qb, kb, vb;
    uint16_t *q, *k, *v;
    if (c.packed_qkv) {
        for (auto& x : qkv) x = to16(c.bf16, nd(rng));
        q = qkv.data(); k = q + C; v = q + 2 * C;
    } else {
        qb.resize(N * C); kb.resize(N * Ck); vb.resize(N * Ck);
        for (auto& x : qb) x = to16(c.bf16, nd(rng));
        for (auto& x : kb) x = to16(c.bf16, nd(rng));
        for (auto& x : vb) x = to16(c.bf16, nd(rng));
        q = qb.data(); k = kb.data(); v = vb.data();
    }
    std::vector<uint16_t> dout(N * C), o(N * C, 0xffff), dk(N * Ck, 0xffff), dv(N * Ck, 0xffff);
    for (auto& x : dout) x = to16(c.bf16, nd(rng));
    std::vector<float> lse(NH * N, NAN), delta(NH * N, NAN), dq(N * C, NAN);

    flan4j_attention_params p;
    std::memset(&p, 0, sizeof p);
    p.dtype = c.bf16 ? FLAN4J_BF16 : FLAN4J_F16;
    p.q = q; p.k = k; p.v = v; p.o = o.data(); p.lse = lse.data(); p.dout = dout.data();
    p.dq = dq.data(); p.dk = dk.data(); p.dv = dv.data(); p.delta = delta.data();
    p.cu_seqlens = c.lens.empty() ? nullptr : cu.data();
    p.q_row_stride = qs; p.k_row_stride = ks; p.v_row_stride = ks;
    p.o_row_stride = C; p.do_row_stride = C; p.dq_row_stride = C; p.dk_row_stride = Ck; p.dv_row_stride = Ck;
    p.q_head_stride = p.k_head_stride = p.v_head_stride = p.o_head_stride = HD;
    p.do_head_stride = p.dq_head_stride = p.dk_head_stride = p.dv_head_stride = HD;
    p.B = B; p.T = max_len; p.NH = NH; p.NH_kv = NHk; p.HD = HD; p.total_tokens = N;
    p.softmax_scale = 1.0f / std::sqrt((float)HD);
    p.causal = c.causal;

    const auto t0 = std::chrono::steady_clock::now();
    dispatch(c.bf16, p, max_len);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // fp64 reference on the same (rounded) inputs
    auto Q = [&](int t, int h, int d) { return from16(c.bf16, q[(long long)t * qs + h * HD + d]); };
    auto K = [&](int t, int h, int d) { return from16(c.bf16, k[(long long)t * ks + h * HD + d]); };
    auto V = [&](int t, int h, int d) { return from16(c.bf16, v[(long long)t * ks + h * HD + d]); };
    auto DO = [&](int t, int h, int d) { return from16(c.bf16, dout[(long long)t * C + h * HD + d]); };
    Err eo, else_, edelta, edq, edk, edv;
    std::vector<double> rdk(N * Ck, 0.0), rdv(N * Ck, 0.0);
    const double scale = p.softmax_scale;
    std::vector<double> P, dS, orow(HD), dqrow(HD);
    for (int b = 0; b < B; b++) {
        const int s0 = cu[b], L = cu[b + 1] - cu[b];
        for (int h = 0; h < NH; h++) {
            const int hk = h / (NH / NHk);
            for (int i = 0; i < L; i++) {
                const int nk = c.causal ? i + 1 : L;
                P.assign(nk, 0.0);
                double mx = -INFINITY;
                for (int j = 0; j < nk; j++) {
                    double s = 0;
                    for (int d = 0; d < HD; d++) s += Q(s0 + i, h, d) * K(s0 + j, hk, d);
                    P[j] = s * scale;
                    mx = std::max(mx, P[j]);
                }
                double sum = 0;
                for (int j = 0; j < nk; j++) sum += (P[j] = std::exp(P[j] - mx));
                for (int j = 0; j < nk; j++) P[j] /= sum;
                std::fill(orow.begin(), orow.end(), 0.0);
                for (int j = 0; j < nk; j++)
                    for (int d = 0; d < HD; d++) orow[d] += P[j] * V(s0 + j, hk, d);
                double D = 0;
                for (int d = 0; d < HD; d++) {
                    eo.add(from16(c.bf16, o[(long long)(s0 + i) * C + h * HD + d]), orow[d]);
                    D += orow[d] * DO(s0 + i, h, d);
                }
                else_.add(lse[(long long)h * N + s0 + i], mx + std::log(sum));
                edelta.add(delta[(long long)h * N + s0 + i], D);
                std::fill(dqrow.begin(), dqrow.end(), 0.0);
                for (int j = 0; j < nk; j++) {
                    double dp = 0;
                    for (int d = 0; d < HD; d++) dp += DO(s0 + i, h, d) * V(s0 + j, hk, d);
                    const double ds = P[j] * (dp - D);
                    for (int d = 0; d < HD; d++) {
                        dqrow[d] += scale * ds * K(s0 + j, hk, d);
                        rdk[(long long)(s0 + j) * Ck + hk * HD + d] += scale * ds * Q(s0 + i, h, d);
                        rdv[(long long)(s0 + j) * Ck + hk * HD + d] += P[j] * DO(s0 + i, h, d);
                    }
                }
                for (int d = 0; d < HD; d++) edq.add(dq[(long long)(s0 + i) * C + h * HD + d], dqrow[d]);
            }
        }
    }
    for (long long i = 0; i < N * Ck; i++) {
        edk.add(from16(c.bf16, dk[i]), rdk[i]);
        edv.add(from16(c.bf16, dv[i]), rdv[i]);
    }
    const double tol = tol_for(c.bf16);
    // lse and delta are fp32 results of exact 16-bit products: far tighter than the 16-bit outputs
    const bool ok = eo.rel() <= tol && edq.rel() <= tol && edk.rel() <= tol && edv.rel() <= tol &&
                    else_.max_abs <= 1e-4 * std::max(1.0, else_.max_ref) && edelta.rel() <= tol;
    printf("%s %-64s O %.2e  dQ %.2e  dK %.2e  dV %.2e  lse %.1e  D %.1e  (tol %.0e, %.1f s)\n", ok ? "ok  " : "FAIL",
           describe(c).c_str(), eo.rel(), edq.rel(), edk.rel(), edv.rel(), else_.max_abs, edelta.rel(), tol, secs);
    fflush(stdout);
    return ok;
}

// The host conversions against the compiler's own _Float16 (round to nearest even), where it has one.
bool check_conversions() {
#if defined(__FLT16_MAX__)
    std::mt19937 rng(7);
    std::uniform_int_distribution<uint32_t> u;
    for (int i = 0; i < 2000000; i++) {
        uint32_t bits = u(rng);
        if (i % 3 == 0) bits = (bits & 0x8fffffffu) | 0x30000000u;  // near the fp16 range
        float f;
        std::memcpy(&f, &bits, 4);
        if (std::isnan(f)) continue;
        const _Float16 h = (_Float16)f;
        uint16_t hb;
        std::memcpy(&hb, &h, 2);
        if (hb != host_float_to_f16(f) || (float)h != host_f16_to_float(hb)) {
            fprintf(stderr, "fp16 conversion of %a: got 0x%04x, want 0x%04x\n", (double)f, host_float_to_f16(f), hb);
            return false;
        }
    }
    printf("ok   fp16 conversions agree with _Float16 on 2M values\n");
#endif
    return true;
}

#if !FLAN4J_TC_MUTATION
// ---------------------------------------------------------------- layer norm / RMSNorm (layernorm_vec.cuh)

template <typename E, int CH, bool RMS>
bool run_ln_case(long long N, int C, bool accumulate, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    using Fwd = vec::LayerNormFwd<E, CH>;
    using Bwd = vec::LayerNormBwd<E, CH, RMS>;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<T> x(N * C), dy(N * C), y(N * C), dx(N * C);
    std::vector<float> w(C), b(C), mean(N, NAN), rstd(N, NAN), dw(C), db(C), dw0(C), db0(C), dx0(N * C);
    for (auto& v : x) v = S::put(nd(rng) * 2.0f + 0.5f);
    for (auto& v : dy) v = S::put(nd(rng));
    for (int c = 0; c < C; c++) {
        w[c] = 1.0f + 0.3f * nd(rng);
        b[c] = 0.2f * nd(rng);
        dw0[c] = dw[c] = nd(rng);  // "+=" outputs: start from non-zero values
        db0[c] = db[c] = nd(rng);
    }
    for (long long i = 0; i < N * C; i++) {
        dx0[i] = accumulate ? (float)S::get(S::put(nd(rng))) : 0.0f;
        dx[i] = S::put(dx0[i]);
    }
    if (!launch((int)((N + Fwd::NW - 1) / Fwd::NW), 1, 1, 0, [&](int bx, int, int, unsigned char*) {
            Fwd::template run<RMS>(y.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C, 1e-5f, bx);
        }))
        return false;
    const int np = vec::ln_partials(N);
    std::vector<float> pdw((size_t)np * C, NAN), pdb((size_t)np * C, NAN);
    if (!launch((np + Bwd::NW - 1) / Bwd::NW, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
            Bwd::run(dx.data(), pdw.data(), pdb.data(), dy.data(), x.data(), w.data(), mean.data(), rstd.data(), N, C,
                     accumulate, bx);
        }))
        return false;
    if (!launch((C + 127) / 128, 1, 1, 0, [&](int bx, int, int, unsigned char*) {
            vec::LayerNormReduce::run(dw.data(), RMS ? nullptr : db.data(), pdw.data(), pdb.data(), np, C, bx);
        }))
        return false;
    Err ey, em, er, edx, edw, edb;
    std::vector<double> rdw(C, 0.0), rdb(C, 0.0), xh(C), g(C);
    for (long long n = 0; n < N; n++) {
        double m = 0, v = 0;
        for (int c = 0; c < C; c++) m += S::get(x[n * C + c]);
        m = RMS ? 0.0 : m / C;
        for (int c = 0; c < C; c++) v += (S::get(x[n * C + c]) - m) * (S::get(x[n * C + c]) - m);
        const double r = 1.0 / std::sqrt(v / C + 1e-5);
        if (!RMS) em.add(mean[n], m);
        er.add(rstd[n], r);
        double sg = 0, sgx = 0;
        for (int c = 0; c < C; c++) {
            xh[c] = (S::get(x[n * C + c]) - m) * r;
            ey.add(S::get(y[n * C + c]), xh[c] * w[c] + (RMS ? 0.0 : b[c]));
            const double d = S::get(dy[n * C + c]);
            g[c] = w[c] * d;
            sg += g[c];
            sgx += g[c] * xh[c];
            rdw[c] += d * xh[c];
            rdb[c] += d;
        }
        for (int c = 0; c < C; c++)
            edx.add(S::get(dx[n * C + c]), dx0[n * C + c] + r * (g[c] - (RMS ? 0.0 : sg / C) - xh[c] * sgx / C));
    }
    for (int c = 0; c < C; c++) {
        edw.add(dw[c], dw0[c] + rdw[c]);
        if (!RMS) edb.add(db[c], db0[c] + rdb[c]);
    }
    // fp32: float sums of C (or N) terms, ~1e-6 relative; 16-bit: one rounding of the output (2^-8, 2^-11)
    const double tol = std::is_same<E, F32>::value ? 1e-5 : std::is_same<E, BF16>::value ? 1e-2 : 2e-3;
    const bool ok = ey.rel() <= tol && edx.rel() <= tol && er.rel() <= 1e-5 && (RMS || em.max_abs <= 1e-5 * std::max(1.0, em.max_ref)) &&
                    edw.rel() <= 1e-5 && (RMS || edb.rel() <= 1e-5);
    char what[128];
    snprintf(what, sizeof what, "%s %s N=%lld C=%d%s", RMS ? "rmsnorm" : "layernorm", S::name, N, C,
             accumulate ? " dx+=" : "");
    printf("%s %-64s y %.2e  dx %.2e  dw %.2e  db %.2e  rstd %.1e  (tol %.0e)\n", ok ? "ok  " : "FAIL", what, ey.rel(),
           edx.rel(), edw.rel(), RMS ? 0.0 : edb.rel(), er.rel(), tol);
    fflush(stdout);
    return ok;
}

// ---------------------------------------------------------------- GELU (gelu_vec.cuh)

template <typename E>
bool run_gelu_case(long long N, int grid, unsigned seed) {
    using S = Store<E>;
    using T = typename S::T;
    using G = vec::Gelu<E>;
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 2.0f);
    std::vector<T> x(N), d(N), y(N + 1), dx(N + 1);
    for (auto& v : x) v = S::put(nd(rng));
    for (auto& v : d) v = S::put(nd(rng));
    const T guard = S::put(12345.0f);
    y[N] = dx[N] = guard;  // nothing past N is written
    launch(grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) { G::template run<false>(y.data(), x.data(), nullptr, N, bx, grid); });
    launch(grid, 1, 1, 0, [&](int bx, int, int, unsigned char*) { G::template run<true>(dx.data(), x.data(), d.data(), N, bx, grid); });
    Err ey, ed;
    for (long long i = 0; i < N; i++) {
        const double v = S::get(x[i]), u = 0.7978845608028654 * (v + 0.044715 * v * v * v), th = std::tanh(u);
        ey.add(S::get(y[i]), 0.5 * v * (1 + th));
        const double g = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * 0.7978845608028654 * (1 + 3 * 0.044715 * v * v);
        ed.add(S::get(dx[i]), S::get(d[i]) * g);
    }
    const double tol = std::is_same<E, F32>::value ? 1e-5 : std::is_same<E, BF16>::value ? 8e-3 : 1e-3;
    const bool ok = ey.rel() <= tol && ed.rel() <= tol && y[N] == guard && dx[N] == guard;
    char what[96];
    snprintf(what, sizeof what, "gelu %s N=%lld grid=%d", S::name, N, grid);
    printf("%s %-64s y %.2e  dx %.2e  (tol %.0e)\n", ok ? "ok  " : "FAIL", what, ey.rel(), ed.rel(), tol);
    return ok;
}

int run_ln_cases() {
    int failed = 0;
    unsigned seed = 100;
    failed += !run_ln_case<F32, 1, false>(37, 100, false, seed++);
    failed += !run_ln_case<F32, 8, false>(300, 1000, true, seed++);
    failed += !run_ln_case<BF16, 4, false>(1, 768, false, seed++);
    failed += !run_ln_case<BF16, 1, false>(1203, 200, true, seed++);
    failed += !run_ln_case<BF16, 8, false>(65, 2048, false, seed++);
    failed += !run_ln_case<F16, 2, false>(33, 264, false, seed++);
    failed += !run_ln_case<F32, 2, true>(50, 200, false, seed++);
    failed += !run_ln_case<BF16, 4, true>(129, 1000, true, seed++);
    failed += !run_ln_case<F16, 1, true>(7, 8, false, seed++);
    return failed;
}

#endif  // !FLAN4J_TC_MUTATION

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    printf("flan4j host check: tensor-core attention (mutation %d)\n", FLAN4J_TC_MUTATION);
    std::vector<Case> cases;
    if (quick) {
        cases = {
            {true, 64, true, 2, 113, {}, 2, 1, false},
            {true, 64, false, 1, 17, {}, 2, 2, false},
        };
    } else {
        for (bool bf : {true, false})
            for (int hd : {64, 128})
                for (bool causal : {true, false}) {
                    cases.push_back({bf, hd, causal, 2, 1, {}, 2, 2, false});
                    cases.push_back({bf, hd, causal, 2, 17, {}, 4, 2, false});
                    cases.push_back({bf, hd, causal, 1, 113, {}, 3, 1, false});
                    cases.push_back({bf, hd, causal, 0, 0, {1, 17, 64, 113, 5, 65}, 4, 2, false});
                }
        cases.push_back({true, 64, true, 2, 70, {}, 2, 2, true});
        cases.push_back({false, 128, false, 0, 0, {33, 90}, 2, 2, true});
        cases.push_back({true, 64, true, 1, 1023, {}, 2, 1, false});
        cases.push_back({false, 128, true, 1, 1023, {}, 1, 1, false});
        cases.push_back({true, 128, false, 0, 0, {300, 1, 257}, 2, 2, false});
    }
    int failed = 0;
    if (!quick && !check_conversions()) failed++;
    unsigned seed = 1;
    for (const auto& c : cases) failed += run_case(c, seed++) ? 0 : 1;
    size_t n = cases.size();
#if FLAN4J_TC_MUTATION
    if (!quick) {
        fprintf(stderr, "a mutant runs --quick only\n");
        return 2;
    }
#else
    if (!quick) {
        failed += run_ln_cases();
        failed += !run_gelu_case<F32>(1001, 3, 200);
        failed += !run_gelu_case<BF16>(4099, 2, 201);
        failed += !run_gelu_case<F16>(7, 1, 202);
        failed += !run_gelu_case<BF16>(65536, 5, 203);
        n += 13;
    }
#endif
    printf("%zu cases, %d failed\n", n, failed);
    return failed ? 1 : 0;
}
