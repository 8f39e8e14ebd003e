package dev.flan4j.backend;

import static dev.flan4j.backend.GradCheck.check;
import static dev.flan4j.backend.GradCheck.dot;
import static dev.flan4j.backend.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CPU ops against hand-worked cases and finite differences. */
class CpuBackendTest {
    private final CpuBackend be = new CpuBackend();
    private final SplittableRandom rng = new SplittableRandom(42);

    private Tensor t(float[] a) { return be.fromArray(a, a.length); }
    private float[] a(Tensor t) { return be.toArray(t); }

    @Test
    void matmulMatchesHandComputedProductsForEveryTransposeAndBatch() {
        // A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2): A@B = [[58,64],[139,154]].
        float[] A = {1, 2, 3, 4, 5, 6}, B = {7, 8, 9, 10, 11, 12};
        float[] AT = {1, 4, 2, 5, 3, 6}, BT = {7, 9, 11, 8, 10, 12};
        float[] want = {58, 64, 139, 154};
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                Tensor out = be.zeros(4);
                be.matmul(out, t(ta == 1 ? AT : A), t(tb == 1 ? BT : B), 1, 2, 2, 3, ta == 1, tb == 1, 1f, 0f);
                assertArrayEquals(want, a(out), 1e-5f, "transA=" + ta + " transB=" + tb);
            }
        }
        // alpha, beta and a batch of two: out[1] = 2 * A@B + 1 * ones.
        Tensor out = be.fromArray(new float[]{1, 1, 1, 1, 1, 1, 1, 1}, 8);
        float[] A2 = new float[12], B2 = new float[12];
        System.arraycopy(A, 0, A2, 6, 6);
        System.arraycopy(B, 0, B2, 6, 6);
        be.matmul(out, t(A2), t(B2), 2, 2, 2, 3, false, false, 2f, 1f);
        assertArrayEquals(new float[]{1, 1, 1, 1, 117, 129, 279, 309}, a(out), 1e-4f);
    }

    @Test
    void matmulRejectsTensorsTooSmallForTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.matmul(be.zeros(3), be.zeros(6), be.zeros(6), 1, 2, 2, 3, false, false, 1f, 0f));
        assertTrue(e.getMessage().contains("out has 3 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> be.matmul(be.zeros(4), be.zeros(6), be.zeros(6), 1, 2, 2, -3, false, false, 1f, 0f));
    }

    @Test
    void layerNormForwardHandCase() {
        // x = [1, 2, 3, 4]: mean 2.5, var 1.25, rstd = 1/sqrt(1.25 + 1e-5).
        Tensor out = be.zeros(4), mean = be.zeros(1), rstd = be.zeros(1);
        be.layerNormForward(out, mean, rstd, t(new float[]{1, 2, 3, 4}), t(new float[]{1, 1, 2, 2}),
                t(new float[]{0, 0, 0, 1}), 1, 4, 1e-5f);
        double rs = 1 / Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new float[]{(float) (-1.5 * rs), (float) (-0.5 * rs), (float) (2 * 0.5 * rs), (float) (2 * 1.5 * rs + 1)},
                a(out), 1e-5f);
        assertEquals(2.5f, a(mean)[0], 1e-6f);
        assertEquals(rs, a(rstd)[0], 1e-5);
    }

    @Test
    void layerNormBackwardMatchesFiniteDifferences() {
        int N = 3, C = 7;
        float[] x = random(rng, N * C, 1), w = random(rng, C, 1), b = random(rng, C, 1), dout = random(rng, N * C, 1);
        java.util.function.Function<float[][], Double> loss = in -> {
            Tensor out = be.zeros(N * C);
            be.layerNormForward(out, be.zeros(N), be.zeros(N), t(in[0]), t(in[1]), t(in[2]), N, C, 1e-5f);
            return dot(a(out), dout);
        };
        Tensor out = be.zeros(N * C), mean = be.zeros(N), rstd = be.zeros(N);
        Tensor X = t(x), W = t(w), Bi = t(b);
        be.layerNormForward(out, mean, rstd, X, W, Bi, N, C, 1e-5f);
        float[] ones = new float[N * C];
        java.util.Arrays.fill(ones, 0.5f);
        Tensor dx = t(ones), dw = be.zeros(C), db = be.zeros(C);   // starts at 0.5: backward must accumulate
        be.layerNormBackward(dx, dw, db, t(dout), X, W, mean, rstd, N, C);
        float[] gx = a(dx);
        for (int i = 0; i < gx.length; i++) gx[i] -= 0.5f;
        check("layernorm dx", x, gx, v -> loss.apply(new float[][]{v, w, b}), 64, 1e-2);
        check("layernorm dweight", w, a(dw), v -> loss.apply(new float[][]{x, v, b}), 64, 1e-2);
        check("layernorm dbias", b, a(db), v -> loss.apply(new float[][]{x, w, v}), 64, 1e-2);
    }

    @Test
    void attentionOnOneTokenReturnsItsValue() {
        // One token attends only to itself: out = v, lse = q.k * scale.
        int NH = 2, HD = 2, C = 4;
        float[] qkv = {1, 2, 3, 4, /*k*/ 5, 6, 7, 8, /*v*/ 9, 10, 11, 12};
        Tensor out = be.zeros(C), lse = be.zeros(NH);
        be.attentionForward(out, lse, t(qkv), new int[]{0, 1}, 1, NH, HD, 0.5f);
        assertArrayEquals(new float[]{9, 10, 11, 12}, a(out), 1e-6f);
        assertArrayEquals(new float[]{0.5f * (5 + 12), 0.5f * (21 + 32)}, a(lse), 1e-5f);
    }

    @Test
    void attentionHandCaseTwoTokens() {
        // NH=1, HD=1, scale 1: q1 = 1, k0 = 0, k1 = ln 3 -> weights 1/4, 3/4 over v0 = 4, v1 = 8: out1 = 7.
        float[] qkv = {0, 0, 4, 1, (float) Math.log(3), 8};
        Tensor out = be.zeros(2), lse = be.zeros(2);
        be.attentionForward(out, lse, t(qkv), new int[]{0, 2}, 2, 1, 1, 1f);
        assertArrayEquals(new float[]{4, 7}, a(out), 1e-5f);
        assertEquals(Math.log(4), a(lse)[1], 1e-5);
    }

    @Test
    void packedDocumentsNeverSeeEachOther() {
        int NH = 2, HD = 3, C = NH * HD, n1 = 4, n2 = 5, N = n1 + n2;
        float[] qkv = random(rng, N * 3 * C, 1);
        Tensor outPacked = be.zeros(N * C), lse = be.zeros(N * NH);
        be.attentionForward(outPacked, lse, t(qkv), new int[]{0, n1, N}, N, NH, HD, 0.4f);
        float[] second = java.util.Arrays.copyOfRange(qkv, n1 * 3 * C, N * 3 * C);
        Tensor outAlone = be.zeros(n2 * C);
        be.attentionForward(outAlone, be.zeros(n2 * NH), t(second), new int[]{0, n2}, n2, NH, HD, 0.4f);
        assertArrayEquals(a(outAlone), java.util.Arrays.copyOfRange(a(outPacked), n1 * C, N * C), 1e-6f);
        // Changing the first document changes nothing in the second.
        for (int i = 0; i < n1 * 3 * C; i++) qkv[i] += 1f;
        Tensor outChanged = be.zeros(N * C);
        be.attentionForward(outChanged, be.zeros(N * NH), t(qkv), new int[]{0, n1, N}, N, NH, HD, 0.4f);
        assertArrayEquals(java.util.Arrays.copyOfRange(a(outPacked), n1 * C, N * C),
                java.util.Arrays.copyOfRange(a(outChanged), n1 * C, N * C), 0f);
    }

    @Test
    void attentionBackwardMatchesFiniteDifferences() {
        int NH = 2, HD = 3, C = NH * HD, N = 7;
        int[] cu = {0, 3, 7};
        float[] qkv = random(rng, N * 3 * C, 1), dout = random(rng, N * C, 1);
        java.util.function.Function<float[], Double> loss = v -> {
            Tensor out = be.zeros(N * C);
            be.attentionForward(out, be.zeros(N * NH), t(v), cu, N, NH, HD, 0.6f);
            return dot(a(out), dout);
        };
        Tensor Q = t(qkv), out = be.zeros(N * C), lse = be.zeros(N * NH), dqkv = be.zeros(N * 3 * C);
        be.attentionForward(out, lse, Q, cu, N, NH, HD, 0.6f);
        be.attentionBackward(dqkv, t(dout), Q, out, lse, cu, N, NH, HD, 0.6f);
        check("attention dqkv", qkv, a(dqkv), loss, qkv.length, 1e-2);
    }

    @Test
    void attentionRejectsBadSeqlens() {
        Tensor qkv = be.zeros(4 * 3 * 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.attentionForward(be.zeros(8), be.zeros(4), qkv, new int[]{0, 3}, 4, 1, 2, 1f));
        assertTrue(e.getMessage().contains("end at N=4"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> be.attentionForward(be.zeros(8), be.zeros(4), qkv, new int[]{0, 2, 2, 4}, 4, 1, 2, 1f));
    }

    @Test
    void geluHandValuesAndFiniteDifferences() {
        Tensor out = be.zeros(3);
        be.geluForward(out, t(new float[]{0, 1, -1}), 3);
        // gelu_tanh(1) = 0.5 * (1 + tanh(sqrt(2/pi) * 1.044715)) = 0.841192
        assertArrayEquals(new float[]{0, 0.841192f, -0.158808f}, a(out), 1e-5f);
        int n = 40;
        float[] x = random(rng, n, 2), dout = random(rng, n, 1);
        Tensor dx = be.zeros(n);
        be.geluBackward(dx, t(x), t(dout), n);
        check("gelu", x, a(dx), v -> {
            Tensor o = be.zeros(n);
            be.geluForward(o, t(v), n);
            return dot(a(o), dout);
        }, n, 1e-2);
    }

    @Test
    void embeddingForwardAndBackwardAccumulateRepeatedTokens() {
        int C = 2;
        float[] wte = {0, 0, 1, 1, 2, 2}, wpe = {10, 20, 30, 40};
        Tensor out = be.zeros(3 * C);
        be.embeddingForward(out, new int[]{2, 1, 2}, new int[]{0, 1, 0}, t(wte), t(wpe), 3, C);
        assertArrayEquals(new float[]{12, 22, 31, 41, 12, 22}, a(out), 0f);
        Tensor dwte = be.zeros(6), dwpe = be.zeros(4);
        be.embeddingBackward(dwte, dwpe, t(new float[]{1, 2, 3, 4, 5, 6}), new int[]{2, 1, 2}, new int[]{0, 1, 0}, 3, C);
        assertArrayEquals(new float[]{0, 0, 3, 4, 6, 8}, a(dwte), 0f);
        assertArrayEquals(new float[]{6, 8, 3, 4}, a(dwpe), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.embeddingForward(out, new int[]{2, 3, 0}, new int[]{0, 1, 0}, t(wte), t(wpe), 3, C));
        assertTrue(e.getMessage().contains("tokens[1] = 3"), e.getMessage());
    }

    @Test
    void crossEntropyHandValuesReductionsAndIgnoreIndex() {
        // Uniform logits over V=4 real columns (Vp=6 with two padded columns that must not count): loss = ln 4.
        int N = 3, V = 4, Vp = 6;
        float[] logits = new float[N * Vp];
        for (int i = 0; i < N; i++) { logits[i * Vp + 4] = 100; logits[i * Vp + 5] = -100; }
        logits[Vp + 2] = (float) Math.log(3);   // row 1: p(2) = 3/6
        int[] targets = {1, 2, -100};
        Tensor losses = be.zeros(N);
        double mean = be.crossEntropy(losses, t(logits), targets, N, V, Vp, -100, Reduction.MEAN, 0f);
        assertArrayEquals(new float[]{(float) Math.log(4), (float) Math.log(2), 0}, a(losses), 1e-6f);
        assertEquals((Math.log(4) + Math.log(2)) / 2, mean, 1e-6);
        assertEquals(Math.log(4) + Math.log(2), be.crossEntropy(losses, t(logits), targets, N, V, Vp, -100, Reduction.SUM, 0f), 1e-6);
        assertTrue(Double.isNaN(be.crossEntropy(losses, t(logits), targets, N, V, Vp, -100, Reduction.NONE, 0f)));
        // In-place gradient: (softmax - onehot) * scale, zero on padded columns and ignored rows.
        Tensor L = t(logits);
        be.crossEntropy(losses, L, targets, N, V, Vp, -100, Reduction.MEAN, 0.5f);
        float[] g = a(L);
        assertArrayEquals(new float[]{0.125f, -0.375f, 0.125f, 0.125f, 0, 0}, java.util.Arrays.copyOfRange(g, 0, Vp), 1e-6f);
        assertArrayEquals(new float[6], java.util.Arrays.copyOfRange(g, 2 * Vp, 3 * Vp), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.crossEntropy(losses, t(logits), new int[]{1, 4, 0}, N, V, Vp, -100, Reduction.MEAN, 0f));
        assertTrue(e.getMessage().contains("targets[1] = 4"), e.getMessage());
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        int N = 4, V = 9, Vp = 16;
        float[] logits = random(rng, N * Vp, 2);
        int[] targets = {3, -1, 8, 0};
        Tensor L = t(logits);
        be.crossEntropy(be.zeros(N), L, targets, N, V, Vp, -1, Reduction.SUM, 1f);
        float[] g = a(L);
        check("cross-entropy dlogits", logits, g,
                v -> be.crossEntropy(be.zeros(N), t(v), targets, N, V, Vp, -1, Reduction.SUM, 0f), N * Vp, 1e-2);
    }

    @Test
    void adamWOneStepByHand() {
        // g = 0.5, m = 0.05, v = 0.00025 (b2 = 0.999); bias-corrected mhat = 0.5, vhat = 0.25: update = 1 (+ eps).
        Tensor p = t(new float[]{1f}), g = t(new float[]{0.5f}), m = be.zeros(1), v = be.zeros(1);
        be.adamW(p, g, m, v, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        assertEquals(1 - 0.1 * (1 + 0.01), a(p)[0], 1e-6);
        assertEquals(0.05f, a(m)[0], 1e-7f);
        assertEquals(0.00025f, a(v)[0], 1e-8f);
        assertThrows(IllegalArgumentException.class, () -> be.adamW(p, g, m, v, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 0));
    }

    @Test
    void biasAddSumOfSquaresScaleAndAdd() {
        Tensor out = t(new float[]{1, 2, 3, 4, 5, 6});
        be.addBias(out, t(new float[]{10, 20, 30}), 2, 3);
        assertArrayEquals(new float[]{11, 22, 33, 14, 25, 36}, a(out), 0f);
        Tensor db = t(new float[]{1, 1, 1});
        be.biasBackward(db, out, 2, 3);
        assertArrayEquals(new float[]{26, 48, 70}, a(db), 0f);
        assertEquals(1 + 4 + 9, be.sumOfSquares(t(new float[]{1, -2, 3})), 0);
        Tensor s = t(new float[]{1, -2});
        be.scale(s, -3f);
        assertArrayEquals(new float[]{-3, 6}, a(s), 0f);
        Tensor sum = be.zeros(2);
        be.add(sum, s, t(new float[]{1, 1}), 2);
        assertArrayEquals(new float[]{-2, 7}, a(sum), 0f);
    }

    @Test
    void sumsIntoADeviceScalarAccumulateInDouble() {
        Tensor acc = t(new float[]{0.5f});
        be.sumInto(acc, t(new float[]{1, -2, 3.25f}));
        assertEquals(2.75f, a(acc)[0], 0f);
        be.sumOfSquaresInto(acc, t(new float[]{1, -2, 3}));   // += 14
        assertEquals(16.75f, a(acc)[0], 0f);
        // A slot of a stats buffer: only that element changes.
        Tensor stats = be.zeros(3, 2);
        be.sumOfSquaresInto(stats.view(3, 1), t(new float[]{3, 4}));
        assertArrayEquals(new float[]{0, 0, 0, 25, 0, 0}, a(stats), 0f);
        // Double accumulation: 2^24 + 1 + 1 ... in fp32 would stay at 2^24; one rounding at the end gives 2^24 + 2^20.
        float[] big = new float[(1 << 20) + 1];
        java.util.Arrays.fill(big, 1f);
        big[0] = 1 << 24;
        Tensor s = be.zeros(1);
        be.sumInto(s, t(big));
        assertEquals((float) ((1 << 24) + (1 << 20)), a(s)[0], 0f);
        // Against the double-returning sumOfSquares on random data.
        float[] x = random(rng, 100_003, 1.0);
        Tensor sq = be.zeros(1);
        be.sumOfSquaresInto(sq, t(x));
        assertEquals((float) be.sumOfSquares(t(x)), a(sq)[0], 0f);
    }

    @Test
    void clipFactorIsTheHostFormulaAndScaleByAppliesIt() {
        // {normSq, maxNorm}: above, at and below the limit, no clip (0 and negative), zero, NaN and infinite norms.
        double[][] cases = {{4, 1}, {1, 1}, {0.25, 1}, {2.25, 1.5}, {9, 0}, {9, -1}, {0, 1}, {Double.NaN, 1},
                {Double.POSITIVE_INFINITY, 1}, {1e30, 0.3}};
        for (double[] c : cases) {
            float normSq = (float) c[0];
            double maxNorm = c[1], norm = Math.sqrt(normSq);
            float want = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;  // AdamW.clipGradNorm
            Tensor f = be.zeros(1);
            be.clipFactor(f, t(new float[]{normSq}), maxNorm);
            assertEquals(want, a(f)[0], 0f, "normSq " + normSq + " maxNorm " + maxNorm);
        }
        Tensor f = be.zeros(1);
        be.clipFactor(f, t(new float[]{4}), 1.0);
        assertEquals((float) (1 / (2 + 1e-6)), a(f)[0], 0f);   // by hand: norm 2, limit 1
        Tensor same = t(new float[]{4});
        be.clipFactor(same, same, 1.0);                         // factor and normSq may be one tensor
        assertEquals(a(f)[0], a(same)[0], 0f);
        Tensor x = t(new float[]{1, -2, 4});
        be.scaleBy(x, t(new float[]{0.25f}));
        assertArrayEquals(new float[]{0.25f, -0.5f, 1f}, a(x), 0f);
        Tensor y = t(new float[]{3, 5});
        be.scaleBy(y, f);
        assertArrayEquals(new float[]{3 * a(f)[0], 5 * a(f)[0]}, a(y), 0f);   // exactly scale(s) with s = factor
    }

    @Test
    void viewsShareMemoryAndCheckBounds() {
        Tensor base = be.zeros(10);
        Tensor v = base.view(4, 2, 3);
        be.fill(v, 7f);
        assertArrayEquals(new float[]{0, 0, 0, 0, 7, 7, 7, 7, 7, 7}, a(base), 0f);
        assertThrows(IllegalArgumentException.class, () -> base.view(5, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> be.fromArray(new float[3], 2, 2));
    }

    /** Inside a section of concurrent callers OpenBLAS runs single-threaded; the count comes back when the last closes. */
    @Test
    void concurrentCallerSectionsRestoreTheBlasThreads() throws Exception {
        try (CpuBackend be = new CpuBackend()) {
            int before = org.bytedeco.openblas.global.openblas.blas_get_num_threads();
            AutoCloseable a = be.concurrentCallers(2), b = be.concurrentCallers(2);
            assertEquals(1, org.bytedeco.openblas.global.openblas.blas_get_num_threads());
            a.close();
            a.close();   // closing twice counts once
            assertEquals(1, org.bytedeco.openblas.global.openblas.blas_get_num_threads(), "b is still open");
            b.close();
            assertEquals(before, org.bytedeco.openblas.global.openblas.blas_get_num_threads());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.concurrentCallers(0));
            assertTrue(e.getMessage().contains("threads must be >= 1, got 0"), e.getMessage());
        }
    }
}
