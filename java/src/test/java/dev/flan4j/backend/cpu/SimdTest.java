package dev.flan4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The array kernels against naive double-precision loops, at lengths that leave vector tails. */
class SimdTest {
    private final SplittableRandom rng = new SplittableRandom(7);

    private float[] random(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return a;
    }

    @Test
    void theTestRunnerHasTheVectorApi() {
        // The surefire argLine adds jdk.incubator.vector, so the tests below exercise the SIMD kernels.
        assertTrue(Simd.VECTOR, "jdk.incubator.vector is missing: " + Simd.describe());
    }

    @Test
    void expMatchesMathExpToFloatPrecisionAcrossItsRange() {
        float[] x = new float[2003];
        for (int i = 0; i < x.length; i++) x[i] = -87f + 167f * i / (x.length - 1);   // [-87, 80]: the fp32 sum stays finite
        float[] y = x.clone();
        double sum = Simd.expShiftSum(y, 0, y.length, 0f, 1f);
        double want = 0;
        for (int i = 0; i < x.length; i++) {
            double e = Math.exp(x[i]);
            want += e;
            assertEquals(e, y[i], 3e-7 * e, "exp(" + x[i] + ")");
        }
        assertEquals(want, sum, 1e-6 * want);
        assertEquals(want, Simd.expShiftSumOnly(x, 0, x.length, 0f), 1e-6 * want);
    }

    @Test
    void expSaturatesAndPropagatesNaN() {
        float[] x = {-1e9f, -100f, 0f, 100f, Float.NaN, 1f, 2f, 3f, 4f};
        Simd.expShiftSum(x, 0, x.length, 0f, 1f);
        assertTrue(x[0] >= 0 && x[0] < 1e-37f, "exp(-1e9) = " + x[0]);
        assertTrue(x[1] >= 0 && x[1] < 1e-37f, "exp(-100) = " + x[1]);
        assertEquals(1f, x[2]);
        assertTrue(Float.isFinite(x[3]) && x[3] > 1e38f, "exp(100) clamps to a finite " + x[3]);
        assertTrue(Float.isNaN(x[4]), "exp(NaN) = " + x[4]);
    }

    /** The scalar tail of a vector loop clamps as the lanes do, at any vector width: the same value in both. */
    @Test
    void vectorLanesAndTheScalarTailAgree() {
        int n = 2 * Simd.LANES + 3;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (i % 3 == 0) ? 100f : (i % 3 == 1) ? -200f : 0.5f;
        float[] y = x.clone();
        Simd.expShiftSum(y, 0, n, 0f, 1f);
        for (int i = 0; i < n; i++) assertEquals(y[i % 3], y[i], 2e-7f * Math.abs(y[i % 3]), "element " + i + " of " + n);
        assertTrue(Float.isFinite(y[n - 3]) && y[n - 2] > 0, "the tail: " + y[n - 3] + ", " + y[n - 2]);
    }

    @Test
    void shiftAndScaleGiveASoftmax() {
        float[] x = random(1001, 5);
        float max = Simd.max(x, 0, x.length);
        double s = Simd.expShiftSumOnly(x, 0, x.length, max);
        double lse = max + Math.log(s);
        float[] p = x.clone();
        Simd.expShiftSum(p, 0, p.length, (float) lse, 0.5f);
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            assertEquals(0.5 * Math.exp(x[i] - lse), p[i], 1e-6 * 0.5 * Math.exp(x[i] - lse) + 1e-12);
            total += p[i];
        }
        assertEquals(0.5, total, 1e-5);
    }

    @Test
    void geluAndItsGradientMatchTheDoubleFormula() {
        int n = 4099;
        float[] x = random(n, 8), out = new float[n], g = random(n, 1), dx = new float[n];
        Simd.gelu(x, out, n);
        Simd.geluBackward(x, g, dx, n);
        double k = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < n; i++) {
            double v = x[i], u = k * (v + 0.044715 * v * v * v), th = Math.tanh(u);
            double want = 0.5 * v * (1 + th);
            double grad = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * k * (1 + 3 * 0.044715 * v * v);
            assertEquals(want, out[i], 1e-6 * Math.max(1, Math.abs(want)), "gelu(" + v + ")");
            assertEquals(grad * g[i], dx[i], 2e-6 * Math.max(1, Math.abs(grad)), "gelu'(" + v + ")");
        }
    }

    @Test
    void reductionsAndAxpyMatchNaiveLoops() {
        for (int n : new int[]{0, 1, 7, 8, 9, 63, 64, 65, 1000}) {
            float[] a = random(n + 3, 2), b = random(n + 5, 2);
            double dot = 0, sum = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                dot += (double) a[3 + i] * b[5 + i];
                sum += a[3 + i];
                max = Math.max(max, a[3 + i]);
            }
            assertEquals(dot, Simd.dot(a, 3, b, 5, n), 1e-5 * Math.max(1, n), "dot n=" + n);
            assertEquals(sum, Simd.sum(a, 3, n), 1e-5 * Math.max(1, n), "sum n=" + n);
            assertEquals(max, Simd.max(a, 3, n), "max n=" + n);
            float[] y = b.clone();
            Simd.axpy(y, 5, 0.25f, a, 3, n);
            for (int i = 0; i < n + 5; i++) {
                float want = i >= 5 ? b[i] + 0.25f * a[i - 2] : b[i];
                assertEquals(want, y[i], 1e-6, "axpy n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void gemmAccMatchesANaiveProductForEveryRowCountAndRaggedWidths() {
        for (int rows = 1; rows <= 4; rows++) {
            for (int n : new int[]{1, 5, 8, 17, 64}) {
                int k = 13, lda = k + 2, ldb = n + 3, ldc = n + 1;
                float[] a = random(rows * lda + 1, 1), b = random(k * ldb + 2, 1), c = random(rows * ldc + 4, 1);
                float[] want = c.clone();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < n; j++) {
                        double s = want[4 + r * ldc + j];
                        for (int kk = 0; kk < k; kk++) s += (double) a[1 + r * lda + kk] * b[2 + kk * ldb + j];
                        want[4 + r * ldc + j] = (float) s;
                    }
                }
                Simd.gemmAcc(a, 1, lda, b, 2, ldb, c, 4, ldc, rows, n, k);
                for (int i = 0; i < c.length; i++) assertEquals(want[i], c[i], 1e-5, "rows=" + rows + " n=" + n + " i=" + i);
            }
        }
    }
}
