package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PromptFormatTest {
    private final Collection c = Fixtures.collection();
    private final Dataset nli = c.dataset("tiny_nli");
    private final Example ex = nli.examples("train").get(0);

    @Test
    void flanRendersInstructionWithOptions() {
        Instance i = PromptFormat.FLAN.render(nli, ex, nli.templates().get(0));
        assertEquals("Premise: A dog runs in the park.\nHypothesis: An animal runs in the park.\n"
                + "Does the premise entail the hypothesis?\n\nOPTIONS:\n- yes\n- it is not possible to tell\n- no", i.input());
        assertEquals("yes", i.target());
        assertEquals("tiny_nli", i.task());
        assertEquals(List.of("yes", "it is not possible to tell", "no"), i.options());
    }

    @Test
    void turnedAroundIsGenerationAndOnlyInFlan() {
        Template turned = nli.templates().get(2);
        Instance i = PromptFormat.FLAN.render(nli, ex, turned);
        assertEquals("An animal runs in the park.", i.target());
        assertFalse(i.isClassification());
        assertThrows(IllegalArgumentException.class, () -> PromptFormat.GPT3_CONTINUATION.render(nli, ex, turned));
        assertEquals(3, PromptFormat.FLAN.templates(nli).size());
        assertEquals(2, PromptFormat.GPT3_CONTINUATION.templates(nli).size());
    }

    @Test
    void gpt3ContinuationDropsOptionsSuffixButKeepsOptionsForScoring() {
        Instance i = PromptFormat.GPT3_CONTINUATION.render(nli, ex, nli.templates().get(0));
        assertEquals("Premise: A dog runs in the park.\nHypothesis: An animal runs in the park.\n"
                + "Does the premise entail the hypothesis?", i.input());
        assertEquals(3, i.options().size());
        // FLAN without OPTIONS renders the same instruction text; FLAN with them appends the suffix.
        assertEquals(i.input(), PromptFormat.FLAN_NO_OPTIONS.render(nli, ex, nli.templates().get(0)).input());
        String flan = PromptFormat.FLAN.render(nli, ex, nli.templates().get(0)).input();
        assertTrue(flan.startsWith(i.input()) && flan.endsWith(Template.optionsSuffix(i.options())), flan);
        assertFalse(i.input().contains("OPTIONS"));
    }

    @Test
    void noTemplateAndDatasetName() {
        Template t = nli.templates().get(1);
        Instance raw = PromptFormat.NO_TEMPLATE.render(nli, ex, t);
        assertEquals("A dog runs in the park. An animal runs in the park.\nyes\nit is not possible to tell\nno", raw.input());
        assertEquals("yes", raw.target());
        Instance named = PromptFormat.DATASET_NAME.render(nli, ex, t);
        assertEquals("[tiny_nli] " + raw.input(), named.input());
        Dataset tr = c.dataset("tiny_en_es");
        Example e = tr.examples("train").get(2);
        assertEquals("Jesus wept.", PromptFormat.NO_TEMPLATE.render(tr, e, tr.templates().get(0)).input());
        assertEquals("Y lloró Jesús.", PromptFormat.NO_TEMPLATE.render(tr, e, tr.templates().get(0)).target());
    }

    @Test
    void perExampleOptions() {
        Dataset story = c.dataset("tiny_story");
        Example e = story.examples("test").get(0);
        Instance i = PromptFormat.FLAN.render(story, e, story.templates().get(0));
        assertTrue(i.input().endsWith("OPTIONS:\n- She sent it.\n- She ate the ocean."), i.input());
        assertEquals(List.of("She sent it.", "She ate the ocean."), i.options());
    }

    @Test
    void templateFreeFormatsShowOnlyTheTemplatesInputFields() {
        Template t = new Template("leak#0", "{premise}\n{hypothesis}\n{options_}", "{answer}", false);
        Template turned = new Template("leak#1", "Write a hypothesis: {premise} ({answer}, {note})", "{hypothesis}", true);
        Example e = new Example("leak-0", "train", new java.util.LinkedHashMap<>(java.util.Map.of(
                "premise", "P.", "hypothesis", "H.", "note", "entailed", "label_hint", "yes")), "yes", null);
        Dataset d = Dataset.of("leak", "nli", TaskType.CLASSIFICATION, Metric.ACCURACY, List.of("yes", "no"),
                List.of(t, turned), List.of(e));
        assertEquals(List.of("premise", "hypothesis"), PromptFormat.inputFields(d));
        assertEquals("P. H.\nyes\nno", PromptFormat.NO_TEMPLATE.render(d, e, t).input());
        assertEquals("[leak] P. H.\nyes\nno", PromptFormat.DATASET_NAME.render(d, e, t).input());
    }

    /**
     * In every built-in classification dataset, no field the template-free formats show is label-correlated: it
     * never equals the answer, and whether it equals another shown field (bible_paraphrase's {@code modern} equals
     * {@code sentence2} exactly when the answer is yes) predicts the label no better than 90%.
     */
    @Test
    void builtInTemplateFreeFormatsLeakNoLabel() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Collection.builtInAvailable(), "built-in collection not on the classpath");
        Collection built = Collection.builtIn();
        Dataset bible = built.dataset("bible_paraphrase");
        assertEquals(List.of("sentence1", "sentence2"), PromptFormat.inputFields(bible));
        for (Dataset d : built.datasets()) {
            if (d.task() != TaskType.CLASSIFICATION) continue;
            List<Example> train = d.examples("train");
            List<String> shown = PromptFormat.inputFields(d);
            for (String f : shown) {
                long equalsAnswer = train.stream().filter(x -> x.fields().get(f).equals(x.answer())).count();
                assertTrue(equalsAnswer < train.size() / 2, d.name() + "." + f + " equals the answer in " + equalsAnswer);
                for (String g : shown) {   // a pair of shown fields whose equality gives the label away
                    if (g.equals(f)) continue;
                    java.util.Map<Boolean, java.util.Map<String, Long>> byEq = new java.util.HashMap<>();
                    for (Example x : train) {
                        byEq.computeIfAbsent(x.fields().get(f).equals(x.fields().get(g)), k -> new java.util.HashMap<>())
                                .merge(x.answer(), 1L, Long::sum);
                    }
                    long best = byEq.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).max().orElse(0)).sum();
                    double acc = (double) best / train.size();
                    if (byEq.size() > 1) assertTrue(acc < 0.9, d.name() + ": " + f + " == " + g + " predicts the label at " + acc);
                }
            }
            Example x = train.get(0);
            Template t = PromptFormat.NO_TEMPLATE.templates(d).get(0);
            String input = PromptFormat.NO_TEMPLATE.render(d, x, t).input();
            for (String g : x.fields().keySet()) {
                if (!shown.contains(g) && !shown.stream().anyMatch(f -> x.fields().get(f).contains(x.fields().get(g)))) {
                    assertFalse(input.contains(x.fields().get(g)), d.name() + " shows field " + g);
                }
            }
        }
    }
}
