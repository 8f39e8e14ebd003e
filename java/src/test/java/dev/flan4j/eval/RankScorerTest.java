package dev.flan4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RankScorerTest {
    private final CpuBackend be = new CpuBackend();
    /** Token 3 is the most likely: log p(3) = 3 - log sum exp(z) = -0.9095... */
    private static final float[] Z = {0f, 1f, 2f, 3f, 0.5f, -1f, 1.5f, 2.5f};

    private static double lp(int v) { return TestModels.logProb(Z, v); }

    @Test
    void logLikelihoodsAreExactSumsAndAccNormCanDisagreeWithAcc() {
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); RankScorer s = new RankScorer(m)) {
            // A: one likely token, 1 byte. B: the same token twice, 10 bytes. C: three tokens, 3 bytes.
            List<int[]> options = List.of(new int[]{3}, new int[]{3, 3}, new int[]{0, 5, 7});
            RankScorer.Result r = s.score(new RankScorer.Example(new int[]{1, 2}, options, new int[]{1, 10, 3}, 1));
            double[] expected = {lp(3), 2 * lp(3), lp(0) + lp(5) + lp(7)};
            for (int j = 0; j < 3; j++) assertEquals(expected[j], r.logLikelihoods()[j], 1e-5, "option " + j);
            assertEquals(0, r.predicted(), "acc picks the largest sum: the single token");
            assertEquals(1, r.predictedNorm(), "acc_norm picks the best per byte: 2 lp(3) / 10 > lp(3) / 1");
            assertFalse(r.correct());
            assertTrue(r.correctNorm());
            assertEquals(0, r.promptTokensDropped());

            RankScorer.Result r2 = s.score(new RankScorer.Example(new int[]{4}, options, new int[]{1, 10, 3}, 0));
            RankScorer.Result unlabeled = s.score(new RankScorer.Example(new int[]{4}, options, new int[]{1, 1, 1}, -1));
            assertEquals(0, unlabeled.predictedNorm());
            RankScorer.Accuracy acc = RankScorer.accuracy(List.of(r, r2, unlabeled));
            assertEquals(2, acc.count(), "the unlabeled example is not counted");
            assertEquals(0.5, acc.acc(), 1e-12);
            assertEquals(0.5, acc.accNorm(), 1e-12);
            assertEquals(0.5, acc.accBytes(), 1e-12);   // ASCII lengths: the same as acc_norm
        }
    }

    @Test
    void accNormDividesByCharactersAndAccBytesByBytes() {
        assertEquals(4, RankScorer.chars("café"));
        assertEquals(5, RankScorer.bytes("café"));
        assertEquals(1, RankScorer.chars("\uD83D\uDE00"));   // one code point, two UTF-16 units, four bytes
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); RankScorer s = new RankScorer(m)) {
            // A: lp(3), 2 characters, 1 byte. B: 2 lp(3), 2 characters, 10 bytes.
            List<int[]> options = List.of(new int[]{3}, new int[]{3, 3});
            RankScorer.Result r = s.score(new RankScorer.Example(new int[]{1}, options, new int[]{2, 2}, new int[]{1, 10}, 1));
            assertEquals(0, r.predicted());
            assertEquals(0, r.predictedNorm(), "per character: lp(3) / 2 > 2 lp(3) / 2");
            assertEquals(1, r.predictedBytes(), "per byte: 2 lp(3) / 10 > lp(3) / 1");
            RankScorer.Accuracy acc = RankScorer.accuracy(List.of(r));
            assertEquals(0.0, acc.accNorm());
            assertEquals(1.0, acc.accBytes());
        }
    }

    @Test
    void promptIsCutFromTheLeftToFitTheLongestOption() {
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); RankScorer s = new RankScorer(m)) {
            int[] prompt = new int[20];
            RankScorer.Result r = s.score(new RankScorer.Example(prompt,
                    List.of(new int[]{1}, new int[]{1, 2, 3, 4}), new int[]{1, 4}, 0));
            assertEquals(7, r.promptTokensDropped(), "16 - (4 - 1) = 13 prompt tokens kept");
            assertEquals(lp(1) + lp(2) + lp(3) + lp(4), r.logLikelihoods()[1], 1e-5);

            r = s.score(new RankScorer.Example(prompt, List.of(new int[16]), new int[]{1}, 0));
            assertEquals(19, r.promptTokensDropped(), "an option of T tokens leaves one prompt token");
            assertEquals(16 * lp(0), r.logLikelihoods()[0], 1e-4);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.score(new RankScorer.Example(prompt, List.of(new int[17]), new int[]{1}, 0)));
            assertTrue(e.getMessage().contains("17 tokens") && e.getMessage().contains("block size 16"), e.getMessage());
        }
    }

    @Test
    void badExamplesGiveClearErrors() {
        List<int[]> two = List.of(new int[]{1}, new int[]{2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RankScorer.Example(new int[0], two, new int[]{1, 1}, 0));
        assertTrue(e.getMessage().contains("prompt"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RankScorer.Example(new int[]{1}, two, new int[]{1, 1}, 2));
        assertTrue(e.getMessage().contains("gold=2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RankScorer.Example(new int[]{1}, two, new int[]{1}, 0));
        assertTrue(e.getMessage().contains("optionChars has 1 entries for 2 options"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RankScorer.Example(new int[]{1}, two, new int[]{1, 1}, new int[]{1}, 0));
        assertTrue(e.getMessage().contains("optionBytes has 1 entries for 2 options"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RankScorer.Example(new int[]{1}, two, new int[]{1, 0}, 0));
        assertTrue(e.getMessage().contains("optionChars[1] = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RankScorer.Example(new int[]{1}, two, new int[]{1, 1}, new int[]{1, 0}, 0));
        assertTrue(e.getMessage().contains("optionBytes[1] = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RankScorer.Example(new int[]{1}, List.of(new int[]{1}, new int[0]), new int[]{1, 1}, 0));
        assertTrue(e.getMessage().contains("options[1] has no tokens"), e.getMessage());
        try (Gpt m = TestModels.fixedLogits(be, Z, 16); RankScorer s = new RankScorer(m)) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> s.score(new RankScorer.Example(new int[]{1}, List.of(new int[]{1}, new int[]{2, 8}), new int[]{1, 1}, 0)));
            assertTrue(e.getMessage().contains("options[1][1] = 8") && e.getMessage().contains("[0, 8)"), e.getMessage());
        }
    }

    @Test
    void scorerAgreesWithTheTrainingForwardOnARandomModel() {
        GptConfig cfg = new GptConfig(61, 32, 2, 2, 16);
        SplittableRandom r = new SplittableRandom(17);
        try (Gpt m = TestModels.random(be, cfg, 5); RankScorer s = new RankScorer(m)) {
            List<RankScorer.Example> examples = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                int[] prompt = randomTokens(r, e == 3 ? 40 : 3 + r.nextInt(10), cfg.vocabSize());   // the last one is cut
                List<int[]> options = new ArrayList<>();
                int k = 2 + r.nextInt(3);
                for (int j = 0; j < k; j++) options.add(randomTokens(r, 1 + r.nextInt(5), cfg.vocabSize()));
                int[] bytes = new int[k];
                Arrays.fill(bytes, 1);
                examples.add(new RankScorer.Example(prompt, options, bytes, 0));
            }
            List<RankScorer.Result> results = s.scoreAll(examples);
            for (int e = 0; e < examples.size(); e++) {
                RankScorer.Example ex = examples.get(e);
                RankScorer.Result res = results.get(e);
                int[] kept = Arrays.copyOfRange(ex.prompt(), res.promptTokensDropped(), ex.prompt().length);
                double[] ref = new double[ex.options().size()];
                for (int j = 0; j < ref.length; j++) {
                    ref[j] = TestModels.forwardLogLikelihood(m, kept, ex.options().get(j));
                    assertEquals(ref[j], res.logLikelihoods()[j], 1e-4, "example " + e + " option " + j);
                }
                assertEquals(RankScorer.argmax(ref), res.predicted(), "example " + e);
            }
            assertTrue(results.get(3).promptTokensDropped() > 0, "the 40-token prompt does not fit T=32");
        }
    }

    static int[] randomTokens(SplittableRandom r, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }
    @Test
    void aCacheSizedToTheExamplesScoresAsTheWholeBlockDoes() {
        GptConfig cfg = new GptConfig(50, 64, 2, 2, 16);
        SplittableRandom rng = new SplittableRandom(3);
        List<RankScorer.Example> items = new ArrayList<>();
        for (int e = 0; e < 6; e++) {
            int[] prompt = rng.ints(3 + rng.nextInt(9), 0, 50).toArray();
            List<int[]> options = List.of(rng.ints(1 + rng.nextInt(3), 0, 50).toArray(), rng.ints(2, 0, 50).toArray());
            items.add(new RankScorer.Example(prompt, options, new int[]{1, 1}, e % 2));
        }
        int capacity = RankScorer.capacityFor(items, cfg.blockSize());
        int need = items.stream().mapToInt(x -> x.prompt().length
                + x.options().stream().mapToInt(o -> o.length).max().orElse(1) - 1).max().orElseThrow();
        assertEquals(need, capacity);
        assertTrue(capacity < cfg.blockSize());
        try (Gpt m = Gpt.initialized(cfg, be, 9); RankScorer whole = new RankScorer(m);
             RankScorer sized = new RankScorer(m, capacity)) {
            List<RankScorer.Result> a = whole.scoreAll(items), b = sized.scoreAll(items);
            for (int i = 0; i < items.size(); i++) {
                assertTrue(Arrays.equals(a.get(i).logLikelihoods(), b.get(i).logLikelihoods()), "example " + i);
                assertEquals(0, b.get(i).promptTokensDropped(), "nothing cut to fit the sized cache");
            }
            // a cache one token short of an example cuts that prompt from the left, as the block would
            try (RankScorer short1 = new RankScorer(m, capacity - 1)) {
                RankScorer.Result cut = short1.score(items.stream()
                        .filter(x -> x.prompt().length + x.options().stream().mapToInt(o -> o.length).max().orElse(1) - 1 == need)
                        .findFirst().orElseThrow());
                assertEquals(1, cut.promptTokensDropped());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RankScorer(m, 65));
            assertTrue(e.getMessage().contains("capacity=65") && e.getMessage().contains("[1, 64]"), e.getMessage());
            IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> {
                try (var c = m.newCache(4)) { m.decode(new int[]{1, 2, 3, 4, 5}, c); }
            });
            assertTrue(d.getMessage().contains("capacity 4"), d.getMessage());
        }
    }
}
