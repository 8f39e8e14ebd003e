package dev.flan4j.minidata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * bible_paraphrase must not be solvable by word overlap: its negatives are PAWS-style swaps within the positive's own
 * words. Before they were, its negatives were neighbouring verses and the overlap baseline scored 96.5% on test.
 */
class BibleParaphraseTest {
    /** How far the word-overlap baseline may be above majority on the shipped test split (it is 1.2 points). */
    static final double MARGIN = 0.05;

    /** The baselines command's words (dev.flan4j.data.Baselines.words): lower case, letters and digits. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /** The baselines command's bin (Baselines.bin): the Jaccard word overlap of sentence1 and sentence2, ten bins. */
    static int bin(JsonNode e) {
        Set<String> a = new HashSet<>(words(e.path("fields").path("sentence1").asText()));
        Set<String> b = new HashSet<>(words(e.path("fields").path("sentence2").asText()));
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        a.retainAll(b);
        double j = union.isEmpty() ? 0 : (double) a.size() / union.size();
        return Math.min(9, (int) (j * 10));
    }

    /** The option with the highest count, ties to the first listed (as Baselines.argmax). */
    static String argmax(List<String> options, Map<String, Integer> counts) {
        String best = options.get(0);
        for (String o : options) if (counts.getOrDefault(o, 0) > counts.getOrDefault(best, 0)) best = o;
        return best;
    }

    @Test
    void wordOverlapIsNearMajorityOnTheShippedTestSplit() throws Exception {
        Path dir = Path.of(BibleParaphraseTest.class.getResource("/mini-flan/collection.json").toURI()).getParent();
        List<JsonNode> all = ShippedCollectionTest.readJsonl(dir.resolve("tasks/bible_paraphrase.jsonl.gz"));
        List<String> options = List.of("no", "yes");
        Map<String, Integer> trainCounts = new HashMap<>();
        List<Map<String, Integer>> byBin = new ArrayList<>();
        for (int i = 0; i < 10; i++) byBin.add(new HashMap<>());
        List<JsonNode> test = new ArrayList<>();
        for (JsonNode e : all) {
            String split = e.path("split").asText(), answer = e.path("answer").asText();
            if (split.equals("train")) {
                trainCounts.merge(answer, 1, Integer::sum);
                byBin.get(bin(e)).merge(answer, 1, Integer::sum);
            } else if (split.equals("test")) test.add(e);
        }
        assertTrue(test.size() >= 300, "test split: " + test.size());
        String majority = argmax(options, trainCounts);
        int majorityRight = 0, overlapRight = 0;
        double[] overlapSum = new double[2];
        int[] n = new int[2];
        for (JsonNode e : test) {
            String answer = e.path("answer").asText();
            if (answer.equals(majority)) majorityRight++;
            Map<String, Integer> m = byBin.get(bin(e)).isEmpty() ? trainCounts : byBin.get(bin(e));
            if (argmax(options, m).equals(answer)) overlapRight++;
            int y = answer.equals("yes") ? 1 : 0;
            Set<String> a = new HashSet<>(words(e.path("fields").path("sentence1").asText()));
            Set<String> b = new HashSet<>(words(e.path("fields").path("sentence2").asText()));
            Set<String> union = new HashSet<>(a);
            union.addAll(b);
            a.retainAll(b);
            overlapSum[y] += (double) a.size() / union.size();
            n[y]++;
        }
        double majorityAcc = (double) majorityRight / test.size(), overlapAcc = (double) overlapRight / test.size();
        assertTrue(overlapAcc <= majorityAcc + MARGIN, String.format(Locale.ROOT,
                "word overlap %.3f vs majority %.3f on test: the negatives are separable by word overlap again",
                overlapAcc, majorityAcc));
        // and the mean overlap of the two classes is about the same (0.596 yes, 0.578 no when written; with the
        // neighbouring verses as negatives it was 0.596 and 0.119)
        double yes = overlapSum[1] / n[1], no = overlapSum[0] / n[0];
        System.err.printf(Locale.ROOT, "bible_paraphrase test: majority %.3f, word overlap %.3f, mean Jaccard yes %.3f no %.3f%n",
                majorityAcc, overlapAcc, yes, no);
        assertTrue(Math.abs(yes - no) < 0.05, String.format(Locale.ROOT, "mean Jaccard yes %.3f no %.3f", yes, no));
    }

    @Test
    void mostShippedNegativesHaveTheModernVersesWords() throws Exception {
        Path dir = Path.of(BibleParaphraseTest.class.getResource("/mini-flan/collection.json").toURI()).getParent();
        int negatives = 0, sameWords = 0;
        for (JsonNode e : ShippedCollectionTest.readJsonl(dir.resolve("tasks/bible_paraphrase.jsonl.gz"))) {
            String s2 = e.path("fields").path("sentence2").asText(), modern = e.path("fields").path("modern").asText();
            if (e.path("answer").asText().equals("yes")) {
                assertEquals(modern, s2, "a positive is the modern verse itself");
                continue;
            }
            negatives++;
            assertNotEquals(modern, s2, "a negative differs from the modern verse");
            List<String> a = words(s2), b = words(modern);
            a.sort(null);
            b.sort(null);
            if (a.equals(b)) sameWords++;
        }
        assertTrue(sameWords > 0.65 * negatives, sameWords + " of " + negatives + " negatives are swaps");
    }

    static BibleTasks.Negatives names() {
        // names: capitalised mid-sentence, never in lower case
        return new BibleTasks.Negatives(List.of("Then Moses spoke.", "So Aaron went.", "and Pharaoh saw Egypt.",
                "He went to Dan and Beersheba."), null);
    }

    @Test
    void swapsTwoNamesAndKeepsTheWords() {
        BibleTasks.Negatives n = names();
        String out = n.negative("And Moses said unto Aaron", "Moses said to Aaron, \"Go.\"", "Pharaoh saw it.", new Random(1));
        assertEquals("Aaron said to Moses, \"Go.\"", out);
        assertEquals(1, n.swapped);
    }

    @Test
    void neverSwapsCoordinatedNamesOrARange() {
        BibleTasks.Negatives n = names();
        // "Moses and Aaron" is no pair: the neighbour's name replaces one of them (a word sentence1 lacks is wanted)
        String out = n.negative("Moses and Aaron went", "Moses and Aaron went in.", "Pharaoh saw it.", new Random(1));
        assertTrue(out.equals("Pharaoh and Aaron went in.") || out.equals("Moses and Pharaoh went in."), out);
        assertEquals(0, n.swapped);
        assertEquals(1, n.replaced);
        assertTrue(BibleTasks.Negatives.coordinated(BibleTasks.Negatives.tokens("from Dan to Beersheba"),
                new int[] {0, 1, 0, 1}, 1, 3, true));
        assertTrue(!BibleTasks.Negatives.coordinated(BibleTasks.Negatives.tokens("Moses spoke to Aaron"),
                new int[] {1, 0, 0, 1}, 0, 3, true));
    }

    @Test
    void negatesWhenNothingCanBeSwappedOrReplaced() {
        BibleTasks.Negatives n = names();
        assertEquals("You shall commit adultery.", n.negative("Thou shalt not commit adultery.",
                "You shall not commit adultery.", "You shall not steal.", new Random(1)));
        assertEquals("Then they do go.", n.negative("Then they go not.", "Then they don't go.", "x y", new Random(1)));
        assertEquals("You will not see.", n.negative("Ye shall see.", "You will see.", "You may eat.", new Random(1)));
        assertEquals(3, n.negated);
    }
}
