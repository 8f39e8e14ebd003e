package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Reduction;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fused cross-entropy vs an fp64 reference: V != Vp, ignore_index, reductions, smoothing, z-loss, bf16. */
@Tag("gpu")
class CrossEntropyGpuTest {
    static final int IGNORE = -100;

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    /** Returns {losses[N], dlogits[N*Vp], {reduced, count}}. */
    static double[][] reference(float[] logits, int[] targets, int N, int V, int Vp, Reduction red,
            double eps, double zc, double gradScale) {
        double[] losses = new double[N], grad = new double[N * Vp];
        int count = 0;
        for (int t : targets) {
            count += t != IGNORE ? 1 : 0;
        }
        double norm = red == Reduction.MEAN ? 1.0 / Math.max(count, 1) : 1.0;
        double total = 0;
        for (int n = 0; n < N; n++) {
            int y = targets[n];
            if (y == IGNORE) {
                continue;
            }
            double mx = Double.NEGATIVE_INFINITY, zsum = 0;
            for (int j = 0; j < V; j++) {
                mx = Math.max(mx, logits[n * Vp + j]);
                zsum += logits[n * Vp + j];
            }
            double s = 0;
            for (int j = 0; j < V; j++) {
                s += Math.exp(logits[n * Vp + j] - mx);
            }
            double lse = mx + Math.log(s);
            losses[n] = lse - (1 - eps) * logits[n * Vp + y] - eps * zsum / V + zc * lse * lse;
            total += losses[n];
            for (int j = 0; j < V; j++) {
                double p = Math.exp(logits[n * Vp + j] - lse);
                double g = p * (1 + 2 * zc * lse) - eps / V - (j == y ? 1 - eps : 0);
                grad[n * Vp + j] = gradScale * norm * g;
            }
        }
        double reduced = red == Reduction.MEAN ? total / Math.max(count, 1) : total;
        return new double[][] {losses, grad, {reduced, count}};
    }

    void check(int B, int T, int V, int Vp, Reduction red, float eps, float zc, float gradScale,
            KernelDType dtype, double atol) {
        int N = B * T;
        SplittableRandom r = new SplittableRandom(V * 7L + N);
        float[] logits = Ref.randn(r, N * Vp, 3.0);
        for (int n = 0; n < N; n++) {
            for (int j = V; j < Vp; j++) {
                logits[n * Vp + j] = 1000f; // padding must not influence anything
            }
        }
        if (dtype == KernelDType.BF16) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = Gpu.roundBf16(logits[i]);
            }
        }
        int[] targets = new int[N];
        for (int n = 0; n < N; n++) {
            targets[n] = (n % 5 == 3) ? IGNORE : r.nextInt(V);
        }
        double[][] ref = reference(logits, targets, N, V, Vp, red, eps, zc, gradScale);
        try (Gpu g = new Gpu()) {
            Gpu.Buf dl = dtype == KernelDType.BF16 ? g.bf16(logits) : g.floats(logits);
            Gpu.Buf losses = g.zerosF32(N), reduced = g.zerosF32(2), tg = g.ints(targets);
            Kernels.crossEntropy(dtype, dl.address(), losses.address(), reduced.address(), tg.address(), B, T, V, Vp,
                    IGNORE, red, eps, zc, gradScale, true, 0L);
            Ref.assertClose("losses", ref[0], g.readFloats(losses, N), atol, 1e-4);
            float[] red2 = g.readFloats(reduced, 2);
            assertEquals(ref[2][1], red2[1], 0.0, "count of non-ignored tokens");
            Ref.assertClose("reduced", ref[2][0], red2[0], atol, 1e-4);
            float[] grad = dtype == KernelDType.BF16 ? g.readBf16(dl, N * Vp) : g.readFloats(dl, N * Vp);
            double gatol = dtype == KernelDType.BF16 ? 1e-2 * Math.abs(gradScale) : 1e-6;
            Ref.assertClose("dlogits", ref[1], grad, gatol, dtype == KernelDType.BF16 ? 1e-2 : 1e-4);
        }
    }

    @ParameterizedTest(name = "B={0} T={1} V={2} Vp={3} {4}")
    @CsvSource({
        "1,1,59,64,MEAN", "2,17,59,64,MEAN", "1,113,1000,1024,SUM", "3,7,50257,50304,MEAN", "1,3,262144,262144,NONE"})
    void plain(int B, int T, int V, int Vp, Reduction red) {
        check(B, T, V, Vp, red, 0f, 0f, 1f, KernelDType.F32, 1e-4);
    }

    @Test
    void smoothingZLossAndGradScale() {
        check(2, 17, 59, 64, Reduction.MEAN, 0.1f, 1e-3f, 0.5f, KernelDType.F32, 1e-4);
        check(1, 9, 5000, 5120, Reduction.SUM, 0.2f, 1e-4f, 2.0f, KernelDType.F32, 1e-3);
    }

    @Test
    void bf16Logits() {
        check(2, 17, 3001, 3008, Reduction.MEAN, 0f, 0f, 1f, KernelDType.BF16, 1e-3);
    }

    @Test
    void forwardOnlyLeavesLogitsAlone() {
        int N = 4, V = 33, Vp = 40;
        float[] logits = Ref.randn(new SplittableRandom(3), N * Vp, 1.0);
        int[] targets = {1, IGNORE, 32, 0};
        double[][] ref = reference(logits, targets, N, V, Vp, Reduction.SUM, 0, 0, 1);
        try (Gpu g = new Gpu()) {
            Gpu.Buf dl = g.floats(logits), losses = g.zerosF32(N), tg = g.ints(targets);
            Kernels.crossEntropy(KernelDType.F32, dl.address(), losses.address(), 0L, tg.address(), 1, N, V, Vp,
                    IGNORE, Reduction.NONE, 0f, 0f, 1f, false, 0L);
            Ref.assertClose("losses", ref[0], g.readFloats(losses, N), 1e-5, 1e-5);
            float[] after = g.readFloats(dl, N * Vp);
            for (int i = 0; i < after.length; i++) {
                assertEquals(logits[i], after[i], 0f, "logits changed at " + i);
            }
        }
    }

    @Test
    void outOfRangeTargetGivesNaN() {
        int N = 2, V = 10;
        try (Gpu g = new Gpu()) {
            Gpu.Buf dl = g.floats(new float[N * V]), losses = g.zerosF32(N), tg = g.ints(new int[] {3, 10});
            Kernels.crossEntropy(KernelDType.F32, dl.address(), losses.address(), 0L, tg.address(), 1, N, V, V,
                    IGNORE, Reduction.NONE, 0f, 0f, 1f, false, 0L);
            float[] l = g.readFloats(losses, N);
            assertTrue(Float.isFinite(l[0]));
            assertTrue(Float.isNaN(l[1]), "loss for target 10 >= V must be NaN, got " + l[1]);
        }
    }
}
