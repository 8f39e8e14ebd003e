package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Param;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import dev.flan4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU's {@link Backend#adafactor} and {@link Adafactor} against the host loop Adafactor ran before the op existed
 * (kept below as {@link HostAdafactor}, verbatim but for the clip, which it fixed at 1): the same bits, step after step.
 */
class AdafactorTest {
    private final CpuBackend be = new CpuBackend();

    /** The previous {@code Adafactor.step} on host arrays (clip a parameter; it was 1.0). */
    static final class HostAdafactor {
        private static final double EPS1 = 1e-30;
        final Map<String, float[]> rows = new LinkedHashMap<>(), cols = new LinkedHashMap<>(), full = new LinkedHashMap<>();
        private final float weightDecay;
        private final double clip;
        int t;
        /** The RMS of u over clip of each update, to tell clipped updates from the others. */
        double lastRmsOverClip;

        HostAdafactor(List<Param> params, float weightDecay, double clip) {
            this.weightDecay = weightDecay;
            this.clip = clip;
            for (Param p : params) {
                if (p.shape().length == 2) {
                    rows.put(p.name(), new float[p.shape()[0]]);
                    cols.put(p.name(), new float[p.shape()[1]]);
                } else {
                    full.put(p.name(), new float[(int) p.size()]);
                }
            }
        }

        void begin() { t++; }

