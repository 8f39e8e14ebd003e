package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.GradCheck;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fused LM head + cross-entropy ({@link FusedHead}) against the unfused one, on the CPU reference. */
class FusedHeadTest {
    private final CpuBackend be = new CpuBackend();

    static final GptConfig GPT = new GptConfig(37, 8, 2, 2, 8);
    /** GQA, untied head, biases (the untied case of the fused head). */
    static final LlamaConfig LLAMA = new LlamaConfig("llama", 37, 8, 2, 4, 2, 16, 4, 24, 1e-5, 10000, null, false, true,
            true);
    static final LlamaConfig LLAMA_TIED = LlamaConfig.llama(37, 8, 2, 2, 2, 8, 12, true);

    /**
     * N=24 tokens in 3 rows of 8, packed into documents of 3, 5, 8, 2 and 6 tokens (so chunks cut documents), some
     * targets ignored (including a whole document, and the first token of the batch), per-document weights not 1.
     */
    static Batch batch(int vocab, long seed, boolean weighted) {
        SplittableRandom r = new SplittableRandom(seed);
        int N = 24;
        int[] tok = new int[N], tgt = new int[N], pos = new int[N];
        int[] cu = {0, 3, 8, 16, 18, 24};
        for (int d = 0; d + 1 < cu.length; d++) for (int i = cu[d]; i < cu[d + 1]; i++) pos[i] = i - cu[d];
        for (int i = 0; i < N; i++) { tok[i] = r.nextInt(vocab); tgt[i] = r.nextInt(vocab); }
        for (int i : new int[]{0, 3, 4, 9, 16, 17, 23}) tgt[i] = Batch.IGNORE;   // document 3 (16..17) has no targets
        return new Batch(tok, tgt, pos, cu, weighted ? new float[]{1.5f, 0.25f, 1f, 3f, 0.5f} : null);
    }

    /** Every parameter random (std 0.3, norm weights around 1) so gradients are of order 0.01-1; padded rows zero. */
    static <M extends CausalLm> M random(M m, long seed) {
        float[] params = GradCheck.random(new SplittableRandom(seed), (int) m.numParameters(), 0.3);
        int V = m.config().vocabSize(), Vp = m.config().paddedVocabSize(), C = m.config().nEmbd();
        for (Param p : m.parameters()) {
            String n = p.name();
            if (n.endsWith("norm.weight") || n.contains("ln_") && n.endsWith("weight")) {
                for (int i = 0; i < p.size(); i++) params[(int) p.offset() + i] += 1f;
            }
            if (p.shape().length == 2 && p.shape()[0] == Vp && (n.equals("wte") || n.equals(Llama.EMBED)
                    || n.equals(Llama.HEAD))) {
                java.util.Arrays.fill(params, (int) p.offset() + V * C, (int) p.offset() + Vp * C, 0f);
            }
        }
        m.loadParameters(params);
        return m;
    }

    /** Loss, per-token losses and all gradients of two accumulated micro-batches under a head setting. */
    private record Step(double loss1, double loss2, float[] losses2, float[] grads) {}

    private Step step(Supplier<CausalLm> model, FusedHead head, boolean weighted) {
        try (CausalLm m = model.get()) {
            m.setFusedHead(head);
            Batch b1 = batch(m.config().vocabSize(), 11, weighted), b2 = batch(m.config().vocabSize(), 12, weighted);
            float scale = 1f / (b1.targetCount() + b2.targetCount());
            m.zeroGrad();
            double l1 = m.forwardBackward(b1, scale);
            double l2 = m.forwardBackward(b2, scale);
            return new Step(l1, l2, be.toArray(m.losses()), be.toArray(m.gradientData()));
        }
    }

    private void assertSameStep(Supplier<CausalLm> model, int chunk, boolean weighted) {
        Step ref = step(model, FusedHead.off(), weighted), got = step(model, FusedHead.chunk(chunk), weighted);
        String what = "chunk=" + chunk + (weighted ? " weighted" : "");
        assertEquals(ref.loss1, got.loss1, 1e-5 * Math.abs(ref.loss1), what + ": loss of micro-batch 1");
        assertEquals(ref.loss2, got.loss2, 1e-5 * Math.abs(ref.loss2), what + ": loss of micro-batch 2");
        assertClose(ref.losses2, got.losses2, what + ": per-token losses");
        assertClose(ref.grads, got.grads, what + ": gradients");
        double norm = 0;
        for (float g : ref.grads) norm += g * g;
        assertTrue(norm > 1e-4, "the gradients must not be trivially zero: |g|^2=" + norm);
    }

