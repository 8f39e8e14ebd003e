package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.close;
import static dev.flan4j.backend.cuda.Compare.random;
import static dev.flan4j.backend.cuda.Compare.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.Reduction;
import dev.flan4j.backend.ProfilingHooks;
import dev.flan4j.backend.Timer;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every Backend op on CudaBackend against CpuBackend and an fp64 reference (see {@link Compare} for the rule). */
@Tag("gpu")
class CudaBackendOpsGpuTest extends CudaVsCpuTest {
    private SplittableRandom rng;

    @BeforeEach
    void seed() {
        rng = new SplittableRandom(42);
    }

    // ------------------------------------------------------------------ memory

    @Test
    void memoryRoundTripViewsFillCopy() {
        float[] x = random(rng, 1023, 1);
        Tensor t = g(x, 1023);
        assertArrayEquals(x, gpu.toArray(t));
        Tensor v = t.view(17, 113);                      // view at an odd offset
        assertArrayEquals(java.util.Arrays.copyOfRange(x, 17, 130), gpu.toArray(v));
        gpu.fill(v, 2.5f);
        float[] back = gpu.toArray(t);
        for (int i = 0; i < 1023; i++) assertEquals(i >= 17 && i < 130 ? 2.5f : x[i], back[i], 0f, "fill at " + i);
        gpu.fill(v, 0f);
        assertEquals(0f, gpu.toArray(t)[17]);
        Tensor d = gpu.zeros(113);
        owned.add(d);
        gpu.copy(d, t.view(500, 113));
        assertArrayEquals(java.util.Arrays.copyOfRange(x, 500, 613), gpu.toArray(d));
        assertThrows(IllegalArgumentException.class, () -> gpu.copy(d, t.view(0, 112)));
        assertThrows(IllegalArgumentException.class, () -> gpu.add(d, d, c(new float[113], 113), 113));
        v.close();                                       // closing a view frees nothing
        assertArrayEquals(java.util.Arrays.copyOfRange(x, 500, 613), gpu.toArray(t.view(500, 113)));
    }

    // ------------------------------------------------------------------ GEMM

