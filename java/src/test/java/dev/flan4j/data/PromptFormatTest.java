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
}
