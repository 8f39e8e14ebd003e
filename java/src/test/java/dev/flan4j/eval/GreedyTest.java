package dev.flan4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GreedyTest {
    private final CpuBackend be = new CpuBackend();
    /** The argmax is token 3 after any context. */
    private static final float[] Z = {0f, 1f, 2f, 3f, 0.5f, -1f, 1.5f, 2.5f};
    /** Token t decodes to letter t followed by a dot: [3, 3] is "d.d.". */
    private static final TokenDecoder DOTS = tokens -> {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) sb.append((char) ('a' + t)).append('.');
        return sb.toString();
    };

    @Test
    void generatesTheArgmaxAndStopsAtMaxTokensEosOrStopStrings() {
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); Greedy g = new Greedy(m, DOTS)) {
            Greedy.Result r = g.generate(new int[]{1, 2}, 4, Greedy.NO_EOS, List.of());
            assertArrayEquals(new int[]{3, 3, 3, 3}, r.tokens());
            assertEquals("d.d.d.d.", r.text());
            assertEquals(Greedy.Stop.MAX_TOKENS, r.stop());

            r = g.generate(new int[]{1, 2}, 4, 3, List.of());
            assertArrayEquals(new int[0], r.tokens(), "EOS is not part of the output");
            assertEquals("", r.text());
            assertEquals(Greedy.Stop.EOS, r.stop());

            r = g.generate(new int[]{1}, 10, 7, List.of(".d"));
            assertArrayEquals(new int[]{3, 3}, r.tokens(), "the token completing the stop string is kept");
            assertEquals("d", r.text(), "the text is cut where the stop string starts");
            assertEquals(Greedy.Stop.STOP_STRING, r.stop());

            r = g.generate(new int[]{1}, 10, 7, List.of(".d.", "d.d", "zzz"));
            assertEquals("", r.text(), "the earliest of several stop strings wins");
            assertEquals(2, r.tokens().length);
        }
    }

    @Test
    void promptIsCutToLeaveRoomAndGenerationStopsAtAFullBlock() {
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); Greedy g = new Greedy(m, DOTS)) {
            Greedy.Result r = g.generate(new int[20], 4, Greedy.NO_EOS, List.of());
            assertEquals(7, r.promptTokensDropped(), "16 - 4 + 1 = 13 prompt tokens kept");
            assertEquals(4, r.tokens().length);
            assertEquals(Greedy.Stop.MAX_TOKENS, r.stop());

            r = g.generate(new int[20], 30, Greedy.NO_EOS, List.of());
            assertEquals(19, r.promptTokensDropped());
            assertEquals(16, r.tokens().length, "1 prompt token + 15 fed back fill the block; the 16th is not fed");
            assertEquals(Greedy.Stop.BLOCK_SIZE, r.stop());
        }
    }

    @Test
    void matchesArgmaxOfTheFullForwardOnARandomModel() {
        GptConfig cfg = new GptConfig(61, 32, 2, 2, 16);
        int[] prompt = RankScorerTest.randomTokens(new SplittableRandom(3), 7, cfg.vocabSize());
        try (Gpt m = TestModels.random(be, cfg, 8); Greedy g = new Greedy(m, t -> Arrays.toString(t))) {
            Greedy.Result r = g.generate(prompt, 12, Greedy.NO_EOS, List.of());
            assertEquals(12, r.tokens().length);
            int[] seq = prompt.clone();
            for (int step = 0; step < 12; step++) {
                int[] targets = new int[seq.length];
                Arrays.fill(targets, Batch.IGNORE);
                m.forward(Batch.rows(1, seq.length, seq, targets));
                float[] logits = be.toArray(m.logits());
                float[] last = Arrays.copyOfRange(logits, (seq.length - 1) * cfg.paddedVocabSize(), seq.length * cfg.paddedVocabSize());
                int next = Greedy.argmax(last, cfg.vocabSize());
                assertEquals(next, r.tokens()[step], "step " + step);
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = next;
            }
        }
    }

    @Test
    void badArgumentsGiveClearErrors() {
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); Greedy g = new Greedy(m, DOTS)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.generate(new int[]{1}, 0, Greedy.NO_EOS, List.of()));
            assertTrue(e.getMessage().contains("maxNewTokens must be >= 1, got 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(new int[]{1}, 2, 8, List.of()));
            assertTrue(e.getMessage().contains("eosId=8"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(new int[]{1}, 2, 0, List.of("a", "")));
            assertTrue(e.getMessage().contains("stops[1] is empty"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(new int[0], 2, 0, List.of()));
            assertTrue(e.getMessage().contains("prompt"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(new int[]{9}, 2, 0, List.of()));
            assertTrue(e.getMessage().contains("token id 9"), e.getMessage());
        }
    }
}
