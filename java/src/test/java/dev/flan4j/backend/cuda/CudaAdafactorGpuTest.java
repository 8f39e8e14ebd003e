package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.tensor.Tensor;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CudaBackend#adafactor} against the CPU op (the reference, in double) on odd shapes ({@code CudaTrainingGpuTest}
 * runs Adafactor steps of a tiny GPT on CUDA against the CPU).
 *
 * <p>Tolerances: the CUDA op is fp32 with its own summation order, so the second-moment state agrees with the CPU's to
 * about 1e-6 relative; the update (lr * u / denom, u of order 1) to about 1e-6 of its largest entry, which the test
 * allows 1e-5 of (state 1e-5 too). The GPU must also give the same bits when run twice (deterministic reductions).
 */
@Tag("gpu")
class CudaAdafactorGpuTest extends CudaVsCpuTest {

    private static void near(String what, float[] gpu, float[] cpu, double relTol) {
        assertEquals(cpu.length, gpu.length, what + ": length");
        double scale = 0, err = 0;
        int worst = 0;
        for (int i = 0; i < cpu.length; i++) {
            scale = Math.max(scale, Math.abs(cpu[i]));
            double e = Math.abs((double) gpu[i] - cpu[i]);
            if (!(e <= err)) {
                err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                worst = i;
            }
        }
        assertTrue(err <= relTol * scale, String.format(Locale.ROOT, "%s: max |cuda - cpu| = %.3e at %d (cuda %.8g, cpu %.8g)"
                + " > %.1e x max|cpu| %.3g", what, err, worst, gpu[worst], cpu[worst], relTol, scale));
    }

    private static float[] minus(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
        return d;
    }

    @ParameterizedTest(name = "[{0}, {1}] factored={2} wd={3} clip={4}")
    @CsvSource({
        "1, 1, true, 0, 1.0",
        "1, 17, true, 0.1, 0.5",
        "17, 1, true, 0, 2.0",
        "17, 1000, true, 0.1, 0.5",
        "1000, 17, true, 0, 2.0",
        "1031, 129, true, 0.1, 1.0",
        "129, 2053, true, 0, 0.5",
        "1, 1, false, 0, 1.0",
        "1, 17, false, 0.1, 0.5",
        "1, 1000, false, 0, 2.0",
        "1, 2500007, false, 0.1, 1.0"})
    void opMatchesTheCpu(int R, int C, boolean factored, float wd, double clip) {
        SplittableRandom r = new SplittableRandom(R * 31L + C);
        int n = R * C;
        float[] w0 = random(r, n, 1);
        Tensor gw = g(w0, n), cw = c(w0, n), gw2 = g(w0, n);
        Tensor gr = g(new float[R], R), gc = g(new float[C], C), gv = g(new float[n], n);
        Tensor cr = c(new float[R], R), cc = c(new float[C], C), cv = c(new float[n], n);
        Tensor gr2 = g(new float[R], R), gc2 = g(new float[C], C), gv2 = g(new float[n], n);
        for (int t = 1; t <= 3; t++) {
            float[] grad = random(r, n, 0.1);
            for (int i = 0; i < n; i++) grad[i] *= 1 + (i / C + t) % 4;   // rows of different scales
            double decay = 1 - Math.pow(t, -0.8);
            Tensor gg = g(grad, n), cg = c(grad, n);
            gpu.adafactor(gw, gg, factored ? gr : null, factored ? gc : null, factored ? null : gv, R, C, 0.05f, decay,
                    wd, clip, 1e-30);
            gpu.adafactor(gw2, gg, factored ? gr2 : null, factored ? gc2 : null, factored ? null : gv2, R, C, 0.05f,
                    decay, wd, clip, 1e-30);
            cpu.adafactor(cw, cg, factored ? cr : null, factored ? cc : null, factored ? null : cv, R, C, 0.05f, decay,
                    wd, clip, 1e-30);
        }
        near("update", minus(gpu.toArray(gw), w0), minus(cpu.toArray(cw), w0), 1e-5);
        if (factored) {
            near("row", gpu.toArray(gr), cpu.toArray(cr), 1e-5);
            near("col", gpu.toArray(gc), cpu.toArray(cc), 1e-5);
        } else {
            near("v", gpu.toArray(gv), cpu.toArray(cv), 1e-5);
        }
        assertArrayEquals(gpu.toArray(gw), gpu.toArray(gw2), 0f, "the same bits on a second run");
    }
}
