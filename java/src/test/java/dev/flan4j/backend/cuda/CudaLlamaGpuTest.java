package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.close;
import static dev.flan4j.backend.cuda.Compare.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.Param;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Llama-family ops (RMSNorm, RoPE, SwiGLU) on CudaBackend against CpuBackend and an fp64 reference (the rule of
 * {@link Compare}), on odd shapes that take the one-element kernels and on shapes that take the 16-byte ones; then
 * the whole Llama model (forward, backward, KV-cache decode) on CUDA against the CPU.
 */
@Tag("gpu")
class CudaLlamaGpuTest extends CudaVsCpuTest {
    private SplittableRandom rng;

    @BeforeEach
    void seed() {
        rng = new SplittableRandom(43);
    }

    // ------------------------------------------------------------------ RMSNorm

    static Stream<Arguments> rmsCases() {
        // C = 1 and odd C: scalar kernels; 64, 576 (SmolLM2-135M): vector kernels; 3000: wider than the vector rows
        return Stream.of(Arguments.of(1, 1), Arguments.of(17, 59), Arguments.of(113, 64), Arguments.of(33, 576),
                Arguments.of(3, 3000));
    }

    @ParameterizedTest(name = "N={0} C={1}")
    @MethodSource("rmsCases")
    void rmsNorm(int N, int C) {
        float[] x = random(rng, N * C, 2), w = random(rng, C, 1), dout = random(rng, N * C, 1);
        float[] dx0 = random(rng, N * C, 1), dw0 = random(rng, C, 1);
        float eps = 1e-5f;
        Tensor gx = g(x, N, C), gw = g(w, C), go = g(new float[N * C], N, C), gr = g(new float[N], N);
        Tensor cx = c(x, N, C), cw = c(w, C), co = c(new float[N * C], N, C), cr = c(new float[N], N);
        gpu.rmsNormForward(go, gr, gx, gw, N, C, eps);
        cpu.rmsNormForward(co, cr, cx, cw, N, C, eps);
        double[] y = new double[N * C], rstd = new double[N], dx = new double[N * C], dw = new double[C];
        for (int j = 0; j < C; j++) dw[j] = dw0[j];
        for (int i = 0; i < N; i++) {
            double ss = 0, dot = 0;
            for (int j = 0; j < C; j++) ss += (double) x[i * C + j] * x[i * C + j];
            double r = 1 / Math.sqrt(ss / C + eps);
            rstd[i] = r;
            for (int j = 0; j < C; j++) {
                y[i * C + j] = w[j] * x[i * C + j] * r;
                dot += (double) w[j] * dout[i * C + j] * x[i * C + j];
                dw[j] += dout[i * C + j] * x[i * C + j] * r;
            }
            for (int j = 0; j < C; j++) {   // dx += r w dy - r^3 x mean(w dy x)
                dx[i * C + j] = dx0[i * C + j] + r * w[j] * dout[i * C + j] - r * r * r * x[i * C + j] * dot / C;
            }
        }
        close("rmsNorm out", gpu.toArray(go), cpu.toArray(co), y);
        close("rmsNorm rstd", gpu.toArray(gr), cpu.toArray(cr), rstd);
        Tensor gdx = g(dx0, N, C), gdw = g(dw0, C), cdx = c(dx0, N, C), cdw = c(dw0, C);
        gpu.rmsNormBackward(gdx, gdw, g(dout, N, C), gx, gw, gr, N, C);
        cpu.rmsNormBackward(cdx, cdw, c(dout, N, C), cx, cw, cr, N, C);
        close("rmsNorm dx (+=)", gpu.toArray(gdx), cpu.toArray(cdx), dx);
        close("rmsNorm dweight (+=)", gpu.toArray(gdw), cpu.toArray(cdw), dw);
    }

    @Test
    void rmsNormBackwardRejectsDxAliasingDout() {
        Tensor t = g(new float[8], 8), w = g(new float[4], 4), r = g(new float[2], 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.rmsNormBackward(t.view(0, 8), g(new float[4], 4), t.view(0, 8), g(new float[8], 8), w, r, 2, 4));
        assertTrue(e.getMessage().contains("dx must not alias dout"), e.getMessage());
    }

    // ------------------------------------------------------------------ RoPE

    /** cos/sin tables as the model builds them (theta 10000), fp32. */
    static float[][] tables(int tMax, int HD) {
        int half = HD / 2;
        float[] cos = new float[tMax * half], sin = new float[tMax * half];
        for (int p = 0; p < tMax; p++) {
            for (int j = 0; j < half; j++) {
                double ang = p * Math.pow(10000, -2.0 * j / HD);
                cos[p * half + j] = (float) Math.cos(ang);
                sin[p * half + j] = (float) Math.sin(ang);
            }
        }
        return new float[][] {cos, sin};
    }

