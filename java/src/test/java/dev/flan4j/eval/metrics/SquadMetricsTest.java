package dev.flan4j.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for the SQuAD v1.1 evaluate script's normalize_answer, EM and F1. */
class SquadMetricsTest {

    @Test
    void normalizeAnswer() {
        assertEquals("quick brown fox", ExactMatch.normalizeAnswer("The  Quick, brown fox!"));
        assertEquals("apple day", ExactMatch.normalizeAnswer("An apple a day"));
        assertEquals("theater", ExactMatch.normalizeAnswer("theater"));  // no word boundary after "the"
        assertEquals("ateam", ExactMatch.normalizeAnswer("A-Team"));     // punctuation goes first
        assertEquals("theend", ExactMatch.normalizeAnswer("the_end"));   // '_' is punctuation
        assertEquals("a1 aé", ExactMatch.normalizeAnswer("a1 aé"));      // digits/letters are \w
        assertEquals("", ExactMatch.normalizeAnswer("The a an."));
        assertEquals("1976", ExactMatch.normalizeAnswer(" 1976\u00a0"));  // NBSP is Python whitespace
    }

    @Test
    void exactMatch() {
        assertTrue(ExactMatch.exactMatch("the Eiffel Tower", "Eiffel tower."));
        assertFalse(ExactMatch.exactMatch("Eiffel", "Eiffel tower"));
        assertEquals(1.0, ExactMatch.score("Paris", List.of("London", "paris!")));
        assertEquals(0.0, ExactMatch.score("Lyon", List.of("London", "paris!")));
    }

    @Test
    void tokenF1() {
        // "cat sat on mat" (4) vs "cat on mat" (3): common 3, P = 3/4, R = 1, F1 = 6/7
        assertEquals(6.0 / 7, TokenF1.f1("the cat sat on the mat", "a cat on a mat"), 1e-12);
        // multiset overlap: "x x y" vs "x y y": common = min(2,1) + min(1,2) = 2, P = R = 2/3
        assertEquals(2.0 / 3, TokenF1.f1("x x y", "x y y"), 1e-12);
        // no common token (including both empty after normalization) -> 0, as in v1.1
        assertEquals(0.0, TokenF1.f1("", "abc"));
        assertEquals(0.0, TokenF1.f1("the", "a"));
        // max over ground truths
        assertEquals(1.0, TokenF1.score("Denver Broncos", List.of("Broncos", "the Denver Broncos")), 1e-12);
    }

    @Test
    void corpusScores() {
        List<String> preds = List.of("Denver Broncos", "Carolina");
        List<List<String>> gts = List.of(List.of("Denver Broncos", "The Denver Broncos"), List.of("Carolina Panthers"));
        // EM: 1, 0 -> 50; F1: 1 and (P = 1, R = 1/2 -> 2/3) -> 100 * (1 + 2/3) / 2 = 83.333...
        assertEquals(50.0, ExactMatch.corpusScore(preds, gts), 1e-12);
        assertEquals(250.0 / 3, TokenF1.corpusScore(preds, gts), 1e-9);
    }
}
