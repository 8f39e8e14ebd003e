package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TemplateTest {
    private final Example rte = new Example("rte-1", "train",
            Map.of("premise", "A dog runs.", "hypothesis", "An animal runs."), "yes", null);

    @Test
    void rendersSlotsAnswerAndOptions() {
        Template t = new Template("rte#0", "{premise}\nQ: {hypothesis}?\n{options_}", "{answer}", false);
        assertEquals("A dog runs.\nQ: An animal runs.?\nOPTIONS:\n- yes\n- no", t.renderInput(rte, List.of("yes", "no")));
        assertEquals("yes", t.renderTarget(rte));
        assertEquals(List.of("premise", "hypothesis", "options_", "answer"), t.slots());
    }

    @Test
    void optionsSuffixIsFlanStyle() {
        assertEquals("OPTIONS:\n- Yes\n- It's impossible to say\n- No",
                Template.optionsSuffix(List.of("Yes", "It's impossible to say", "No")));
    }

    @Test
    void emptyOptionsRenderNothingAndTrailingWhitespaceGoes() {
        Template t = new Template("rte#0", "{premise}\n\n{options_}", "{answer}", false);
        assertEquals("A dog runs.", t.renderInput(rte, null));
        assertEquals("A dog runs.", t.renderInput(rte, List.of()));
    }

    @Test
    void doubledBracesAreLiteral() {
        Template t = new Template("x#1", "{{premise}} is {premise} }}", "{{{answer}}}", false);
        assertEquals("{premise} is A dog runs. }", t.renderInput(rte, null));
        assertEquals("{yes}", t.renderTarget(rte));
    }

    @Test
    void missingSlotNamesTemplateSlotAndExample() {
        Template t = new Template("rte#4", "{premise} {question}", "{answer}", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.renderInput(rte, null));
        assertTrue(e.getMessage().contains("rte#4"), e.getMessage());
        assertTrue(e.getMessage().contains("{question}"), e.getMessage());
        assertTrue(e.getMessage().contains("rte-1"), e.getMessage());
    }

    @Test
    void badPatternsAreRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new Template("a", "{open", "{answer}", false));
        assertThrows(IllegalArgumentException.class, () -> new Template("a", "close}", "{answer}", false));
        assertThrows(IllegalArgumentException.class, () -> new Template("a", "{bad slot}", "{answer}", false));
    }
}
