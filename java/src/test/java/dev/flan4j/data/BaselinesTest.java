package dev.flan4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    static Example ex(String split, String a, String b, String answer, List<String> options, String... names) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(names[0], a);
        f.put(names[1], b);
        return new Example(split + a + b, split, f, answer, options);
    }

    static Dataset dataset(List<String> options, List<Example> ex) {
        return Dataset.of("d", "nli", TaskType.CLASSIFICATION, Metric.ACCURACY, options,
                List.of(new Template("d#0", "{premise} {hypothesis} {options_}", "{answer}", false)), ex);
    }

    @Test
    void fixedOptionsHandWorked() {
        String[] n = {"premise", "hypothesis"};
        List<Example> ex = new ArrayList<>(List.of(
                ex("train", "a b c d", "a b c d", "yes", null, n), ex("train", "a b c d", "x y z w", "no", null, n),
                ex("train", "a b", "a b", "yes", null, n),
                ex("test", "k l", "k l", "yes", null, n), ex("test", "k l", "m n", "no", null, n),
                ex("test", "q", "x", "no", null, n), ex("test", "r s", "r t", "yes", null, n)));
        Baselines.Row r = Baselines.of(dataset(List.of("no", "yes"), ex));
        assertEquals("hypothesis", r.lastField());
        assertEquals(4, r.test());
        assertEquals(0.5, r.chance(), 1e-12);
        assertEquals(0.5, r.majority(), 1e-12);   // always "yes" (2 of 3 in train)
        assertEquals(0.5, r.position(), 1e-12);   // index 1 is right 2/3 in train
        assertEquals(0.5, r.length(), 1e-12);     // longest ("yes") wins on train
        assertEquals(1.0, r.overlap(), 1e-12);    // overlap 1 -> yes, 0 -> no, empty bin -> majority
        assertEquals(0.75, r.lastFieldNb(), 1e-12); // "x" -> no; unseen words -> the prior, yes
    }

    @Test
    void perExampleOptionsHandWorked() {
        String[] n = {"context", "sentence"};
        List<Example> ex = List.of(
                ex("train", "Emma walked", "_ spoke", "Harriet", List.of("Emma", "Harriet"), n),
                ex("train", "Jane sang", "_ left", "Anne", List.of("Anne", "Jane"), n),
                ex("train", "Anne ran", "_ sat", "Anne", List.of("Anne", "Fanny"), n),
                ex("test", "Fanny cried", "_ came", "Anne", List.of("Fanny", "Anne"), n),
                ex("test", "Emma laughed", "_ went", "Emma", List.of("Jane", "Emma"), n));
        Baselines.Row r = Baselines.of(dataset(null, ex));
        assertEquals(0.5, r.chance(), 1e-12);
        assertEquals(0.5, r.majority(), 1e-12);  // Anne was the answer twice in train
        assertEquals(0.0, r.position(), 1e-12);  // index 0 fitted on train
        assertEquals(0.0, r.length(), 1e-12);    // longest (tie on train), ties to the first option
        assertEquals(0.5, r.overlap(), 1e-12);   // "the name not in the context" fitted on train
        assertTrue(Double.isNaN(r.lastFieldNb()));
        assertEquals("-", r.lastField());
    }

    @Test
    void rejectsGenerationAndEmptySplits() {
        Dataset gen = Fixtures.synthetic("g", "misc", 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Baselines.of(gen));
        assertTrue(e.getMessage().contains("g"), e.getMessage());
        String[] n = {"premise", "hypothesis"};
        Dataset noTest = dataset(List.of("no", "yes"), List.of(ex("train", "a", "b", "no", null, n)));
        e = assertThrows(IllegalArgumentException.class, () -> Baselines.of(noTest));
        assertTrue(e.getMessage().contains("test"), e.getMessage());
    }

    @Test
    void tableAndCard() {
        Baselines.Row r = new Baselines.Row("tiny", "question", 10, 0.5, 0.6, 0.5, 0.4, Double.NaN, 0.7);
        String t = Baselines.table(List.of(r));
        assertTrue(t.startsWith("dataset"), t);
        assertTrue(t.contains("tiny") && t.contains("60.0") && t.contains("70.0") && t.contains(" - "), t);
        Map<String, Object> card = Baselines.card(r);
        assertEquals(0.6, card.get("majority"));
        assertTrue(!card.containsKey("word_overlap"));
        assertEquals("question", card.get("last_field"));
    }

    /**
     * name_cloze's distractors even out the name prior: the main characters are the answer no more often than the
     * distractor, so "the name most often the answer in train" is near chance, as is "the name (not) in the context".
     */
    @Test
    void shippedNameClozeHasNoNamePrior() {
        if (!Collection.builtInAvailable()) return;
        Baselines.Row r = Baselines.of(Collection.builtIn().dataset("name_cloze"));
        assertTrue(r.test() >= 250, "name_cloze test examples: " + r.test());
        assertEquals(0.5, r.majority(), 0.04, "name_cloze majority (name prior) baseline");
        assertEquals(0.5, r.overlap(), 0.04, "name_cloze overlap (name in the context) baseline");
    }

    /** The built-in collection's cards carry the baselines that this class computes (regenerate them if not). */
    @Test
    void shippedCardsCarryTheBaselines() throws Exception {
        if (!Collection.builtInAvailable()) return;
        ObjectMapper m = new ObjectMapper();
        Collection c = Collection.builtIn();
        List<Baselines.Row> rows = Baselines.rows(c);
        assertTrue(rows.size() >= 8, "classification datasets: " + rows.size());
        for (Baselines.Row r : rows) {
            String card = c.dataset(r.dataset()).card().get("baselines");
            assertTrue(card != null, r.dataset() + ": no card.baselines; run flan4j data baselines --update-cards");
            JsonNode expected = m.valueToTree(Baselines.card(r));
            assertEquals(expected, m.readTree(card), r.dataset() + ": card.baselines is stale");
        }
    }
}
