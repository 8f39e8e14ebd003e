package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.Precision;
import dev.flan4j.model.Batch;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tensor.Tensor;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CUDA backend in {@link Precision#BF16} against fp64 references and the fp32 CPU backend: the bf16 GEMM, the
 * tensor-core attention forward and backward on packed documents, and a whole training run.
 *
 * <p>Tolerances. bf16 keeps 8 significant bits: rounding an fp32 input to bf16 (round to nearest even) changes it by
 * at most u = 2^-8 of itself. A product of two rounded inputs is off by at most 2u + u^2 < 2^-7 of |a||b|, and the
 * fp32 accumulation of k terms adds at most k 2^-24 of the sum of |a||b|; so every GEMM output obeys the
 * deterministic bound {@code |c - c64| <= (2^-7 + k 2^-24) sum_p |a_ip||b_pj|}, which {@link #gemmWithinBf16Bound}
 * checks element by element. Attention uses the host check's rule (native/test/hostcheck.cpp, which runs the same
 * kernel bodies on the CPU): the kernels round q, k, v and also P and dS to bf16 before the second product of each
 * pair, so max |error| / max |reference| per tensor stays within 2e-2. Each test also requires a difference from
 * the fp32 path that only bf16 rounding makes, so an fp32 fallback cannot pass for bf16.
 */
@Tag("gpu")
class CudaBf16GpuTest {

    private static CudaBackend bf16() {
        GpuAssume.device();
        return new CudaBackend(false, Precision.BF16);
    }

    @Test
    void reportsItsPrecision() {
        try (CudaBackend be = bf16()) {
            assertEquals(Precision.BF16, be.precision());
            assertTrue(be.device().contains("bf16 mixed precision"), be.device());
        }
        try (CudaBackend be = new CudaBackend(false)) {
            assertEquals(Precision.FP32, be.precision());
            assertTrue(be.device().endsWith(", fp32"), be.device());
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1} batch={2} beta={3}")
    @CsvSource({"false, false, 1, 0", "true, false, 1, 1", "false, true, 2, 0", "true, true, 3, 0.5"})
    void gemmWithinBf16Bound(boolean tA, boolean tB, int batch, float beta) {
        int m = 160, n = CudaBackend.BF16_MIN_DIM, k = 1000;
        SplittableRandom rng = new SplittableRandom(11);
        float[] a = random(rng, batch * m * k, 1), b = random(rng, batch * k * n, 1), c0 = random(rng, batch * m * n, 1);
        double[] ref = Ref64.matmul(a, b, c0, batch, m, n, k, tA, tB, 1, beta);
        float[] abs = new float[a.length], bAbs = new float[b.length];
        for (int i = 0; i < a.length; i++) abs[i] = Math.abs(a[i]);
        for (int i = 0; i < b.length; i++) bAbs[i] = Math.abs(b[i]);
        double[] mag = Ref64.matmul(abs, bAbs, new float[c0.length], batch, m, n, k, tA, tB, 1, 0);
        float[] got = gemm(bf16(), a, b, c0, batch, m, n, k, tA, tB, beta);
        float[] fp32 = gemm(new CudaBackend(false), a, b, c0, batch, m, n, k, tA, tB, beta);
        double maxOff = 0, fromFp32 = 0;
        for (int i = 0; i < ref.length; i++) {
            double bound = (0x1p-7 + k * 0x1p-24) * mag[i] + 1e-6 * Math.abs(beta * c0[i]);
            double err = Math.abs(got[i] - ref[i]);
            assertTrue(err <= bound, String.format(Locale.ROOT, "element %d: |bf16 - fp64| = %.3e > bound %.3e", i, err, bound));
            maxOff = Math.max(maxOff, err / mag[i]);
            fromFp32 = Math.max(fromFp32, Math.abs(got[i] - fp32[i]));
        }
        // random inputs put the typical error near sqrt(k) u |a||b| ~ 0.1 for k = 1000; fp32 would be ~1e-5
        assertTrue(fromFp32 > 1e-2, "bf16 and fp32 GEMMs agree to " + fromFp32 + ": the bf16 path did not run");
        assertTrue(maxOff < 0x1p-7, "relative error " + maxOff);
    }

    /** Products narrower than {@link CudaBackend#BF16_MIN_DIM} (decoding) stay fp32: bit for bit the fp32 backend's. */
    @Test
    void skinnyProductsStayFp32() {
        int m = 3, n = 512, k = 256;
        SplittableRandom rng = new SplittableRandom(12);
        float[] a = random(rng, m * k, 1), b = random(rng, k * n, 1), c0 = new float[m * n];
        float[] got = gemm(bf16(), a, b, c0, 1, m, n, k, false, false, 0f);
        float[] fp32 = gemm(new CudaBackend(false), a, b, c0, 1, m, n, k, false, false, 0f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(fp32, got);
    }

    /**
     * Products that read a marked weights allocation (its cached bf16 copy) equal, bit for bit, those that cast an
     * unmarked copy of the same values on the call, also after each kind of write into the allocation (copy into a
     * view, AdamW on a view, scale of the whole), which must refresh the copy; the weights as either operand.
     */
    @Test
    void markedWeightsGiveTheProductsOfACastOnEveryCall() {
        int m = 160, n = 192, k = 136, off = 8;
        SplittableRandom rng = new SplittableRandom(13);
        try (CudaBackend be = bf16(); Tensor all = be.fromArray(random(rng, off + k * n + 5, 1), off + k * n + 5);
             Tensor x = be.fromArray(random(rng, m * k, 1), m * k); Tensor xt = be.fromArray(random(rng, n * m, 1), n * m);
             Tensor o1 = be.zeros(m * n); Tensor o2 = be.zeros(m * n); Tensor p1 = be.zeros(k * m); Tensor p2 = be.zeros(k * m)) {
            be.markWeights(all);
            Tensor w = all.view(off, k, n);
            Runnable same = () -> {
                try (Tensor u = be.fromArray(be.toArray(w), k * n)) {
                    be.matmul(o1, x, w, 1, m, n, k, false, false, 1f, 0f);    // weights as B
                    be.matmul(o2, x, u, 1, m, n, k, false, false, 1f, 0f);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(be.toArray(o2), be.toArray(o1));
                    be.matmul(p1, w, xt, 1, k, m, n, false, false, 1f, 0f);   // weights as A
                    be.matmul(p2, u, xt, 1, k, m, n, false, false, 1f, 0f);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(be.toArray(p2), be.toArray(p1));
                }
            };
            same.run();
            same.run();   // the cached copy, unchanged weights
            try (Tensor src = be.fromArray(random(rng, k * n, 1), k * n)) {
                be.copy(w, src);
            }
            same.run();
            try (Tensor g = be.fromArray(random(rng, k * n, 1), k * n); Tensor mm = be.zeros(k * n); Tensor vv = be.zeros(k * n)) {
                be.adamW(w, g, mm, vv, (long) k * n, 0.5f, 0.9f, 0.95f, 1e-8f, 0f, 1);
            }
            same.run();
            be.scale(all, -3f);
            same.run();
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> be.markWeights(w));
            assertTrue(e.getMessage().contains("must be an allocation"), e.getMessage());
        }
    }

    private static float[] gemm(CudaBackend be, float[] a, float[] b, float[] c0, int batch, int m, int n, int k,
                                boolean tA, boolean tB, float beta) {
        try (be; Tensor ga = be.fromArray(a, a.length); Tensor gb = be.fromArray(b, b.length);
             Tensor go = be.fromArray(c0, c0.length)) {
            be.matmul(go, ga, gb, batch, m, n, k, tA, tB, 1f, beta);
            return be.toArray(go);
        }
    }

    @ParameterizedTest(name = "NH={0} HD={1}")
    @CsvSource({"2, 64", "1, 128", "3, 64"})
    void attentionForwardAndBackwardOnPackedDocuments(int NH, int HD) {
        int[] lens = {1, 17, 113, 64, 2};
        int[] cu = new int[lens.length + 1];
        for (int i = 0; i < lens.length; i++) cu[i + 1] = cu[i] + lens[i];
        int N = cu[lens.length], C = NH * HD;
        float scale = (float) (1 / Math.sqrt(HD));
        SplittableRandom rng = new SplittableRandom(HD + NH);
        float[] qkv = random(rng, N * 3 * C, 1), dout = random(rng, N * C, 1);
        double[][] ref = Ref64.attention(qkv, cu, N, NH, HD, scale);
        double[] dref = Ref64.attentionBackward(qkv, dout, cu, N, NH, HD, scale);
        float[][] got = attention(bf16(), qkv, dout, cu, N, NH, HD, scale);
        float[][] fp32 = attention(new CudaBackend(false), qkv, dout, cu, N, NH, HD, scale);
        within("out", got[0], ref[0], 2e-2);
        within("lse", got[1], ref[1], 2e-2);
        within("dqkv", got[2], dref, 2e-2);
        int[][] parts = {{0, C}, {C, 2 * C}, {2 * C, 3 * C}};
        String[] names = {"dq", "dk", "dv"};
        for (int p = 0; p < 3; p++) {
            within(names[p], columns(got[2], N, 3 * C, parts[p]), columns(dref, N, 3 * C, parts[p]), 2e-2);
        }
        double fromFp32 = 0;
        for (int i = 0; i < got[0].length; i++) fromFp32 = Math.max(fromFp32, Math.abs(got[0][i] - fp32[0][i]));
        assertTrue(fromFp32 > 1e-4, "bf16 and fp32 attention agree to " + fromFp32 + ": the bf16 path did not run");
    }

    private static float[][] attention(CudaBackend be, float[] qkv, float[] dout, int[] cu, int N, int NH, int HD,
                                       float scale) {
        int C = NH * HD;
        try (be; Tensor q = be.fromArray(qkv, N, 3 * C); Tensor o = be.zeros(N, C); Tensor lse = be.zeros(N, NH);
             Tensor d = be.fromArray(dout, N, C); Tensor dq = be.fromArray(new float[N * 3 * C], N, 3 * C)) {
            be.fill(dq, Float.NaN);   // every element must be written
            be.attentionForward(o, lse, q, cu, N, NH, HD, scale);
            be.attentionBackward(dq, d, q, o, lse, cu, N, NH, HD, scale);
            return new float[][] {be.toArray(o), be.toArray(lse), be.toArray(dq)};
        }
    }

    private static double[] columns(double[] x, int rows, int width, int[] range) {
        int w = range[1] - range[0];
        double[] out = new double[rows * w];
        for (int r = 0; r < rows; r++) System.arraycopy(x, r * width + range[0], out, r * w, w);
        return out;
    }

    private static float[] columns(float[] x, int rows, int width, int[] range) {
        int w = range[1] - range[0];
        float[] out = new float[rows * w];
        for (int r = 0; r < rows; r++) System.arraycopy(x, r * width + range[0], out, r * w, w);
        return out;
    }

    private static void within(String what, float[] got, double[] ref, double relTol) {
        assertEquals(ref.length, got.length, what);
        double maxRef = 0, maxErr = 0;
        int worst = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            double e = Math.abs(got[i] - ref[i]);
            if (!(e <= maxErr)) {
                maxErr = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                worst = i;
            }
        }
        assertTrue(maxErr <= relTol * maxRef, String.format(Locale.ROOT,
                "%s: max |bf16 - fp64| = %.3e at %d (got %.6g, ref %.6g) > %.0e x max|ref| %.3g", what, maxErr, worst,
                got[worst], ref[worst], relTol, maxRef));
    }

    /**
     * Twenty AdamW steps of a GPT with head dim 64 (tensor-core attention; q/k/v, the attention output and the MLP
     * hidden layers stored in bf16, see {@code CudaBf16ActivationsGpuTest}) in bf16 track the fp32 CPU run: the first
     * loss within 1% (the logits pass through bf16 GEMMs: each about u of its magnitude, a few 1e-3 of the loss), the
     * rest within 3% (Adam's normalized steps amplify small gradient differences, as in CudaTrainingGpuTest but from
     * bf16's larger start), and the loss must fall.
     */
    @Test
    void twentyStepsTrackTheCpu() {
        GptConfig cfg = new GptConfig(97, 64, 2, 2, 128);
        assertEquals(64, cfg.headDim());
        Batch[] batches = CudaTrainingGpuTest.batches(cfg, 4);
        double[] cpu = CudaTrainingGpuTest.run(new CpuBackend(), cfg, batches);
        double[] gpu = CudaTrainingGpuTest.run(bf16(), cfg, batches);
        StringBuilder curve = new StringBuilder();
        for (int s = 0; s < cpu.length; s++) {
            curve.append(String.format(Locale.ROOT, "%n step %2d cpu %.6f cuda-bf16 %.6f", s + 1, cpu[s], gpu[s]));
        }
        for (int s = 0; s < cpu.length; s++) {
            assertEquals(cpu[s], gpu[s], (s == 0 ? 1e-2 : 3e-2) * cpu[s], "step " + (s + 1) + curve);
        }
        assertTrue(gpu[19] < gpu[0] - 0.1, "loss must fall" + curve);
    }
}
