package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.GradCheck;
import dev.flan4j.train.AdamW;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GptTest {
    private final CpuBackend be = new CpuBackend();

    /** Two rows of 8 tokens; row 0 packs documents of 3 and 5 tokens; a few targets ignored (prompt tokens). */
    static Batch packedBatch(int vocab) {
        SplittableRandom r = new SplittableRandom(7);
        int N = 16;
        int[] tok = new int[N], tgt = new int[N];
        for (int i = 0; i < N; i++) { tok[i] = r.nextInt(vocab); tgt[i] = r.nextInt(vocab); }
        tgt[0] = Batch.IGNORE; tgt[3] = Batch.IGNORE; tgt[4] = Batch.IGNORE; tgt[15] = Batch.IGNORE;
        int[] pos = {0, 1, 2, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7};
        return new Batch(tok, tgt, pos, new int[]{0, 3, 8, 16});
    }

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        // Tiny config; weights drawn with std 0.3 instead of GPT-2's 0.02 so gradients are of order 0.01-1 and
        // fp32 finite differences (see GradCheck) resolve them. The loss is the SUM over targets (gradScale 1).
        GptConfig cfg = new GptConfig(37, 8, 2, 2, 8);
        Gpt m = new Gpt(cfg, be);
        SplittableRandom r = new SplittableRandom(1);
        float[] params = GradCheck.random(r, (int) m.numParameters(), 0.3);
        for (Param p : m.parameters()) {
            if (p.name().contains("ln_") && p.name().endsWith("weight")) {
                for (int i = 0; i < p.size(); i++) params[(int) p.offset() + i] += 1f;
            }
        }
        m.loadParameters(params);
        Batch b = packedBatch(cfg.vocabSize());
        int targets = b.targetCount();
        m.zeroGrad();
        m.forwardBackward(b, 1f);
        float[] grad = be.toArray(m.gradientData());
        for (Param p : m.parameters()) {
            if (p.name().startsWith("wte") || p.name().startsWith("wpe")) continue;   // checked below on used rows
            float[] sub = java.util.Arrays.copyOfRange(params, (int) p.offset(), (int) (p.offset() + p.size()));
            float[] gsub = java.util.Arrays.copyOfRange(grad, (int) p.offset(), (int) (p.offset() + p.size()));
            GradCheck.check(p.name(), sub, gsub, v -> {
                float[] all = params.clone();
                System.arraycopy(v, 0, all, (int) p.offset(), v.length);
                m.loadParameters(all);
                return m.forward(b) * targets;
            }, 12, 1e-2);
        }
        // Embeddings: every coordinate of the rows this batch touches (wte also feeds the tied LM head).
        for (String name : new String[]{"wte", "wpe"}) {
            Param p = m.parameters().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
            int rows = name.equals("wte") ? 12 : 8, C = cfg.nEmbd();
            float[] sub = java.util.Arrays.copyOfRange(params, (int) p.offset(), (int) p.offset() + rows * C);
            float[] gsub = java.util.Arrays.copyOfRange(grad, (int) p.offset(), (int) p.offset() + rows * C);
            GradCheck.check(name, sub, gsub, v -> {
                float[] all = params.clone();
                System.arraycopy(v, 0, all, (int) p.offset(), v.length);
                m.loadParameters(all);
                return m.forward(b) * targets;
            }, rows * C, 1e-2);
        }
    }

    @Test
    void documentWeightsScaleEachDocumentsGradient() {
        // The gradient is linear in the per-token loss weights: with weights (a, b, c) on the three documents of the
        // batch it must equal a * grad(only doc 0's targets) + b * grad(doc 1's) + c * grad(doc 2's).
        GptConfig cfg = new GptConfig(37, 8, 2, 2, 8);
        Gpt m = Gpt.initialized(cfg, be, 4);
        Batch b = packedBatch(cfg.vocabSize());
        float[] w = {1.5f, 0.25f, 2f};
        m.zeroGrad();
        m.forwardBackward(new Batch(b.tokens(), b.targets(), b.positions(), b.cuSeqlens(), w), 1f);
        float[] weighted = be.toArray(m.gradientData());
        float[] expect = new float[weighted.length];
        for (int d = 0; d < 3; d++) {
            int[] only = b.targets().clone();
            for (int i = 0; i < only.length; i++) if (i < b.cuSeqlens()[d] || i >= b.cuSeqlens()[d + 1]) only[i] = Batch.IGNORE;
            m.zeroGrad();
            m.forwardBackward(new Batch(b.tokens(), only, b.positions(), b.cuSeqlens()), 1f);
            float[] g = be.toArray(m.gradientData());
            for (int i = 0; i < g.length; i++) expect[i] += w[d] * g[i];
        }
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < expect.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expect[i] - weighted[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expect[i]));
        }
        assertTrue(maxAbs > 1e-3, "the gradient is not trivially zero");
        assertTrue(maxDiff <= 1e-5 * maxAbs + 1e-7, "max |weighted - sum of weighted parts| = " + maxDiff + " of " + maxAbs);
        assertThrows(IllegalArgumentException.class, () -> new Batch(b.tokens(), b.targets(), b.positions(), b.cuSeqlens(), new float[]{1f, 1f}));
        assertThrows(IllegalArgumentException.class, () -> new Batch(b.tokens(), b.targets(), b.positions(), b.cuSeqlens(), new float[]{1f, -1f, 1f}));
    }

    @Test
    void paddedVocabularyRowsGetNoGradient() {
        GptConfig cfg = new GptConfig(37, 8, 1, 2, 8);   // Vp = 64
        Gpt m = Gpt.initialized(cfg, be, 3);
        m.zeroGrad();
        m.forwardBackward(packedBatch(37), 1f);
        float[] g = be.toArray(m.grad("wte"));
        for (int i = 37 * 8; i < 64 * 8; i++) assertEquals(0f, g[i], "padded row gradient at " + i);
    }

    @Test
    void tinyModelOverfitsOneBatch() {
        GptConfig cfg = new GptConfig(64, 32, 2, 2, 32);
        Gpt m = Gpt.initialized(cfg, be, 11);
        SplittableRandom r = new SplittableRandom(5);
        int B = 2, T = 32;
        int[] tok = new int[B * T], tgt = new int[B * T];
        for (int i = 0; i < B * T; i++) tok[i] = r.nextInt(64);
        for (int i = 0; i < B * T; i++) tgt[i] = (i % T == T - 1) ? Batch.IGNORE : tok[i + 1];
        Batch b = Batch.rows(B, T, tok, tgt);
        AdamW opt = new AdamW(m, 0.9f, 0.95f, 1e-8f, 0f);
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++) {
            m.zeroGrad();
            double loss = m.forwardBackward(b, 1f / b.targetCount());
            if (step == 0) first = loss;
            last = loss;
            opt.step(3e-3f);
        }
        assertTrue(first > 3.5, "initial loss near ln 64 = 4.16, got " + first);
        assertTrue(last < 0.1 * first, "loss fell from " + first + " to " + last + ", less than 90%");
    }

    @Test
    void badInputsGiveClearErrors() {
        GptConfig cfg = new GptConfig(50, 8, 1, 2, 8);
        Gpt m = Gpt.initialized(cfg, be, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Batch.rows(1, 2, new int[]{3, 50}, new int[]{1, 2})));
        assertTrue(e.getMessage().contains("token id 50") && e.getMessage().contains("[0, 50)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Batch.rows(1, 2, new int[]{3, 4}, new int[]{1, 77})));
        assertTrue(e.getMessage().contains("target id 77"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(Batch.rows(1, 9, new int[9], new int[9])));
        assertTrue(e.getMessage().contains("block size 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Batch.rows(2, 3, new int[5], new int[5]));
        assertTrue(e.getMessage().contains("B*T"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(50, 8, 1, 3, 8));
        assertTrue(e.getMessage().contains("nEmbd=8 must be a multiple of nHead=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GptConfig.preset("huge"));
        assertTrue(e.getMessage().contains("huge"), e.getMessage());
    }

    @Test
    void presetsFormALadderFromAboutOneMillionToGpt2Small() {
        assertEquals(124_475_904L, GptConfig.preset("gpt2").parameterCount());
        long prev = 0;
        for (GptConfig c : GptConfig.PRESETS.values()) {
            assertTrue(c.parameterCount() > prev);
            prev = c.parameterCount();
        }
        assertTrue(Math.abs(GptConfig.preset("1m").parameterCount() - 1_000_000) < 500_000);
        assertTrue(Math.abs(GptConfig.preset("10m").parameterCount() - 10_000_000) < 2_000_000);
    }
}