    /** fp64 rotate-half rotation of heads [0, nHeads) of each row; sign -1 is the backward. */
    static double[] rope(float[] x, float[] cos, float[] sin, int[] pos, int N, int W, int nHeads, int HD, int sign) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i];
        int half = HD / 2;
        for (int i = 0; i < N; i++) {
            for (int h = 0; h < nHeads; h++) {
                for (int j = 0; j < half; j++) {
                    int o = i * W + h * HD + j;
                    double c = cos[pos[i] * half + j], s = sign * (double) sin[pos[i] * half + j];
                    y[o] = x[o] * c - x[o + half] * s;
                    y[o + half] = x[o + half] * c + x[o] * s;
                }
            }
        }
        return y;
    }

    static Stream<Arguments> ropeCases() {
        return Stream.of(
                Arguments.of(37, 72, 6, 8, 16, 0),       // qkv of NH 3, HD 8: q and k rotated, v left alone (vector)
                Arguments.of(19, 37, 2, 6, 5, 0),        // odd half and row width: one-element kernel
                Arguments.of(65, 384, 4, 64, 40, 0),     // HD 64 (SmolLM2): vector kernel
                Arguments.of(65, 384, 4, 64, 40, 1),     // the same through a view one float in: one-element kernel
                Arguments.of(1, 2, 1, 2, 1, 0));
    }

    @ParameterizedTest(name = "N={0} W={1} heads={2} HD={3} tMax={4} offset={5}")
    @MethodSource("ropeCases")
    void ropeForwardBackward(int N, int W, int nHeads, int HD, int tMax, int offset) {
        float[][] t = tables(tMax, HD);
        int[] pos = new int[N + 3];                 // longer than N, as allowed; positions restart per document
        for (int i = 0, len = 1, p = 0; i < pos.length; i++, p++) {
            if (p == len || p == tMax) {
                p = 0;
                len++;
            }
            pos[i] = p;
        }
        float[] x = random(rng, N * W, 1), dy = random(rng, N * W, 1);
        float[] padded = new float[N * W + offset];
        System.arraycopy(x, 0, padded, offset, x.length);
        Tensor gbuf = g(padded, padded.length), gx = gbuf.view(offset, N, W), cx = c(x, N, W);
        Tensor gcos = g(t[0], tMax, HD / 2), gsin = g(t[1], tMax, HD / 2), ccos = c(t[0], tMax, HD / 2),
                csin = c(t[1], tMax, HD / 2);
        gpu.ropeForward(gx, gcos, gsin, pos, N, W, nHeads, HD);
        cpu.ropeForward(cx, ccos, csin, pos, N, W, nHeads, HD);
        float[] gy = gpu.toArray(gx);
        close("rope forward", gy, cpu.toArray(cx), rope(x, t[0], t[1], pos, N, W, nHeads, HD, 1));
        for (int i = 0; i < N; i++) {               // columns after the rotated heads are bit-identical
            for (int col = nHeads * HD; col < W; col++) assertEquals(x[i * W + col], gy[i * W + col], 0f, "v at " + i);
        }
        Tensor gd = g(dy, N, W), cd = c(dy, N, W);
        gpu.ropeBackward(gd, gcos, gsin, pos, N, W, nHeads, HD);
        cpu.ropeBackward(cd, ccos, csin, pos, N, W, nHeads, HD);
        close("rope backward", gpu.toArray(gd), cpu.toArray(cd), rope(dy, t[0], t[1], pos, N, W, nHeads, HD, -1));
        if (offset > 0) assertEquals(0f, gpu.toArray(gbuf)[0], 0f, "nothing written before the view");
    }

    // ------------------------------------------------------------------ SwiGLU

    static Stream<Arguments> swigluCases() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(7, 5), Arguments.of(33, 24), Arguments.of(17, 1536),
                Arguments.of(113, 1001));
    }

    @ParameterizedTest(name = "N={0} I={1}")
    @MethodSource("swigluCases")
    void swigluForwardBackward(int N, int I) {
        float[] x = random(rng, N * 2 * I, 2), dout = random(rng, N * I, 1);
        if (x.length > 4) {
            x[0] = -100f;   // saturated gates stay finite
            x[1] = 100f;
        }
        double[] y = new double[N * I], dx = new double[N * 2 * I];
        for (int r = 0; r < N; r++) {
            for (int j = 0; j < I; j++) {
                double gt = x[r * 2 * I + j], u = x[r * 2 * I + I + j], d = dout[r * I + j], sig = 1 / (1 + Math.exp(-gt));
                y[r * I + j] = gt * sig * u;
                dx[r * 2 * I + j] = d * u * sig * (1 + gt * (1 - sig));
                dx[r * 2 * I + I + j] = d * gt * sig;
            }
        }
        Tensor gx = g(x, N, 2 * I), go = g(new float[N * I], N, I), cx = c(x, N, 2 * I), co = c(new float[N * I], N, I);
        gpu.swigluForward(go, gx, N, I);
        cpu.swigluForward(co, cx, N, I);
        close("swiglu forward", gpu.toArray(go), cpu.toArray(co), y);
        float[] stale = random(rng, N * 2 * I, 1);  // the backward overwrites dx
        Tensor gdx = g(stale, N, 2 * I), cdx = c(stale, N, 2 * I);
        gpu.swigluBackward(gdx, g(dout, N, I), gx, N, I);
        cpu.swigluBackward(cdx, c(dout, N, I), cx, N, I);
        close("swiglu backward", gpu.toArray(gdx), cpu.toArray(cdx), dx);
    }

    // ------------------------------------------------------------------ the model

    /** GQA 4 on 2 heads of HD 4, biases, llama3 rope scaling (one-element RoPE kernel, generic attention). */
    static final LlamaConfig SMALL = new LlamaConfig("llama", 37, 8, 2, 4, 2, 16, 4, 24, 1e-5, 10000,
            new LlamaConfig.RopeScaling("llama3", 4, 1, 4, 4), false, true, true);
    /** HD 64 (vector RoPE, fused attention), GQA 2 on 1, I a multiple of 4 (vector SwiGLU), tied head. */
    static final LlamaConfig WIDE = LlamaConfig.llama(97, 32, 2, 2, 1, 128, 344, true);

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of("small", SMALL), Arguments.of("wide", WIDE));
    }

    private static Llama model(LlamaConfig cfg, Backend be) {
        Llama m = new Llama(cfg, be);
        float[] params = random(new SplittableRandom(11), (int) m.numParameters(), 0.3);
        for (Param p : m.parameters()) {
            if (p.name().endsWith("norm.weight")) for (int i = 0; i < p.size(); i++) params[(int) p.offset() + i] += 1f;
        }
        m.loadParameters(params);
        m.zeroPaddedRows();
        return m;
    }

    /** Packed documents (positions restart per document), a few ignored targets. */
    private static Batch batch(LlamaConfig cfg) {
        SplittableRandom r = new SplittableRandom(5);
        int[] lens = {3, cfg.blockSize(), 1, cfg.blockSize() - 2};
        int N = Arrays.stream(lens).sum();
        int[] tok = new int[N], tgt = new int[N], pos = new int[N], cu = new int[lens.length + 1];
        int i = 0;
        for (int d = 0; d < lens.length; d++) {
            for (int t = 0; t < lens[d]; t++, i++) {
                tok[i] = r.nextInt(cfg.vocabSize());
                tgt[i] = t % 5 == 4 ? Batch.IGNORE : r.nextInt(cfg.vocabSize());
                pos[i] = t;
            }
            cu[d + 1] = i;
        }
        return new Batch(tok, tgt, pos, cu);
    }

    /** max |a - b| / max |b| over the whole array. */
    private static double relError(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double err = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return err / Math.max(scale, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void modelForwardBackwardMatchesTheCpu(String name, LlamaConfig cfg) {
        Batch b = batch(cfg);
        try (Llama mc = model(cfg, cpu); Llama mg = model(cfg, gpu)) {
            mc.zeroGrad();
            mg.zeroGrad();
            double lc = mc.forwardBackward(b, 1f / b.targetCount()), lg = mg.forwardBackward(b, 1f / b.targetCount());
            assertEquals(lc, lg, 1e-5 * Math.abs(lc), "loss");
            double logitErr = relError(gpu.toArray(mg.logits()), cpu.toArray(mc.logits()));
            assertTrue(logitErr < 1e-5, "logits (after backward: their gradient) rel. error " + logitErr);
            float[] gc = cpu.toArray(mc.gradientData()), gg = gpu.toArray(mg.gradientData());
            double worst = 0;
            String worstName = "";
            for (Param p : mc.parameters()) {
                int o = (int) p.offset(), n = (int) p.size();
                double e = relError(Arrays.copyOfRange(gg, o, o + n), Arrays.copyOfRange(gc, o, o + n));
                if (!(e <= worst)) {
                    worst = e;
                    worstName = p.name();
                }
            }
            assertTrue(worst < 1e-4, "gradient rel. error " + worst + " in " + worstName);
            assertTrue(relError(gg, new float[gg.length]) > 0, "gradients are not all zero");
        }
    }

    @Test
    void decodeOnCudaMatchesForwardOnCuda() {
        LlamaConfig cfg = WIDE;
        int Vp = cfg.paddedVocabSize();
        SplittableRandom r = new SplittableRandom(9);
        int[] tokens = new int[cfg.blockSize()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(cfg.vocabSize());
        int[] targets = new int[tokens.length];
        Arrays.fill(targets, Batch.IGNORE);
        try (Llama m = model(cfg, gpu)) {
            m.forward(Batch.rows(1, tokens.length, tokens, targets));
            float[] expected = gpu.toArray(m.logits());
            try (Llama.KvCache cache = m.newCache()) {
                float[] all = gpu.toArray(m.decode(Arrays.copyOf(tokens, 5), cache));
                for (int t = 5; t < tokens.length; t++) {
                    float[] row = gpu.toArray(m.decode(new int[] {tokens[t]}, cache));
                    all = Arrays.copyOf(all, (t + 1) * Vp);
                    System.arraycopy(row, 0, all, t * Vp, Vp);
                }
                double e = relError(all, expected);
                assertTrue(e < 1e-5, "decode vs forward rel. error " + e);
            }
        }
    }
}
