package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Test helper: random data and tolerant comparisons for GPU-vs-reference checks. */
final class Ref {
    private Ref() {}

    static float[] randn(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller
            double u = r.nextDouble(1e-12, 1.0), v = r.nextDouble();
            a[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return a;
    }

    static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(lo, hi);
        }
        return a;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Asserts |actual - expected| <= atol + rtol * |expected| elementwise, reporting the worst index. */
    static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        assertEquals(expected.length, actual.length, what + ": length");
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double tol = atol + rtol * Math.abs(expected[i]);
            if (!(err <= tol)) { // NaN fails too
                double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - tol;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            fail(what + ": mismatch at index " + worst + " expected " + expected[worst] + " got " + actual[worst]
                    + " (atol " + atol + ", rtol " + rtol + ")");
        }
    }

    static void assertClose(String what, double expected, double actual, double atol, double rtol) {
        assertClose(what, new double[] {expected}, new float[] {(float) actual}, atol, rtol);
    }
}
