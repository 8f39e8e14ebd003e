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
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The CPU backend's Llama-family ops: RMSNorm, RoPE and SwiGLU, by hand and against finite differences. */
class CpuLlamaOpsTest {
    private final CpuBackend be = new CpuBackend();
    private final SplittableRandom rng = new SplittableRandom(17);

    private Tensor t(float[] a) { return be.fromArray(a, a.length); }
    private float[] a(Tensor x) { return be.toArray(x); }

    @Test
    void rmsNormHandCase() {
        // x = [1, 2, 3, 4]: mean(x^2) = 7.5, rstd = 1/sqrt(7.5 + 1e-5).
        Tensor out = be.zeros(4), rstd = be.zeros(1);
        be.rmsNormForward(out, rstd, t(new float[]{1, 2, 3, 4}), t(new float[]{1, -1, 2, 0.5f}), 1, 4, 1e-5f);
        double rs = 1 / Math.sqrt(7.5 + 1e-5);
        assertArrayEquals(new float[]{(float) rs, (float) (-2 * rs), (float) (6 * rs), (float) (2 * rs)}, a(out), 1e-6f);
        assertEquals(rs, a(rstd)[0], 1e-7);
    }

    @Test
    void rmsNormBackwardMatchesFiniteDifferencesAndAccumulates() {
        int N = 3, C = 9;
        float[] x = random(rng, N * C, 1), w = random(rng, C, 1), dout = random(rng, N * C, 1);
        Function<float[][], Double> loss = in -> {
            Tensor out = be.zeros(N * C);
            be.rmsNormForward(out, be.zeros(N), t(in[0]), t(in[1]), N, C, 1e-5f);
            return dot(a(out), dout);
        };
        Tensor out = be.zeros(N * C), rstd = be.zeros(N), X = t(x), W = t(w);
        be.rmsNormForward(out, rstd, X, W, N, C, 1e-5f);
        float[] half = new float[N * C];
        java.util.Arrays.fill(half, 0.5f);
        Tensor dx = t(half), dw = t(new float[C]);
        be.fill(dw, 0.25f);
        be.rmsNormBackward(dx, dw, t(dout), X, W, rstd, N, C);
        float[] gx = a(dx), gw = a(dw);
        for (int i = 0; i < gx.length; i++) gx[i] -= 0.5f;
        for (int i = 0; i < gw.length; i++) gw[i] -= 0.25f;
        check("rmsnorm dx", x, gx, v -> loss.apply(new float[][]{v, w}), 64, 1e-2);
        check("rmsnorm dweight", w, gw, v -> loss.apply(new float[][]{x, v}), 64, 1e-2);
    }

    /** cos/sin tables [T, HD/2] for inv_freq = theta^(-2j/HD). */
    private Tensor[] tables(int T, int HD, double theta) {
        float[] c = new float[T * HD / 2], s = new float[T * HD / 2];
        for (int p = 0; p < T; p++) {
            for (int j = 0; j < HD / 2; j++) {
                double ang = p * Math.pow(theta, -2.0 * j / HD);
                c[p * HD / 2 + j] = (float) Math.cos(ang);
                s[p * HD / 2 + j] = (float) Math.sin(ang);
            }
        }
        return new Tensor[]{t(c), t(s)};
    }

