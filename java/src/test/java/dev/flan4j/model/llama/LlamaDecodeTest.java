package dev.flan4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.LayerKvCache;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** KV-cache decoding gives the full forward pass's logits, whichever way the sequence is cut into calls. */
class LlamaDecodeTest {
    private final CpuBackend be = new CpuBackend();

    private float[] forwardLogits(Llama m, int[] tokens) {
        int[] targets = new int[tokens.length];
        Arrays.fill(targets, Batch.IGNORE);
        m.forward(Batch.rows(1, tokens.length, tokens, targets));
        return be.toArray(m.logits());
    }

    private static void assertClose(float[] expected, float[] actual, int offset, String what) {
        for (int i = 0; i < actual.length; i++) assertEquals(expected[offset + i], actual[i], 1e-5, what + " at " + i);
    }

    private void decodeMatchesForward(LlamaConfig cfg) {
        try (Llama m = LlamaTest.randomModel(cfg, be, 3)) {
            int Vp = cfg.paddedVocabSize();
            SplittableRandom r = new SplittableRandom(9);
            int[] tokens = new int[cfg.blockSize()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(cfg.vocabSize());
            float[] expected = forwardLogits(m, tokens);
            try (Llama.KvCache cache = m.newCache()) {
                assertClose(expected, be.toArray(m.decode(tokens, cache)), 0, "one call");
                cache.truncate(0);
                for (int t = 0; t < tokens.length; t++) {
                    assertClose(expected, be.toArray(m.decode(new int[]{tokens[t]}, cache)), t * Vp, "token " + t);
                }
                cache.truncate(3);   // a shared prompt of 3, then the rest in one call, last row only
                float[] last = be.toArray(m.decodeLast(Arrays.copyOfRange(tokens, 3, tokens.length), cache));
                assertClose(expected, last, (tokens.length - 1) * Vp, "after truncate");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> m.decode(new int[]{1}, cache));
                assertTrue(e.getMessage().contains("block size " + cfg.blockSize()), e.getMessage());
            }
        }
    }

    @Test
    void gqaWithBiasesAndRopeScaling() {
        decodeMatchesForward(LlamaTest.GQA);
    }

    @Test
    void tiedWithoutGqa() {
        decodeMatchesForward(LlamaTest.TIED);
    }

    /** GQA expands q/k/v into one model-wide buffer per layer call, so only a model without it decodes concurrently. */
    @Test
    void concurrentDecodeOnlyWithoutGqa() {
        try (Llama gqa = LlamaTest.randomModel(LlamaTest.GQA, be, 3); Llama tied = LlamaTest.randomModel(LlamaTest.TIED, be, 3)) {
            assertTrue(!gqa.concurrentDecode(), "GQA");
            assertTrue(tied.concurrentDecode(), "no GQA");
        }
    }

    @Test
    void aCacheOfAnotherModelIsRefusedNamingItsFamily() {
        try (Llama m = LlamaTest.randomModel(LlamaTest.TIED, be, 3); CausalLm gpt = Gpt.initialized(new GptConfig(37, 8, 1, 2, 8), be, 1);
             LayerKvCache foreign = gpt.newCache(); Llama other = LlamaTest.randomModel(LlamaTest.TIED, be, 4);
             LayerKvCache sibling = other.newCache(); LayerKvCache own = m.newCache()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.decode(new int[]{1}, foreign));
            assertTrue(e.getMessage().contains("another model (a gpt2 model), not by this llama model"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.decodeLast(new int[]{1}, sibling));
            assertTrue(e.getMessage().contains("another model (a llama model)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> gpt.decode(new int[]{1}, own));
            assertTrue(e.getMessage().contains("another model (a llama model), not by this gpt2 model"), e.getMessage());
            assertEquals(0, foreign.length(), "a refused decode leaves the cache alone");
        }
    }
}
