package dev.flan4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FlashAttention rule of thumb: the CUDA result's max error against an fp64 reference is at most twice the fp32
 * CPU path's error, plus a per-dtype absolute tolerance scaled by the reference's magnitude (fp32: 1e-5 relative to
 * max|ref|, which covers different but equally valid fp32 summation orders when the CPU happens to be closer).
 */
final class Compare {
    private Compare() {}

    static final double FP32_TOL = 1e-5;

    static void close(String what, float[] gpu, float[] cpu, double[] ref) {
        close(what, gpu, cpu, ref, FP32_TOL);
    }

    static void close(String what, float[] gpu, float[] cpu, double[] ref, double relTol) {
        assertEquals(ref.length, gpu.length, what + ": length");
        assertEquals(ref.length, cpu.length, what + ": length");
        double scale = 0, eg = 0, ec = 0;
        int worst = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            double g = Math.abs(gpu[i] - ref[i]);
            if (!(g <= eg)) {   // NaN counts as the worst
                eg = Double.isNaN(g) ? Double.POSITIVE_INFINITY : g;
                worst = i;
            }
            ec = Math.max(ec, Math.abs(cpu[i] - ref[i]));
        }
        double bound = 2 * ec + relTol * Math.max(1.0, scale);
        assertTrue(eg <= bound, String.format(java.util.Locale.ROOT,
                "%s: max |cuda - fp64| = %.3e at %d (cuda %.8g, ref %.8g) > bound %.3e (2 x cpu error %.3e + %.1e x %.3g)",
                what, eg, worst, gpu[worst], ref[worst], bound, ec, relTol, Math.max(1.0, scale)));
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static float[] random(java.util.SplittableRandom r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) (r.nextGaussian() * scale);
        return f;
    }
}