    @Test
    void ropeRotatesHalvesByHandAndLeavesOtherColumns() {
        // One row: 2 heads of HD=4 rotated, 3 trailing columns untouched; position 1, theta 100: angles 1 and 0.1.
        int HD = 4, width = 11;
        Tensor[] cs = tables(4, HD, 100);
        float[] x = new float[width];
        for (int i = 0; i < width; i++) x[i] = i + 1;
        Tensor X = t(x);
        be.ropeForward(X, cs[0], cs[1], new int[]{1}, 1, width, 2, HD);
        float[] y = a(X);
        double c0 = Math.cos(1), s0 = Math.sin(1), c1 = Math.cos(0.1), s1 = Math.sin(0.1);
        // head 0: x1 = [1, 2], x2 = [3, 4]
        assertEquals(1 * c0 - 3 * s0, y[0], 1e-6);
        assertEquals(2 * c1 - 4 * s1, y[1], 1e-6);
        assertEquals(3 * c0 + 1 * s0, y[2], 1e-6);
        assertEquals(4 * c1 + 2 * s1, y[3], 1e-6);
        assertEquals(5 * c0 - 7 * s0, y[4], 1e-6);
        for (int i = 8; i < width; i++) assertEquals(x[i], y[i], "column " + i + " is not rotated");
        // Position 0 is the identity; backward undoes forward.
        Tensor Z = t(x);
        be.ropeForward(Z, cs[0], cs[1], new int[]{0}, 1, width, 2, HD);
        assertArrayEquals(x, a(Z));
        be.ropeBackward(X, cs[0], cs[1], new int[]{1}, 1, width, 2, HD);
        assertArrayEquals(x, a(X), 1e-5f);
    }

    @Test
    void ropeBackwardMatchesFiniteDifferences() {
        int N = 5, HD = 6, nHeads = 3, width = 20, T = 9;
        Tensor[] cs = tables(T, HD, 10000);
        int[] pos = {0, 3, 8, 1, 5};
        float[] x = random(rng, N * width, 1), dout = random(rng, N * width, 1);
        Tensor d = t(dout.clone());
        be.ropeBackward(d, cs[0], cs[1], pos, N, width, nHeads, HD);
        check("rope dx", x, a(d), v -> {
            Tensor X = t(v.clone());
            be.ropeForward(X, cs[0], cs[1], pos, N, width, nHeads, HD);
            return dot(a(X), dout);
        }, 100, 1e-2);
    }

    @Test
    void swigluHandCaseAndFiniteDifferences() {
        Tensor out = be.zeros(2);
        be.swigluForward(out, t(new float[]{0, 2, 3, -1}), 1, 2);   // gate [0, 2], up [3, -1]
        assertArrayEquals(new float[]{0f, (float) (-2 / (1 + Math.exp(-2)))}, a(out), 1e-6f);

        int N = 4, I = 7;
        float[] x = random(rng, N * 2 * I, 1.5), dout = random(rng, N * I, 1);
        Tensor dx = be.zeros(N * 2 * I);
        be.fill(dx, 9f);   // overwritten, not accumulated
        be.swigluBackward(dx, t(dout), t(x), N, I);
        check("swiglu dx", x, a(dx), v -> {
            Tensor o = be.zeros(N * I);
            be.swigluForward(o, t(v), N, I);
            return dot(a(o), dout);
        }, 2 * N * I, 1e-2);
    }

    @Test
    void badArgumentsNameTheArgumentAndValue() {
        Tensor[] cs = tables(4, 4, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.ropeForward(be.zeros(8), cs[0], cs[1], new int[]{4}, 1, 8, 2, 4));
        assertTrue(e.getMessage().contains("positions[0]=4") && e.getMessage().contains("[0, 4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> be.ropeForward(be.zeros(8), cs[0], cs[1], new int[]{0}, 1, 8, 3, 4));
        assertTrue(e.getMessage().contains("nHeads=3") && e.getMessage().contains("rowWidth=8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> be.swigluForward(be.zeros(3), be.zeros(8), 1, 4));
        assertTrue(e.getMessage().startsWith("out has 3 elements"), e.getMessage());
        Tensor x = be.zeros(4);
        e = assertThrows(IllegalArgumentException.class, () -> be.rmsNormForward(x, be.zeros(1), x, be.zeros(4), 1, 4, 1e-5f));
        assertTrue(e.getMessage().contains("alias"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> be.rmsNormForward(be.zeros(4), be.zeros(1), be.zeros(4), be.zeros(3), 1, 4, 1e-5f));
        assertTrue(e.getMessage().startsWith("weight has 3 elements"), e.getMessage());
    }
}