        /** One parameter's update of the step begun last; w is updated in place. */
        void update(Param p, float[] w, float[] g, float lr) {
            double decay = 1 - Math.pow(t, -0.8);
            double[] u = new double[g.length];
            if (p.shape().length == 2) {
                int R = p.shape()[0], C = p.shape()[1];
                float[] r = rows.get(p.name()), c = cols.get(p.name());
                double[] rowSum = new double[R], colSum = new double[C];
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        double g2 = (double) g[i * C + j] * g[i * C + j] + EPS1;
                        rowSum[i] += g2;
                        colSum[j] += g2;
                    }
                }
                double rMean = 0;
                for (int i = 0; i < R; i++) {
                    r[i] = (float) (decay * r[i] + (1 - decay) * rowSum[i] / C);
                    rMean += r[i];
                }
                rMean /= R;
                for (int j = 0; j < C; j++) c[j] = (float) (decay * c[j] + (1 - decay) * colSum[j] / R);
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        double v = (double) r[i] * c[j] / rMean;
                        u[i * C + j] = g[i * C + j] / Math.sqrt(v);
                    }
                }
            } else {
                float[] v = full.get(p.name());
                for (int i = 0; i < g.length; i++) {
                    v[i] = (float) (decay * v[i] + (1 - decay) * ((double) g[i] * g[i] + EPS1));
                    u[i] = g[i] / Math.sqrt(v[i]);
                }
            }
            double ms = 0;
            for (double x : u) ms += x * x;
            lastRmsOverClip = Math.sqrt(ms / u.length) / clip;
            double denom = Math.max(1.0, Math.sqrt(ms / u.length) / clip);
            double wd = p.decay() ? weightDecay : 0;
            for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] - lr * (u[i] / denom + wd * w[i]));
        }
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * scale);
        return x;
    }

    /**
     * The op on random tensors, 2-D (factored) and 1-D (full), weight decay on and off, clips that the update's RMS
     * is above (clipped) and below (not clipped): param and state bit-identical to the host loop over five steps.
     */
    @ParameterizedTest(name = "[{0}, {1}] {2}, wd {3}, clip {4}")
    @CsvSource({
        "1, 1, 2d, 0, 1.0",
        "1, 17, 2d, 0.1, 0.5",
        "17, 1, 2d, 0, 2.0",
        "7, 33, 2d, 0.1, 0.5",
        "33, 7, 2d, 0, 2.0",
        "40, 64, 2d, 0.01, 1.0",
        "1, 1, 1d, 0, 1.0",
        "1, 257, 1d, 0.1, 0.5",
        "1, 1000, 1d, 0, 2.0",
        "1, 64, 1d, 0.01, 1.0"})
    void opIsTheHostLoopBitForBit(int R, int C, String kind, float wd, double clip) {
        boolean factored = kind.equals("2d");
        Param p = new Param("w", factored ? new int[] {R, C} : new int[] {R * C}, true, 0);
        HostAdafactor ref = new HostAdafactor(List.of(p), wd, clip);
        SplittableRandom r = new SplittableRandom(R * 1000L + C);
        float[] w = random(r, R * C, 1);
        boolean above = false, below = false;
        try (Tensor pt = be.fromArray(w, R * C); Tensor row = be.zeros(R); Tensor col = be.zeros(C);
             Tensor v = be.zeros(R * C)) {
            for (int step = 0; step < 5; step++) {
                // rows of different scales, so that the factored second moment differs from the full one
                float[] g = random(r, R * C, 0.1);
                for (int i = 0; i < g.length; i++) g[i] *= 1 + (i / C + step) % 4;
                if (step == 3) g[0] = 0f;   // a zero gradient: only eps1 keeps the moment positive
                ref.begin();
                ref.update(p, w, g, 0.05f);
                above |= ref.lastRmsOverClip > 1;
                below |= ref.lastRmsOverClip < 1;
                double decay = 1 - Math.pow(ref.t, -0.8);
                try (Tensor gt = be.fromArray(g, R * C)) {
                    be.adafactor(pt, gt, factored ? row : null, factored ? col : null, factored ? null : v,
                            factored ? R : 1, factored ? C : R * C, 0.05f, decay, wd, clip, 1e-30);
                }
                assertArrayEquals(w, be.toArray(pt), 0f, "param after step " + ref.t);
                if (factored) {
                    assertArrayEquals(ref.rows.get("w"), be.toArray(row), 0f, "row after step " + ref.t);
                    assertArrayEquals(ref.cols.get("w"), be.toArray(col), 0f, "col after step " + ref.t);
                } else {
                    assertArrayEquals(ref.full.get("w"), be.toArray(v), 0f, "v after step " + ref.t);
                }
            }
        }
        if (clip == 0.5) assertTrue(above, "the update's RMS must exceed the clip in some step");
        if (clip == 2.0) assertTrue(below && !above, "the update's RMS must stay below the clip");
    }

    private static Batch[] batches(int vocab, int T, int count) {
        SplittableRandom r = new SplittableRandom(11);
        Batch[] out = new Batch[count];
        for (int k = 0; k < count; k++) {
            int[] tok = r.ints(2 * T, 0, vocab).toArray(), tgt = new int[2 * T];
            for (int i = 0; i < tgt.length; i++) tgt[i] = (tok[i] + 1) % vocab;
            out[k] = Batch.rows(2, T, tok, tgt);
        }
        return out;
    }

    /** Six steps of a model's real gradients: the weights and the state equal the host loop's to the bit. */
    private void modelMatchesTheHostLoop(CausalLm a, CausalLm b, int vocab, int T, float wd) {
        HostAdafactor ref = new HostAdafactor(b.parameters(), wd, 1.0);
        Batch[] data = batches(vocab, T, 3);
        try (a; b; Adafactor opt = new Adafactor(a, wd)) {
            for (int s = 0; s < 6; s++) {
                Batch batch = data[s % data.length];
                a.zeroGrad();
                b.zeroGrad();
                assertEquals(a.forwardBackward(batch, 1f / batch.targetCount()),
                        b.forwardBackward(batch, 1f / batch.targetCount()), 0.0, "step " + (s + 1));
                float lr = 3e-3f * (s + 1);
                opt.step(lr);
                ref.begin();
                for (Param p : b.parameters()) {
                    float[] w = be.toArray(b.param(p.name()));
                    ref.update(p, w, be.toArray(b.grad(p.name())), lr);
                    try (Tensor src = be.fromArray(w, w.length)) {
                        be.copy(b.param(p.name()), src);
                    }
                }
                assertArrayEquals(be.toArray(b.parameterData()), be.toArray(a.parameterData()), 0f, "step " + (s + 1));
            }
            assertEquals(6, opt.stepCount());
            Map<String, float[]> st = opt.state();
            for (Param p : b.parameters()) {
                if (p.shape().length == 2) {
                    assertArrayEquals(ref.rows.get(p.name()), st.get("adafactor.row." + p.name()), 0f, p.name());
                    assertArrayEquals(ref.cols.get(p.name()), st.get("adafactor.col." + p.name()), 0f, p.name());
                } else {
                    assertArrayEquals(ref.full.get(p.name()), st.get("adafactor.v." + p.name()), 0f, p.name());
                }
            }
            assertEquals(ref.rows.size() + ref.cols.size() + ref.full.size(), st.size(), st.keySet().toString());
        }
    }

    @Test
    void gptStepsAreTheHostLoopBitForBit() {
        GptConfig cfg = new GptConfig(24, 16, 2, 2, 16);
        for (float wd : new float[] {0f, 0.1f}) {
            modelMatchesTheHostLoop(Gpt.initialized(cfg, be, 5), Gpt.initialized(cfg, be, 5), 24, 16, wd);
        }
    }

    @Test
    void llamaStepsAreTheHostLoopBitForBit() {
        LlamaConfig cfg = new LlamaConfig("qwen2", 24, 16, 2, 4, 2, 16, 4, 24, 1e-6, 10000, null, false, true, false);
        modelMatchesTheHostLoop(Llama.initialized(cfg, be, 5), Llama.initialized(cfg, be, 5), 24, 16, 0.1f);
    }

    /** state() then load() into a fresh optimizer continues exactly as the original; bad state is refused by name. */
    @Test
    void stateRoundTripsAndLoadNamesWhatIsMissing() {
        GptConfig cfg = new GptConfig(24, 16, 2, 2, 16);
        Batch[] data = batches(24, 16, 2);
        try (Gpt a = Gpt.initialized(cfg, be, 3); Gpt b = Gpt.initialized(cfg, be, 3);
             Adafactor oa = new Adafactor(a, 0.1f); Adafactor ob = new Adafactor(b, 0.1f)) {
            for (int s = 0; s < 3; s++) {
                a.zeroGrad();
                a.forwardBackward(data[s % 2], 0.1f);
                oa.step(1e-2f);
            }
            be.copy(b.parameterData(), a.parameterData());
            Map<String, float[]> st = oa.state();
            assertTrue(st.containsKey("adafactor.row.wte") && st.containsKey("adafactor.col.wte"), st.keySet().toString());
            assertNotEquals(0f, st.get("adafactor.row.wte")[0]);
            ob.load(st, oa.stepCount());
            assertEquals(3, ob.stepCount());
            for (CausalLm m : List.of(a, b)) {
                m.zeroGrad();
                m.forwardBackward(data[1], 0.1f);
            }
            oa.step(1e-2f);
            ob.step(1e-2f);
            assertArrayEquals(be.toArray(a.parameterData()), be.toArray(b.parameterData()), 0f);

            Map<String, float[]> missing = new LinkedHashMap<>(st);
            missing.remove("adafactor.col.wte");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ob.load(missing, 3));
            assertTrue(e.getMessage().contains("optimizer state lacks adafactor.col.wte of 16 values"), e.getMessage());
            Map<String, float[]> shortV = new LinkedHashMap<>(st);
            String vKey = st.keySet().stream().filter(k -> k.startsWith("adafactor.v.")).findFirst().orElseThrow();
            shortV.put(vKey, new float[1]);
            e = assertThrows(IllegalArgumentException.class, () -> ob.load(shortV, 3));
            assertTrue(e.getMessage().contains("optimizer state lacks " + vKey), e.getMessage());
        }
    }

    @Test
    void opRejectsBadArgumentsByName() {
        try (Tensor p = be.zeros(6); Tensor g = be.zeros(6); Tensor r = be.zeros(2); Tensor c = be.zeros(3);
             Tensor v = be.zeros(6)) {
            assertRejects(() -> be.adafactor(p, g, r, null, null, 2, 3, 0.1f, 0.5, 0f, 1, 1e-30), "col=null");
            assertRejects(() -> be.adafactor(p, g, r, c, v, 2, 3, 0.1f, 0.5, 0f, 1, 1e-30), "row = col = null");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 2, 4, 0.1f, 0.5, 0f, 1, 1e-30), "param has 6 elements");
            assertRejects(() -> be.adafactor(p, g, c, c, null, 2, 3, 0.1f, 0.5, 0f, 1, 1e-30), "row must not be col");
            assertRejects(() -> be.adafactor(p, g, r, r, null, 2, 3, 0.1f, 0.5, 0f, 1, 1e-30), "col has 2 elements");
            assertRejects(() -> be.adafactor(p, g, null, null, r, 2, 3, 0.1f, 0.5, 0f, 1, 1e-30), "v has 2 elements");
            assertRejects(() -> be.adafactor(p, p, null, null, v, 2, 3, 0.1f, 0.5, 0f, 1, 1e-30), "param must not be grad");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 0, 3, 0.1f, 0.5, 0f, 1, 1e-30), "rows must be > 0, got 0");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 2, 3, 0.1f, 1.0, 0f, 1, 1e-30), "decay must be in [0, 1), got 1.0");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 2, 3, Float.NaN, 0.5, 0f, 1, 1e-30), "lr must be finite, got NaN");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 2, 3, 0.1f, 0.5, -1f, 1, 1e-30), "weightDecay must be finite and >= 0, got -1.0");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 2, 3, 0.1f, 0.5, 0f, 0, 1e-30), "clip must be finite and > 0, got 0.0");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 2, 3, 0.1f, 0.5, 0f, 1, 0), "eps1 must be finite and > 0, got 0.0");
            assertRejects(() -> be.adafactor(p, g, r, c, null, 1 << 16, 1 << 16, 0.1f, 0.5, 0f, 1, 1e-30), "too many elements");
        }
    }

    private static void assertRejects(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