    /** |got - want| <= 1e-6 + 1e-5 |want| elementwise. */
    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-6 + 1e-5 * Math.abs(want[i]);
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", unfused " + want[i]);
            }
        }
    }

    @ParameterizedTest(name = "chunk={0}")
    @ValueSource(ints = {1, 5, 7, 8, 23, 24, 100})   // 5, 7, 23 do not divide N=24; 24 and 100 are one chunk
    void gptFusedHeadMatchesUnfused(int chunk) {
        assertSameStep(() -> random(new Gpt(GPT, be), 3), chunk, true);
        assertSameStep(() -> random(new Gpt(GPT, be), 3), chunk, false);
    }

    @ParameterizedTest(name = "chunk={0}")
    @ValueSource(ints = {1, 5, 24})
    void llamaFusedHeadMatchesUnfused(int chunk) {
        assertSameStep(() -> random(new Llama(LLAMA, be), 5), chunk, true);       // untied head
        assertSameStep(() -> random(new Llama(LLAMA_TIED, be), 5), chunk, true);  // tied head
    }

    /**
     * The readback-free forwardBackward (loss summed into a device scalar) against the double-returning one, for both
     * families, fused and unfused, with document weights: the same gradients bit for bit (the same cross-entropy,
     * only without a reduction), and lossSum = the sum of loss x targetCount over the micro-batches (the weights
     * scale gradients only), accumulated into the scalar's old value.
     */
    @ParameterizedTest(name = "chunk={0}")
    @ValueSource(ints = {0, 5, 24})   // 0: unfused
    void forwardBackwardIntoALossSumMatchesTheReturnedMean(int chunk) {
        FusedHead head = chunk == 0 ? FusedHead.off() : FusedHead.chunk(chunk);
        for (Supplier<CausalLm> model : java.util.List.<Supplier<CausalLm>>of(() -> random(new Gpt(GPT, be), 3),
                () -> random(new Llama(LLAMA, be), 5), () -> random(new Llama(LLAMA_TIED, be), 5))) {
            Step ref = step(model, head, true);
            try (CausalLm m = model.get(); var lossSum = be.fromArray(new float[]{0.25f}, 1)) {
                m.setFusedHead(head);
                Batch b1 = batch(m.config().vocabSize(), 11, true), b2 = batch(m.config().vocabSize(), 12, true);
                float scale = 1f / (b1.targetCount() + b2.targetCount());
                m.zeroGrad();
                m.forwardBackward(b1, scale, lossSum);
                m.forwardBackward(b2, scale, lossSum);
                String what = m.config().family() + " " + head;
                double want = 0.25 + ref.loss1 * b1.targetCount() + ref.loss2 * b2.targetCount();
                assertEquals(want, be.toArray(lossSum)[0], 1e-6 * want, what + ": lossSum");
                org.junit.jupiter.api.Assertions.assertArrayEquals(ref.grads, be.toArray(m.gradientData()), 0f,
                        what + ": gradients");
                org.junit.jupiter.api.Assertions.assertArrayEquals(ref.losses2, be.toArray(m.losses()), 0f,
                        what + ": per-token losses");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> m.forwardBackward(b1, scale, be.zeros(2)));
                assertTrue(e.getMessage().contains("lossSum must hold one element, got 2"), e.getMessage());
            }
        }
    }

    @Test
    void aFusedStepKeepsNoLogitsButForwardDoes() {
        try (Gpt m = random(new Gpt(GPT, be), 3)) {
            m.setFusedHead(FusedHead.chunk(5));
            Batch b = batch(GPT.vocabSize(), 11, true);
            m.forwardBackward(b, 1f / b.targetCount());
            IllegalStateException e = assertThrows(IllegalStateException.class, m::logits);
            assertTrue(e.getMessage().contains("fused head") && e.getMessage().contains("=5"), e.getMessage());
            double loss = m.forward(b);   // forward never fuses: the logits are there, and give the same loss
            float[] logits = be.toArray(m.logits());
            assertEquals(b.size() * GPT.paddedVocabSize(), logits.length);
            m.setFusedHead(FusedHead.off());
            assertEquals(loss, m.forwardBackward(b, 1f / b.targetCount()), 1e-6 * loss);
            assertEquals(logits.length, m.logits().size());
        }
    }

    @Test
    void autoFusesOnlyLargeLogitsInChunksOfAtMost64MiB() {
        FusedHead auto = FusedHead.auto();
        int Vp = 50304;
        assertEquals(0, auto.rows(1024, Vp));                            // 196 MiB of logits: unfused
        int rows = auto.rows(8 * 1024, Vp);                              // 1.5 GiB: fused
        assertEquals(333, rows);
        assertTrue((long) rows * Vp * 4 <= FusedHead.AUTO_CHUNK);
        assertTrue((long) (rows + 1) * Vp * 4 > FusedHead.AUTO_CHUNK);
        assertEquals(1, auto.rows(1 << 20, 1 << 25));                    // a row over 64 MiB: one row per chunk
        assertEquals(0, FusedHead.off().rows(1 << 20, Vp));
        assertEquals(24, FusedHead.chunk(100).rows(24, Vp));
        assertEquals(7, FusedHead.chunk(7).rows(24, Vp));
    }

    @Test
    void settingsParseAndBadChunksAreErrorsNamingThem() {
        assertSame(FusedHead.auto(), FusedHead.parse("AUTO"));
        assertSame(FusedHead.off(), FusedHead.parse("off"));
        assertEquals(FusedHead.chunk(512), FusedHead.parse("512"));
        for (int bad : new int[]{0, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FusedHead.chunk(bad));
            assertEquals("chunk must be >= 1 (token rows per chunk), got " + bad, e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> FusedHead.parse(Integer.toString(bad)));
            assertTrue(e.getMessage().contains("chunk") && e.getMessage().contains("got " + bad), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> FusedHead.lossAndBackward(be, null, null, null,
                    null, null, null, batch(37, 1, false), 8, 37, 64, bad, 1f));
            assertTrue(e.getMessage().contains("chunk") && e.getMessage().contains("got " + bad), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FusedHead.parse("big"));
        assertTrue(e.getMessage().contains("'big'"), e.getMessage());
        try (Gpt m = new Gpt(GPT, be)) {
            e = assertThrows(IllegalArgumentException.class, () -> m.setFusedHead(null));
            assertTrue(e.getMessage().contains("null"), e.getMessage());
        }
        String before = System.getProperty(FusedHead.PROPERTY);
        try {
            System.setProperty(FusedHead.PROPERTY, "-1");
            e = assertThrows(IllegalArgumentException.class, FusedHead::fromProperty);
            assertTrue(e.getMessage().contains(FusedHead.PROPERTY) && e.getMessage().contains("'-1'"), e.getMessage());
            System.setProperty(FusedHead.PROPERTY, "64");
            try (Gpt m = new Gpt(GPT, be)) {
                assertEquals(FusedHead.chunk(64), m.fusedHead());
            }
        } finally {
            if (before == null) System.clearProperty(FusedHead.PROPERTY);
            else System.setProperty(FusedHead.PROPERTY, before);
        }
    }

    @Test
    void chunkWeightsMatchWholeBatchWeights() {
        // Batch.weightRows on a chunk scales each document's part of the chunk as the whole-batch call scales it.
        Batch b = batch(37, 1, true);
        int N = b.size(), Vp = 3;
        float[] ones = new float[N * Vp];
        java.util.Arrays.fill(ones, 1f);
        try (var whole = be.fromArray(ones, N, Vp)) {
            b.weightRows(be, whole, Vp);
            float[] want = be.toArray(whole);
            for (int r0 = 0; r0 < N; r0 += 5) {
                int n = Math.min(5, N - r0);
                try (var part = be.fromArray(new float[n * Vp], n, Vp)) {
                    be.fill(part, 1f);
                    b.weightRows(be, part, Vp, r0, n);
                    float[] got = be.toArray(part);
                    for (int i = 0; i < n * Vp; i++) assertEquals(want[r0 * Vp + i], got[i], 0f, "row " + (r0 + i / Vp));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> b.weightRows(be, null, Vp, 20, 5));
    }
}