    static Stream<Arguments> gemmCases() {
        List<Arguments> l = new ArrayList<>();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                l.add(Arguments.of(1, 17, 59, 113, ta, tb, 1f, 0f));
                l.add(Arguments.of(3, 1, 7, 1023, ta, tb, 0.7f, 0.3f));
            }
        }
        l.add(Arguments.of(2, 113, 64, 59, false, true, -1.5f, 1f));
        return l.stream();
    }

    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} tA={4} tB={5} alpha={6} beta={7}")
    @MethodSource("gemmCases")
    void matmul(int batch, int m, int n, int k, boolean tA, boolean tB, float alpha, float beta) {
        float[] a = random(rng, batch * m * k, 1), b = random(rng, batch * k * n, 1), o = random(rng, batch * m * n, 1);
        Tensor ga = g(a, batch * m * k), gb = g(b, batch * k * n), go = g(o, batch * m * n);
        Tensor ca = c(a, batch * m * k), cb = c(b, batch * k * n), co = c(o, batch * m * n);
        gpu.matmul(go, ga, gb, batch, m, n, k, tA, tB, alpha, beta);
        cpu.matmul(co, ca, cb, batch, m, n, k, tA, tB, alpha, beta);
        close("matmul", gpu.toArray(go), cpu.toArray(co), Ref64.matmul(a, b, o, batch, m, n, k, tA, tB, alpha, beta));
    }

    // ------------------------------------------------------------------ bias, layer norm, gelu, add, scale

    @ParameterizedTest(name = "rows={0} cols={1}")
    @ValueSource(ints = {1, 17, 113, 1023})
    void biasForwardBackward(int rows) {
        int cols = 59;
        float[] o = random(rng, rows * cols, 1), b = random(rng, cols, 1), db0 = random(rng, cols, 1);
        Tensor go = g(o, rows, cols), gb = g(b, cols), gdb = g(db0, cols);
        Tensor co = c(o, rows, cols), cb = c(b, cols), cdb = c(db0, cols);
        gpu.addBias(go, gb, rows, cols);
        cpu.addBias(co, cb, rows, cols);
        double[] ref = new double[rows * cols], dref = new double[cols];
        for (int r = 0; r < rows; r++) for (int j = 0; j < cols; j++) ref[r * cols + j] = (double) o[r * cols + j] + b[j];
        close("addBias", gpu.toArray(go), cpu.toArray(co), ref);
        gpu.biasBackward(gdb, g(o, rows, cols), rows, cols);
        cpu.biasBackward(cdb, c(o, rows, cols), rows, cols);
        for (int j = 0; j < cols; j++) {
            dref[j] = db0[j];
            for (int r = 0; r < rows; r++) dref[j] += o[r * cols + j];
        }
        close("biasBackward", gpu.toArray(gdb), cpu.toArray(cdb), dref);
    }

    @ParameterizedTest(name = "N={0} C={1}")
    @MethodSource("lnCases")
    void layerNorm(int N, int C) {
        float[] x = random(rng, N * C, 2), w = random(rng, C, 1), b = random(rng, C, 1);
        for (int i = 0; i < x.length; i++) x[i] += 3;   // a mean far from 0
        float eps = 1e-5f;
        Tensor gx = g(x, N, C), gw = g(w, C), gb = g(b, C), go = g(new float[N * C], N, C), gm = g(new float[N], N),
                gr = g(new float[N], N);
        Tensor cx = c(x, N, C), cw = c(w, C), cb = c(b, C), co = c(new float[N * C], N, C), cm = c(new float[N], N),
                cr = c(new float[N], N);
        gpu.layerNormForward(go, gm, gr, gx, gw, gb, N, C, eps);
        cpu.layerNormForward(co, cm, cr, cx, cw, cb, N, C, eps);
        double[][] ref = Ref64.layerNorm(x, w, b, N, C, eps);
        close("layerNorm out", gpu.toArray(go), cpu.toArray(co), ref[0]);
        close("layerNorm mean", gpu.toArray(gm), cpu.toArray(cm), ref[1]);
        close("layerNorm rstd", gpu.toArray(gr), cpu.toArray(cr), ref[2]);

        float[] dout = random(rng, N * C, 1), dx0 = random(rng, N * C, 1), dw0 = random(rng, C, 1), db0 = random(rng, C, 1);
        Tensor gdx = g(dx0, N, C), gdw = g(dw0, C), gdb = g(db0, C), cdx = c(dx0, N, C), cdw = c(dw0, C), cdb = c(db0, C);
        gpu.layerNormBackward(gdx, gdw, gdb, g(dout, N, C), gx, gw, gm, gr, N, C);
        cpu.layerNormBackward(cdx, cdw, cdb, c(dout, N, C), cx, cw, cm, cr, N, C);
        double[][] dref = Ref64.layerNormBackward(dout, x, w, dx0, dw0, db0, N, C, eps);
        close("layerNorm dx", gpu.toArray(gdx), cpu.toArray(cdx), dref[0]);
        close("layerNorm dweight", gpu.toArray(gdw), cpu.toArray(cdw), dref[1]);
        close("layerNorm dbias", gpu.toArray(gdb), cpu.toArray(cdb), dref[2]);
    }

    static Stream<Arguments> lnCases() {
        return Stream.of(Arguments.of(1, 59), Arguments.of(17, 59), Arguments.of(113, 64), Arguments.of(1023, 59),
                Arguments.of(5, 1), Arguments.of(3, 1030));
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 113 * 59, 1023 * 4 * 59})
    void geluAddScale(int n) {
        float[] x = random(rng, n, 2), dout = random(rng, n, 1);
        Tensor gx = g(x, n), go = g(new float[n], n), cx = c(x, n), co = c(new float[n], n);
        gpu.geluForward(go, gx, n);
        cpu.geluForward(co, cx, n);
        double[] ref = new double[n], dref = new double[n], sum = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = Ref64.gelu(x[i]);
            dref[i] = Ref64.geluGrad(x[i]) * dout[i];
            sum[i] = (double) x[i] + dout[i];
        }
        close("gelu", gpu.toArray(go), cpu.toArray(co), ref);
        Tensor gd = g(dout, n), cd = c(dout, n);
        gpu.geluBackward(gd, gx, gd, n);   // dx aliases dout, as the model does
        cpu.geluBackward(cd, cx, cd, n);
        close("gelu backward", gpu.toArray(gd), cpu.toArray(cd), dref);

        Tensor ga = g(x, n), gb = g(dout, n), ca = c(x, n), cb = c(dout, n);
        gpu.add(ga, ga, gb, n);            // out aliases a
        cpu.add(ca, ca, cb, n);
        close("add", gpu.toArray(ga), cpu.toArray(ca), sum);
        gpu.scale(gb, -0.37f);
        cpu.scale(cb, -0.37f);
        double[] sc = new double[n];
        for (int i = 0; i < n; i++) sc[i] = dout[i] * (double) -0.37f;
        close("scale", gpu.toArray(gb), cpu.toArray(cb), sc);
    }

    // ------------------------------------------------------------------ embedding

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 17, 113, 1023})
    void embedding(int N) {
        int C = 59, V = 50, maxT = 1024;
        int[] tokens = new int[N], positions = new int[N];
        for (int i = 0; i < N; i++) {
            tokens[i] = rng.nextInt(i % 3 == 0 ? 3 : V);   // many repeats: the scatter-add must not lose updates
            positions[i] = i % 113;                         // packed rows: positions restart
        }
        float[] wte = random(rng, V * C, 1), wpe = random(rng, maxT * C, 1);
        Tensor go = g(new float[N * C], N, C), co = c(new float[N * C], N, C);
        gpu.embeddingForward(go, tokens, positions, g(wte, V, C), g(wpe, maxT, C), N, C);
        cpu.embeddingForward(co, tokens, positions, c(wte, V, C), c(wpe, maxT, C), N, C);
        double[] ref = new double[N * C];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < C; j++) ref[i * C + j] = (double) wte[tokens[i] * C + j] + wpe[positions[i] * C + j];
        }
        close("embedding", gpu.toArray(go), cpu.toArray(co), ref);

        float[] dout = random(rng, N * C, 1), dwte0 = random(rng, V * C, 1), dwpe0 = random(rng, maxT * C, 1);
        Tensor gdwte = g(dwte0, V, C), gdwpe = g(dwpe0, maxT, C), cdwte = c(dwte0, V, C), cdwpe = c(dwpe0, maxT, C);
        gpu.embeddingBackward(gdwte, gdwpe, g(dout, N, C), tokens, positions, N, C);
        cpu.embeddingBackward(cdwte, cdwpe, c(dout, N, C), tokens, positions, N, C);
        double[] rte = toDouble(dwte0), rpe = toDouble(dwpe0);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < C; j++) {
                rte[tokens[i] * C + j] += dout[i * C + j];
                rpe[positions[i] * C + j] += dout[i * C + j];
            }
        }
        close("embedding dwte", gpu.toArray(gdwte), cpu.toArray(cdwte), rte);
        close("embedding dwpe", gpu.toArray(gdwpe), cpu.toArray(cdwpe), rpe);

        int[] bad = tokens.clone();
        bad[N - 1] = V;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.embeddingForward(go, bad, positions, g(wte, V, C), g(wpe, maxT, C), N, C));
        assertEquals("tokens[" + (N - 1) + "] = " + V + " is outside [0, " + V + ")", e.getMessage());
    }

    // ------------------------------------------------------------------ attention

    /** (cuSeqlens, NH, HD): single documents of T = 1, 17, 113, 1023, packed documents, fused and simple head dims. */
    static Stream<Arguments> attentionCases() {
        return Stream.of(
                Arguments.of(new int[] {0, 1}, 2, 32),
                Arguments.of(new int[] {0, 17}, 3, 16),
                Arguments.of(new int[] {0, 113}, 2, 64),
                Arguments.of(new int[] {0, 113}, 1, 59),            // C = 59
                Arguments.of(new int[] {0, 113}, 1, 128),
                Arguments.of(new int[] {0, 1023}, 1, 32),
                Arguments.of(new int[] {0, 1023}, 2, 16),
                Arguments.of(new int[] {0, 5, 17, 130, 131}, 2, 64),  // packed rows, fused
                Arguments.of(new int[] {0, 5, 17, 130, 131}, 3, 40),  // packed rows, simple kernel
                Arguments.of(new int[] {0, 64, 128, 192}, 4, 32));    // B rows of T
    }

    @ParameterizedTest(name = "cu={0} NH={1} HD={2}")
    @MethodSource("attentionCases")
    void attention(int[] cu, int NH, int HD) {
        int N = cu[cu.length - 1], C = NH * HD;
        float scale = (float) (1 / Math.sqrt(HD));
        float[] qkv = random(rng, N * 3 * C, 1), dout = random(rng, N * C, 1);   // grad_output != 1
        Tensor gq = g(qkv, N, 3 * C), go = g(new float[N * C], N, C), gl = g(new float[N * NH], N, NH);
        Tensor cq = c(qkv, N, 3 * C), co = c(new float[N * C], N, C), cl = c(new float[N * NH], N, NH);
        gpu.attentionForward(go, gl, gq, cu, N, NH, HD, scale);
        cpu.attentionForward(co, cl, cq, cu, N, NH, HD, scale);
        double[][] ref = Ref64.attention(qkv, cu, N, NH, HD, scale);
        close("attention out", gpu.toArray(go), cpu.toArray(co), ref[0]);
        close("attention lse [N, NH]", gpu.toArray(gl), cpu.toArray(cl), ref[1]);

        float[] junk = random(rng, N * 3 * C, 5);   // dqkv is overwritten, not accumulated
        Tensor gdq = g(junk, N, 3 * C), cdq = c(junk, N, 3 * C);
        gpu.attentionBackward(gdq, g(dout, N, C), gq, go, gl, cu, N, NH, HD, scale);
        cpu.attentionBackward(cdq, c(dout, N, C), cq, co, cl, cu, N, NH, HD, scale);
        close("attention dqkv", gpu.toArray(gdq), cpu.toArray(cdq),
                Ref64.attentionBackward(qkv, dout, cu, N, NH, HD, scale));
    }

    @ParameterizedTest(name = "NH={0} HD={1}")
    @MethodSource("decodeCases")
    void attentionDecode(int NH, int HD) {
        int C = NH * HD, tMax = 40;
        float scale = (float) (1 / Math.sqrt(HD));
        Tensor gk = g(new float[tMax * C], tMax, C), gv = g(new float[tMax * C], tMax, C);
        Tensor ck = c(new float[tMax * C], tMax, C), cv = c(new float[tMax * C], tMax, C);
        int[][] steps = {{0, 7}, {7, 1}, {8, 13}, {5, 2}, {7, 33}};   // prefill, decode, chunk, truncate, refill to Tmax
        for (int[] st : steps) {
            int start = st[0], n = st[1];
            float[] qkv = random(rng, n * 3 * C, 1);
            Tensor go = g(new float[n * C], n, C), co = c(new float[n * C], n, C);
            gpu.attentionDecode(go, g(qkv, n, 3 * C), gk, gv, start, n, NH, HD, scale);
            cpu.attentionDecode(co, c(qkv, n, 3 * C), ck, cv, start, n, NH, HD, scale);
            float[] cpuOut = cpu.toArray(co);
            close("decode start=" + start + " n=" + n, gpu.toArray(go), cpuOut, toDouble(cpuOut), 2e-5);
            float[] gkA = gpu.toArray(gk), ckA = cpu.toArray(ck);
            for (int i = 0; i < (start + n) * C; i++) assertEquals(ckA[i], gkA[i], 0f, "kCache at " + i);
        }
        // start = 0 over a fresh cache equals attentionForward of one document
        int n = 17;
        float[] qkv = random(rng, n * 3 * C, 1);
        Tensor go = g(new float[n * C], n, C), fo = g(new float[n * C], n, C);
        gpu.attentionDecode(go, g(qkv, n, 3 * C), gk, gv, 0, n, NH, HD, scale);
        gpu.attentionForward(fo, g(new float[n * NH], n, NH), g(qkv, n, 3 * C), new int[] {0, n}, n, NH, HD, scale);
        double[] ref = Ref64.attention(qkv, new int[] {0, n}, n, NH, HD, scale)[0];
        close("decode vs forward", gpu.toArray(go), gpu.toArray(fo), ref);
        assertThrows(IllegalArgumentException.class,
                () -> gpu.attentionDecode(go, g(qkv, n, 3 * C), gk, gv, tMax - 1, 2, NH, HD, scale));
    }

    static Stream<Arguments> decodeCases() {
        return Stream.of(Arguments.of(4, 16), Arguments.of(2, 32), Arguments.of(1, 59), Arguments.of(2, 64));
    }

    // ------------------------------------------------------------------ cross-entropy

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 17, 113, 1023})
    void crossEntropy(int N) {
        int V = 50, Vp = 64, ignore = -100;
        float dscale = 0.37f;
        int[] targets = new int[N];
        for (int i = 0; i < N; i++) targets[i] = (i % 5 == 3) ? ignore : rng.nextInt(V);
        float[] logits = random(rng, N * Vp, 3);
        for (int i = 0; i < N; i++) for (int v = V; v < Vp; v++) logits[i * Vp + v] = 1000f;   // padding must not count
        double[][] ref = Ref64.crossEntropy(logits, targets, N, V, Vp, ignore, dscale);
        double refSum = 0;
        int count = 0;
        for (int i = 0; i < N; i++) {
            if (targets[i] != ignore) {
                refSum += ref[0][i];
                count++;
            }
        }
        for (Reduction red : Reduction.values()) {
            Tensor gL = g(logits, N, Vp), cL = c(logits, N, Vp), gl = g(new float[N], N), cl = c(new float[N], N);
            double gr = gpu.crossEntropy(gl, gL, targets, N, V, Vp, ignore, red, 0f);
            double cr = cpu.crossEntropy(cl, cL, targets, N, V, Vp, ignore, red, 0f);
            close("ce losses " + red, gpu.toArray(gl), cpu.toArray(cl), ref[0]);
            assertArrayEquals(logits, gpu.toArray(gL), "logits untouched when dlogitsScale = 0");
            if (red == Reduction.NONE) {
                assertTrue(Double.isNaN(gr) && Double.isNaN(cr));
            } else {
                double want = red == Reduction.SUM ? refSum : (count == 0 ? 0 : refSum / count);
                assertEquals(want, gr, 2 * Math.abs(cr - want) + 1e-5 * Math.max(1, Math.abs(want)), "ce " + red);
            }
        }
        Tensor gL = g(logits, N, Vp), cL = c(logits, N, Vp), gl = g(new float[N], N), cl = c(new float[N], N);
        gpu.crossEntropy(gl, gL, targets, N, V, Vp, ignore, Reduction.MEAN, dscale);
        cpu.crossEntropy(cl, cL, targets, N, V, Vp, ignore, Reduction.MEAN, dscale);
        close("ce dlogits (in place, padding and ignored rows 0)", gpu.toArray(gL), cpu.toArray(cL), ref[1]);
        int[] bad = targets.clone();
        bad[0] = V;
        assertThrows(IllegalArgumentException.class,
                () -> gpu.crossEntropy(gl, gL, bad, N, V, Vp, ignore, Reduction.MEAN, 0f));
    }

    @Test
    void crossEntropyAllIgnored() {
        int N = 3, V = 5, Vp = 8;
        int[] t = {-1, -1, -1};
        Tensor gL = g(random(rng, N * Vp, 1), N, Vp), gl = g(new float[N], N);
        assertEquals(0.0, gpu.crossEntropy(gl, gL, t, N, V, Vp, -1, Reduction.MEAN, 1f));
        assertArrayEquals(new float[N * Vp], gpu.toArray(gL));
    }

    // ------------------------------------------------------------------ optimizer, norms

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 1023, 300_007})
    void adamWAndSumOfSquares(int n) {
        float[] p = random(rng, n, 1), m = new float[n], v = new float[n];
        Tensor gp = g(p, n), gm = g(m, n), gv = g(v, n), cp = c(p, n), cm = c(m, n), cv = c(v, n);
        double[] rp = toDouble(p), rm = new double[n], rv = new double[n];
        float lr = 1e-2f, b1 = 0.9f, b2 = 0.95f, eps = 1e-8f, wd = 0.1f;
        for (int t = 1; t <= 3; t++) {
            float[] grad = random(rng, n, 0.1);
            gpu.adamW(gp, g(grad, n), gm, gv, n, lr, b1, b2, eps, wd, t);
            cpu.adamW(cp, c(grad, n), cm, cv, n, lr, b1, b2, eps, wd, t);
            for (int i = 0; i < n; i++) {
                rm[i] = b1 * rm[i] + (1 - (double) b1) * grad[i];
                rv[i] = b2 * rv[i] + (1 - (double) b2) * grad[i] * grad[i];
                double mh = rm[i] / (1 - Math.pow(b1, t)), vh = rv[i] / (1 - Math.pow(b2, t));
                rp[i] -= lr * (mh / (Math.sqrt(vh) + eps) + wd * rp[i]);
            }
        }
        close("adamW param", gpu.toArray(gp), cpu.toArray(cp), rp);
        close("adamW m", gpu.toArray(gm), cpu.toArray(cm), rm);
        close("adamW v", gpu.toArray(gv), cpu.toArray(cv), rv);
        assertThrows(IllegalArgumentException.class, () -> gpu.adamW(gp, gp, gm, gv, n, lr, b1, b2, eps, wd, 0));

        double got = gpu.sumOfSquares(gp.view(0, n));
        float[] cur = gpu.toArray(gp);
        double ref = 0;
        for (float x : cur) ref += (double) x * x;
        // fp32 accumulation on the device (documented): relative 1e-5
        assertEquals(ref, got, 1e-5 * ref + 1e-12, "sumOfSquares");
        assertEquals(ref, cpu.sumOfSquares(c(cur, n)), 1e-9 * ref + 1e-12);
    }

    // ------------------------------------------------------------------ device scalars (a step without readbacks)

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 1023, 300_007, 5_000_003})   // one block .. the 1024-block cap with a grid-stride
    void sumsIntoDeviceScalarsMatchTheCpuAndRepeatBitForBit(int n) {
        float[] x = random(rng, n, 1);
        Tensor gx = g(x, n), cx = c(x, n);
        double sum = 0, sq = 0, mag = 0;
        for (float v : x) {
            sum += v;
            sq += (double) v * v;
            mag += Math.abs(v);
        }
        // Two slots of a stats buffer, accumulated into from 0.5: fp32 on the device, double on the CPU.
        Tensor gs = g(new float[]{0.5f, 0.5f, 9f}, 3), cs = c(new float[]{0.5f, 0.5f, 9f}, 3);
        gpu.sumInto(gs.view(0, 1), gx);
        gpu.sumOfSquaresInto(gs.view(1, 1), gx);
        cpu.sumInto(cs.view(0, 1), cx);
        cpu.sumOfSquaresInto(cs.view(1, 1), cx);
        float[] got = gpu.toArray(gs), want = cpu.toArray(cs);
        assertEquals(0.5 + sum, got[0], 1e-6 * (mag + 1), "sumInto");
        assertEquals(0.5 + sum, want[0], 1e-7 * (mag + 1), "cpu sumInto");
        assertEquals(0.5 + sq, got[1], 1e-6 * (sq + 1), "sumOfSquaresInto");
        assertEquals(0.5 + sq, want[1], 1e-7 * (sq + 1), "cpu sumOfSquaresInto");
        assertEquals(9f, got[2], 0f, "the next slot is untouched");
        // Deterministic: the same input gives the same bits again.
        Tensor again = g(new float[]{0.5f, 0.5f}, 2);
        gpu.sumInto(again.view(0, 1), gx);
        gpu.sumOfSquaresInto(again.view(1, 1), gx);
        float[] b = gpu.toArray(again);
        assertEquals(Float.floatToIntBits(got[0]), Float.floatToIntBits(b[0]), "sumInto repeats");
        assertEquals(Float.floatToIntBits(got[1]), Float.floatToIntBits(b[1]), "sumOfSquaresInto repeats");
    }

    @Test
    void clipFactorAndScaleByMatchTheCpuBitForBit() {
        double[][] cases = {{4, 1}, {1, 1}, {0.25, 1}, {2.25, 1.5}, {9, 0}, {9, -1}, {0, 1}, {Double.NaN, 1},
                {Double.POSITIVE_INFINITY, 1}, {1e30, 0.3}, {3.7, 1.9}};
        for (double[] k : cases) {
            float[] ns = {(float) k[0]};
            Tensor gf = g(new float[1], 1), cf = c(new float[1], 1);
            gpu.clipFactor(gf, g(ns, 1), k[1]);
            cpu.clipFactor(cf, c(ns, 1), k[1]);
            assertEquals(Float.floatToIntBits(cpu.toArray(cf)[0]), Float.floatToIntBits(gpu.toArray(gf)[0]),
                    "clipFactor normSq " + k[0] + " maxNorm " + k[1]);
        }
        int n = 300_007;
        float[] x = random(rng, n, 1);
        Tensor gx = g(x, n), cx = c(x, n);
        gpu.scaleBy(gx, g(new float[]{0.37f}, 1));
        cpu.scaleBy(cx, c(new float[]{0.37f}, 1));
        assertArrayEquals(cpu.toArray(cx), gpu.toArray(gx), 0f, "scaleBy");
        Tensor buf = g(new float[8], 8);
        assertThrows(IllegalArgumentException.class, () -> gpu.scaleBy(buf, buf.view(3, 1)), "factor inside t");
    }

    // ------------------------------------------------------------------ profiling hooks

    @Test
    void profilingHooks() {
        ProfilingHooks h = gpu.profiling();
        assertTrue(h.gpuName() != null && !h.gpuName().isBlank());
        assertTrue(h.l2CacheBytes() > 0, "L2 bytes " + h.l2CacheBytes());
        assertTrue(h.implementation("matmul").startsWith("cuBLAS"), h.implementation("matmul"));
        try (Timer t = h.newTimer()) {
            t.start();
            Tensor x = gpu.zeros(1 << 20);
            owned.add(x);
            gpu.fill(x, 1f);
            double ms = t.stopMillis();
            assertTrue(ms >= 0 && Double.isFinite(ms), "elapsed " + ms);
            assertTrue(t.description().contains("CUDA events"), t.description());
        }
        Backend b = gpu;
        assertEquals("cuda", b.name());
    }
}
