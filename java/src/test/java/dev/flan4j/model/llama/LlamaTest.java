package dev.flan4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.GradCheck;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.Param;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LlamaTest {
    private final CpuBackend be = new CpuBackend();

    /** GQA (4 query heads on 2 KV heads), q/k/v and o biases, untied head, Llama-3 rope scaling in its medium band. */
    static final LlamaConfig GQA = new LlamaConfig("llama", 37, 8, 2, 4, 2, 16, 4, 24, 1e-5, 10000,
            new LlamaConfig.RopeScaling("llama3", 4, 1, 4, 4), false, true, true);
    /** No GQA, no biases, tied head (Qwen2-like shapes without bias, the SmolLM2 case). */
    static final LlamaConfig TIED = LlamaConfig.llama(37, 8, 2, 2, 2, 8, 12, true);

    /** Every parameter random (std 0.3; norms around 1) so gradients are of order 0.01-1; padded rows zero. */
    static Llama randomModel(LlamaConfig cfg, CpuBackend be, long seed) {
        Llama m = new Llama(cfg, be);
        float[] params = GradCheck.random(new SplittableRandom(seed), (int) m.numParameters(), 0.3);
        for (Param p : m.parameters()) {
            if (p.name().endsWith("norm.weight")) for (int i = 0; i < p.size(); i++) params[(int) p.offset() + i] += 1f;
        }
        m.loadParameters(params);
        m.zeroPaddedRows();
        return m;
    }

    /** Two rows of 8 tokens; row 0 packs documents of 3 and 5 tokens; a few targets ignored. */
    static Batch packedBatch(int vocab) {
        SplittableRandom r = new SplittableRandom(7);
        int N = 16;
        int[] tok = new int[N], tgt = new int[N];
        for (int i = 0; i < N; i++) { tok[i] = r.nextInt(vocab); tgt[i] = r.nextInt(vocab); }
        tgt[0] = Batch.IGNORE; tgt[3] = Batch.IGNORE; tgt[4] = Batch.IGNORE; tgt[15] = Batch.IGNORE;
        int[] pos = {0, 1, 2, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7};
        return new Batch(tok, tgt, pos, new int[]{0, 3, 8, 16});
    }

    private void gradientCheck(LlamaConfig cfg) {
        Llama m = randomModel(cfg, be, 1);
        float[] params = be.toArray(m.parameterData());
        Batch b = packedBatch(cfg.vocabSize());
        int targets = b.targetCount();
        m.zeroGrad();
        m.forwardBackward(b, 1f);
        float[] grad = be.toArray(m.gradientData());
        int C = cfg.nEmbd();
        double worst = 0;
        String worstName = "";
        for (Param p : m.parameters()) {
            // Embedding and head: the rows of the vocabulary ids the batch uses (all 37 real rows), not the padding.
            int n = p.name().equals(Llama.EMBED) || p.name().equals(Llama.HEAD) ? cfg.vocabSize() * C : (int) p.size();
            float[] sub = Arrays.copyOfRange(params, (int) p.offset(), (int) p.offset() + n);
            float[] gsub = Arrays.copyOfRange(grad, (int) p.offset(), (int) p.offset() + n);
            double rel = GradCheck.check(p.name(), sub, gsub, v -> {
                float[] all = params.clone();
                System.arraycopy(v, 0, all, (int) p.offset(), v.length);
                m.loadParameters(all);
                return m.forward(b) * targets;
            }, 16, 1e-2);
            if (rel > worst) { worst = rel; worstName = p.name(); }
        }
        System.out.printf("llama gradient check (%s): worst relative L2 error %.2e (%s) over %d tensors%n",
                cfg.nKvHead() == cfg.nHead() ? "MHA, tied" : "GQA, biases, untied", worst, worstName, m.parameters().size());
        m.close();
    }

    @Test
    void gradientMatchesFiniteDifferencesWithGqaBiasesUntiedHeadAndRopeScaling() {
        gradientCheck(GQA);
    }

    @Test
    void gradientMatchesFiniteDifferencesTiedWithoutGqa() {
        gradientCheck(TIED);
    }

    @Test
    void paddedVocabularyRowsGetNoGradient() {
        try (Llama m = randomModel(GQA, be, 3)) {
            m.zeroGrad();
            m.forwardBackward(packedBatch(37), 1f);
            for (String name : new String[]{Llama.EMBED, Llama.HEAD}) {
                float[] g = be.toArray(m.grad(name));
                for (int i = 37 * 16; i < 64 * 16; i++) assertEquals(0f, g[i], name + " padded row gradient at " + i);
            }
        }
    }

    @Test
    void tinyModelOverfitsOneBatch() {
        LlamaConfig cfg = LlamaConfig.llama(64, 32, 2, 4, 2, 32, 64, false);
        try (Llama m = Llama.initialized(cfg, be, 11)) {
            SplittableRandom r = new SplittableRandom(5);
            int B = 2, T = 32;
            int[] tok = new int[B * T], tgt = new int[B * T];
            for (int i = 0; i < B * T; i++) tok[i] = r.nextInt(64);
            for (int i = 0; i < B * T; i++) tgt[i] = (i % T == T - 1) ? Batch.IGNORE : tok[i + 1];
            Batch b = Batch.rows(B, T, tok, tgt);
            int n = Math.toIntExact(m.numParameters());
            double first = 0, last = 0;
            try (Tensor mt = be.zeros(n); Tensor vt = be.zeros(n)) {
                for (int step = 1; step <= 300; step++) {
                    m.zeroGrad();
                    double loss = m.forwardBackward(b, 1f / b.targetCount());
                    if (step == 1) first = loss;
                    last = loss;
                    be.adamW(m.parameterData(), m.gradientData(), mt, vt, m.numParameters(), 3e-3f, 0.9f, 0.95f, 1e-8f, 0f, step);
                }
            }
            assertTrue(first > 3.5, "initial loss near ln 64 = 4.16, got " + first);
            assertTrue(last < 0.1 * first, "loss fell from " + first + " to " + last + ", less than 90%");
        }
    }

    @Test
    void badInputsAndConfigsGiveClearErrors() {
        try (Llama m = randomModel(TIED, be, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.forward(Batch.rows(1, 2, new int[]{3, 37}, new int[]{1, 2})));
            assertTrue(e.getMessage().contains("token id 37") && e.getMessage().contains("[0, 37)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.forward(Batch.rows(1, 9, new int[9], new int[9])));
            assertTrue(e.getMessage().contains("block size 8"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlamaConfig.llama(37, 8, 1, 4, 3, 16, 8, true));
        assertTrue(e.getMessage().contains("nKvHead") && e.getMessage().contains("got 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LlamaConfig.RopeScaling("yarn", 2, 1, 4, 8));
        assertTrue(e.getMessage().contains("yarn"), e.getMessage());
    }

    /** transformers' _compute_llama3_parameters on Llama 3.1's settings, worked by hand for HD = 8, theta 500000. */
    @Test
    void llama3RopeScalingBands() {
        LlamaConfig c = new LlamaConfig("llama", 10, 16, 1, 1, 1, 8, 8, 8, 1e-5, 500000,
                new LlamaConfig.RopeScaling("llama3", 8, 1, 4, 8192), false, false, false);
        float[] inv = c.inverseFrequencies();
        // inv_freq = 500000^(-j/4): 1, 0.0376, 1.41e-3, 5.32e-5; wavelengths 6.28, 167, 4440, 118000 vs bands 2048 / 8192.
        assertEquals(1f, inv[0], 0f);                                                 // high frequency: kept
        assertEquals((float) Math.pow(500000, -0.25), inv[1], 1e-9f);                 // high frequency: kept
        double f2 = Math.pow(500000, -0.5), wl = 2 * Math.PI / (float) f2, smooth = (8192 / wl - 1) / 3;
        assertEquals((float) ((1 - smooth) * (float) f2 / 8 + smooth * (float) f2), inv[2], 1e-9f);   // medium: blend
        assertEquals((float) (Math.pow(500000, -0.75) / 8), inv[3], 1e-10f);          // low frequency: / factor
    }
}
