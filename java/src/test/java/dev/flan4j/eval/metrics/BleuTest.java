package dev.flan4j.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flan4j.eval.metrics.Bleu.Smooth;
import dev.flan4j.eval.metrics.Bleu.Tokenizer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Expected values marked "sacreBLEU test_bleu.py" / "test_sentence_bleu.py" are copied from
 * sacreBLEU 2.x's own test suite (github.com/mjpost/sacrebleu, test/), with the same inputs.
 * The others are hand-computed; the n-gram counts are shown next to them.
 */
class BleuTest {

    // sacreBLEU test_bleu.py: README example, two reference streams.
    private static final List<String> HYPS = List.of(
            "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    private static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    /** sacreBLEU raw_corpus_bleu: tokenize 'none', floor smoothing, effective order. */
    private static Bleu raw(Double floor) {
        return new Bleu(Tokenizer.NONE, Smooth.FLOOR, floor, false, true, 4);
    }

    @Test
    void corpusBleuDefaultsMatchSacrebleuTestSuite() {
        assertEquals(48.530827, Bleu.corpusBleu(HYPS, REFS).score(), 1e-6);
        assertEquals(48.530827, new Bleu().corpusScore(HYPS, REFS).score(), 1e-6);
        assertEquals(49.1919566, new Bleu(Tokenizer.NONE, Smooth.EXP, null, false, false, 4)
                .corpusScore(HYPS, REFS).score(), 1e-7);
        assertEquals(48.530827, new Bleu(Tokenizer.TOK_13A, Smooth.NONE, null, false, false, 4)
                .corpusScore(HYPS, REFS).score(), 1e-6);
        // empty hypotheses are kept (and score 0)
        assertEquals(0.0, Bleu.corpusBleu(List.of("", "", ""), REFS).score(), 0.0);
    }

    @Test
    void maxNgramOrderMatchesSacrebleuTestSuite() {
        String[] expected = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
        for (int order = 1; order <= 6; order++) {
            double s = new Bleu(Tokenizer.TOK_13A, Smooth.EXP, null, false, false, order)
                    .corpusScore(HYPS, REFS).score();
            assertEquals(expected[order - 1], String.format(Locale.ROOT, "%.2f", s), "order " + order);
        }
    }

    @Test
    void perExampleLayoutEqualsStreamLayout() {
        List<List<String>> perExample = List.of(
                List.of(REFS.get(0).get(0), REFS.get(1).get(0)),
                List.of(REFS.get(0).get(1), REFS.get(1).get(1)),
                List.of(REFS.get(0).get(2), REFS.get(1).get(2)));
        Bleu.Score a = new Bleu().corpusScore(HYPS, REFS);
        Bleu.Score b = new Bleu().corpusScoreByExample(HYPS, perExample);
        assertEquals(a.score(), b.score(), 0.0);
        assertArrayEquals(a.counts(), b.counts());
        assertArrayEquals(a.totals(), b.totals());
    }

    @Test
    void rawCorpusBleuMatchesSacrebleuTestSuite() {
        // test_raw_bleu: no match at all returns 0 (#141); identical; one substituted word
        assertEquals(0.0, raw(.01).corpusScore(List.of("this is a test", "another test"),
                List.of(List.of("ref1", "ref2"))).score(), 1e-6);
        assertEquals(100.0, raw(.01).corpusScore(List.of("this is a test"),
                List.of(List.of("this is a test"))).score(), 1e-6);
        assertEquals(22.3606797749979, raw(.01).corpusScore(List.of("this is a fest"),
                List.of(List.of("this is a test"))).score(), 1e-6);
        // test_effective_order
        assertEquals(36.78794411714425, raw(.01).corpusScore(List.of("test"),
                List.of(List.of("a test"))).score(), 1e-6);
        assertEquals(100.0, raw(.01).corpusScore(List.of("a test"),
                List.of(List.of("a test"))).score(), 1e-6);
        assertEquals(3.218297948685433, raw(.01).corpusScore(List.of("a little test"),
                List.of(List.of("a test"))).score(), 1e-6);
    }

    @Test
    void statisticsAndOffsetMatchSacrebleuTestSuite() {
        List<String> hyp = List.of("am I am a character sequence");
        List<List<String>> ref = List.of(List.of("I am a symbol string sequence a a"));
        Bleu.Score s = raw(.01).corpusScore(hyp, ref);
        assertArrayEquals(new long[] {4, 2, 1, 0}, s.counts());
        assertArrayEquals(new long[] {6, 5, 4, 3}, s.totals());
        assertEquals(6, s.sysLen());
        assertEquals(8, s.refLen());
        // test_offset: floor 0.0 gives 0, floor default (0.1) gives 0.1555722182
        assertEquals(0.0, raw(0.0).corpusScore(hyp, ref).score(), 1e-6);
        assertEquals(15.55722182, raw(null).corpusScore(hyp, ref).score(), 1e-6);
    }

    @Test
    void computeBleuMatchesSacrebleuTestSuite() {
        // test_scoring: compute_bleu([9,7,5,3], [10,8,6,4], 11, 11) with its default smooth 'none'
        assertEquals(83.75922397, Bleu.computeBleu(new long[] {9, 7, 5, 3}, new long[] {10, 8, 6, 4},
                11, 11, Smooth.NONE, null, false).score(), 1e-6);
        // test_degenerate_statistics (floor with the given value): all exactly 0
        assertEquals(0.0, Bleu.computeBleu(new long[4], new long[] {4, 4, 2, 1}, 0, 1, Smooth.FLOOR, 0.0, false).score());
        assertEquals(0.0, Bleu.computeBleu(new long[4], new long[] {10, 11, 12, 0}, 14, 10, Smooth.FLOOR, 0.0, false).score());
        assertEquals(0.0, Bleu.computeBleu(new long[4], new long[4], 0, 0, Smooth.FLOOR, 0.0, false).score());
        assertEquals(0.0, Bleu.computeBleu(new long[] {6, 5, 4, 0}, new long[] {6, 5, 4, 3}, 6, 6, Smooth.FLOOR, 0.0, false).score());
        assertEquals(0.0, Bleu.computeBleu(new long[4], new long[4], 0, 0, Smooth.FLOOR, 0.1, false).score());
        assertEquals(0.0, Bleu.computeBleu(new long[4], new long[4], 1, 5, Smooth.FLOOR, 0.01, false).score());
    }

    // sacreBLEU test_sentence_bleu.py (issue #98), effective_order=True; published to ~3 decimals.
    private static final String REF_RO = "producţia de zahăr brut se exprimă în zahăr alb;";
    private static final String SYS_RO = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";

    private static double sent(Tokenizer tok, Smooth smooth, Double value) {
        return new Bleu(tok, smooth, value, false, true, 4).sentenceScore(SYS_RO, List.of(REF_RO)).score();
    }

    @Test
    void sentenceBleuMatchesSacrebleuTestSuite() {
        assertEquals(8.493, Bleu.sentenceBleu(SYS_RO, List.of(REF_RO)).score(), 1e-3);
        assertEquals(8.493, sent(Tokenizer.TOK_13A, Smooth.EXP, null), 1e-3);
        assertEquals(0.0, sent(Tokenizer.TOK_13A, Smooth.NONE, null), 1e-3);
        assertEquals(4.51688, sent(Tokenizer.TOK_13A, Smooth.FLOOR, null), 1e-3);
        assertEquals(4.51688, sent(Tokenizer.TOK_13A, Smooth.FLOOR, 0.1), 1e-3);
        assertEquals(10.10, sent(Tokenizer.TOK_13A, Smooth.FLOOR, 0.5), 1e-3);
        assertEquals(14.882, sent(Tokenizer.TOK_13A, Smooth.ADD_K, null), 1e-3);
        assertEquals(14.882, sent(Tokenizer.TOK_13A, Smooth.ADD_K, 1.0), 1e-3);
        assertEquals(21.389, sent(Tokenizer.TOK_13A, Smooth.ADD_K, 2.0), 1e-3);
        assertEquals(7.347, sent(Tokenizer.NONE, Smooth.EXP, null), 1e-3);
        // issue #141: no match at all is 0 under every smoothing
        for (Smooth sm : Smooth.values()) {
            assertEquals(0.0, new Bleu(Tokenizer.TOK_13A, sm, null, false, true, 4)
                    .sentenceScore("this is a cat", List.of("okay thanks")).score(), 0.0, sm.name());
        }
    }

    @Test
    void handComputedSingleReference() {
        // hyp "the cat sat on the mat" vs ref "the cat is on the mat" (6 tokens each, bp = 1):
        //   1-grams: the x2, cat, on, mat match           -> 5/6
        //   2-grams: "the cat", "on the", "the mat"        -> 3/5
        //   3-grams: "on the mat"                          -> 1/4
        //   4-grams: none                                  -> 0/3, 'exp' -> 1/(2*3)
        //   BLEU = 100 * (5/6 * 3/5 * 1/4 * 1/6)^(1/4) = 100 * (1/48)^(1/4) = 37.99178428257963
        Bleu.Score s = Bleu.corpusBleu(List.of("the cat sat on the mat"), List.of(List.of("the cat is on the mat")));
        assertArrayEquals(new long[] {5, 3, 1, 0}, s.counts());
        assertArrayEquals(new long[] {6, 5, 4, 3}, s.totals());
        assertEquals(1.0, s.bp(), 0.0);
        assertEquals(100.0 / 6, s.precisions()[3], 1e-12);
        assertEquals(37.99178428257963, s.score(), 1e-9);
        // with smooth 'none' the zero 4-gram precision zeroes the score
        assertEquals(0.0, new Bleu(Tokenizer.TOK_13A, Smooth.NONE, null, false, false, 4)
                .sentenceScore("the cat sat on the mat", List.of("the cat is on the mat")).score(), 1e-12);
    }

    @Test
    void handComputedMultiReferenceAndBrevity() {
        // refs "the cat is on the mat" and "a cat sat on a mat": counts clip against the max per ref
        //   1-grams 6/6, 2-grams 5/5 (the cat, on the, the mat | cat sat, sat on),
        //   3-grams 2/4 (cat sat on, on the mat), 4-grams 0/3 -> 'exp' 1/6
        //   BLEU = 100 * (1 * 1 * 1/2 * 1/6)^(1/4) = 100 * 12^(-1/4) = 53.728496591177
        Bleu.Score s = Bleu.sentenceBleu("the cat sat on the mat",
                List.of("the cat is on the mat", "a cat sat on a mat"));
        assertArrayEquals(new long[] {6, 5, 2, 0}, s.counts());
        assertEquals(100 * Math.pow(12, -0.25), s.score(), 1e-9);
        assertEquals(53.728496591177, s.score(), 1e-9);

        // brevity: hyp "the cat" (2 tokens) vs a 6-token ref; 1-grams 2/2, 2-grams 1/1, no 3/4-grams.
        //   sentence BLEU (effective order 2): 100 * exp(1 - 6/2) = 13.533528323661270
        //   corpus BLEU (no effective order): the empty 3-gram order gives 0
        Bleu.Score b = Bleu.sentenceBleu("the cat", List.of("the cat sat on the mat"));
        assertEquals(Math.exp(-2), b.bp(), 1e-15);
        assertEquals(13.533528323661270, b.score(), 1e-9);
        assertEquals(0.0, Bleu.corpusBleu(List.of("the cat"), List.of(List.of("the cat sat on the mat"))).score(), 1e-12);
    }

    @Test
    void closestReferenceLength() {
        assertEquals(4, Bleu.closestRefLen(5, List.of(6, 4)));  // tie -> shorter
        assertEquals(6, Bleu.closestRefLen(6, List.of(3, 6, 9)));
        assertEquals(9, Bleu.closestRefLen(20, List.of(3, 9)));
        // null / empty references are dropped; none left is an error (as in sacreBLEU)
        Bleu.Score s = Bleu.sentenceBleu("a b c d", java.util.Arrays.asList("a b c d", null, ""));
        assertEquals(100.0, s.score(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Bleu.sentenceBleu("a", List.of("")));
    }

    @Test
    void tokenizer13aRules() {
        // Hand-derived from the mteval-v13a regexes.
        assertEquals("Hello , world !", Bleu.tokenize13a("Hello, world!"));
        // period/comma between digits stay; otherwise they are split off
        assertEquals("3.14 and 1,000 .", Bleu.tokenize13a("3.14 and 1,000."));
        assertEquals("x . 5 5 . x", Bleu.tokenize13a("x.5 5.x"));
        assertEquals("e . g . U . S .", Bleu.tokenize13a("e.g. U.S."));
        // a dash is split only after a digit
        assertEquals("1990 - 1995 well-known", Bleu.tokenize13a("1990-1995 well-known"));
        // apostrophes are not split; symbols and slashes are
        assertEquals("It wasn't $ 5.00 / day ( approx . )", Bleu.tokenize13a("It wasn't $5.00/day (approx.)"));
        // entities, <skipped>, hyphenated line breaks, newlines
        assertEquals("\" Hi \" & < b >", Bleu.tokenize13a("&quot;Hi&quot; &amp; &lt;b&gt;"));
        // unescaping is one pass in order quot, amp, lt, gt: "&amp;quot;" -> "&quot;" -> split symbols
        assertEquals("& quot ;", Bleu.tokenize13a("&amp;quot;"));
        assertEquals("linebreak next word", Bleu.tokenize13a("line-\nbreak\nnext<skipped> word"));
        assertEquals("", Bleu.tokenize13a("   "));
    }

    @Test
    void lowercaseOption() {
        Bleu lc = new Bleu(Tokenizer.TOK_13A, Smooth.EXP, null, true, true, 4);
        assertEquals(100.0, lc.sentenceScore("The Cat SAT .", List.of("the cat sat.")).score(), 1e-9);
        assertEquals(0.0, Bleu.sentenceBleu("THE CAT", List.of("the cat")).score(), 0.0);
    }
}
