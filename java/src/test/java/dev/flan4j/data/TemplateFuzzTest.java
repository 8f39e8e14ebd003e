package dev.flan4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes template parsing and rendering: any pattern either parses or fails with IllegalArgumentException naming the
 * template; a parsed template renders (or names the missing slot) and escaped literal text renders as itself.
 */
class TemplateFuzzTest {
    private static final Example EXAMPLE = new Example("e1", "test", Map.of("premise", "P {x}", "hypothesis", "H}}"),
            "yes", null);

    @Property(tries = 500)
    void anyPatternParsesOrFailsNamingTheTemplate(@ForAll("patterns") String input, @ForAll("patterns") String target) {
        Template t;
        try {
            t = new Template("fuzz#1", input, target, false);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("template fuzz#1: "), e.getMessage());
            return;
        }
        try {
            String in = t.renderInput(EXAMPLE, List.of("yes", "no"));
            t.renderTarget(EXAMPLE);
            t.renderInput(EXAMPLE, null);
            for (String slot : t.slots()) assertTrue(slot.matches("[A-Za-z0-9_]+"), slot);
            if (!input.contains("{")) assertEquals(input.replace("}}", "}"), in);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("template fuzz#1: slot {") && e.getMessage().endsWith("has no value in example e1"),
                    e.getMessage());
        }
    }

    @Property(tries = 300)
    void escapedTextRendersAsItself(@ForAll("texts") String s) {
        String escaped = s.replace("{", "{{").replace("}", "}}");
        Template t = new Template("lit", escaped, escaped, false);
        assertEquals(s, t.renderInput(EXAMPLE, List.of("a")));
        assertEquals(s, t.renderTarget(EXAMPLE));
        assertEquals(List.of(), t.slots());
    }

    @Property(tries = 300)
    void slotsRenderTheirValues(@ForAll("texts") String before, @ForAll("texts") String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("q", value);
        Example e = new Example("e2", "test", fields, "a", null);
        String lit = before.replace("{", "{{").replace("}", "}}");
        Template t = new Template("s", lit + "{q}{options_}", "{answer}", false);
        assertEquals(before + value + Template.optionsSuffix(List.of("a", "b")), t.renderInput(e, List.of("a", "b")));
        assertEquals("a", t.renderTarget(e));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().ofMaxLength(30);
    }

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of("{", "}", "{{", "}}", "{premise}", "{hypothesis}", "{answer}",
                "{options_}", "{missing}", "{ bad }", "{}", "{a-b}", "\n", "OPTIONS:", "{premise"),
                Arbitraries.strings().ofMaxLength(5));
        return piece.list().ofMaxSize(8).map(l -> String.join("", l));
    }
}
