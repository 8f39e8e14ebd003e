package dev.flan4j.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Central finite differences in fp32. The CPU backend computes in fp32, so a perturbation h trades truncation error
 * O(h^2 f''') against round-off O(ulp(L) / h): with inputs of order 1 and scalar losses of order 1-10, h = 1e-2
 * puts both near 1e-4 relative to gradients of order 0.1-1. The checks therefore compare the sampled gradient
 * vectors as a whole (relative L2 error below 1e-2) instead of each coordinate, which is what fp32 allows;
 * a wrong formula gives errors of order 1.
 */
public final class GradCheck {
    private GradCheck() {}

    public static float[] random(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    /**
     * Checks {@code analytic} = dL/dx for a scalar loss {@code L(x)} computed in double from fp32 outputs,
     * on up to {@code samples} coordinates; returns the relative L2 error.
     */
    public static double check(String what, float[] x, float[] analytic, Function<float[], Double> loss, int samples, double h) {
        SplittableRandom rng = new SplittableRandom(what.hashCode());
        int n = Math.min(samples, x.length);
        double err2 = 0, ref2 = 0;
        StringBuilder worst = new StringBuilder();
        double worstAbs = -1;
        for (int s = 0; s < n; s++) {
            int i = x.length <= samples ? s : rng.nextInt(x.length);
            float orig = x[i];
            x[i] = (float) (orig + h);
            double lp = loss.apply(x);
            x[i] = (float) (orig - h);
            double lm = loss.apply(x);
            x[i] = orig;
            double numeric = (lp - lm) / (2 * h);
            double d = numeric - analytic[i];
            err2 += d * d;
            ref2 += numeric * numeric + (double) analytic[i] * analytic[i];
            if (Math.abs(d) > worstAbs) {
                worstAbs = Math.abs(d);
                worst.setLength(0);
                worst.append("index ").append(i).append(": numeric ").append(numeric).append(", analytic ").append(analytic[i]);
            }
        }
        double rel = Math.sqrt(err2 / Math.max(ref2 / 2, 1e-30));
        assertTrue(ref2 > 1e-12, what + ": gradient is all zero on the sampled coordinates, the check would prove nothing");
        assertTrue(rel < 1e-2, what + ": relative L2 error " + rel + " (worst " + worst + ")");
        return rel;
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
