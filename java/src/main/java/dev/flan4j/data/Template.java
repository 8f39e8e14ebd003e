package dev.flan4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An instruction template: an input pattern and a target pattern with {@code {slot}} named slots.
 * <p>
 * Slots are the example's field names, {@code {answer}} (the example's answer) and {@code {options_}} (the FLAN
 * OPTIONS suffix, see {@link #optionsSuffix(List)}). {@code {{} and {@code }}} are literal braces. A turned-around
 * template swaps roles (e.g. writes the question from the answer); it is used for tuning only, never scored.
 *
 * @param name         identifies the template in messages, e.g. {@code rte#3}
 * @param input        input pattern
 * @param target       target pattern
 * @param turnedAround whether the template turns the task around
 */
public record Template(String name, String input, String target, boolean turnedAround) {

    /** The slot holding the OPTIONS suffix. */
    public static final String OPTIONS_SLOT = "options_";
    /** The slot holding the example's answer. */
    public static final String ANSWER_SLOT = "answer";

    public Template {
        parse(name, input);
        parse(name, target);
    }

    /** The FLAN OPTIONS suffix: {@code OPTIONS:} then one {@code - option} line per option, joined with \n. */
    public static String optionsSuffix(List<String> options) {
        StringBuilder sb = new StringBuilder("OPTIONS:");
        for (String o : options) sb.append("\n- ").append(o);
        return sb.toString();
    }

    /**
     * Renders the input pattern.
     *
     * @param options the options shown in the {@code {options_}} slot; null or empty renders the slot empty (and
     *                trailing whitespace left by it is removed), as for GPT-3 style continuation prompts
     */
    public String renderInput(Example example, List<String> options) {
        boolean noOptions = options == null || options.isEmpty();
        String out = render(input, example, noOptions ? "" : optionsSuffix(options));
        return noOptions && usesSlot(input, OPTIONS_SLOT) ? out.stripTrailing() : out;
    }

    /** Renders the target pattern (the OPTIONS slot renders empty there). */
    public String renderTarget(Example example) {
        return render(target, example, "");
    }

    /** The slot names used by both patterns, in order of appearance. */
    public List<String> slots() {
        List<String> out = new ArrayList<>();
        for (Part p : parse(name, input)) if (p.slot) out.add(p.text);
        for (Part p : parse(name, target)) if (p.slot) out.add(p.text);
        return out;
    }

    /** The slot names of the input pattern, in order of appearance. */
    public List<String> inputSlots() {
        List<String> out = new ArrayList<>();
        for (Part p : parse(name, input)) if (p.slot) out.add(p.text);
        return out;
    }

    private boolean usesSlot(String pattern, String slot) {
        return parse(name, pattern).stream().anyMatch(p -> p.slot && p.text.equals(slot));
    }

    private String render(String pattern, Example example, String optionsText) {
        Map<String, String> fields = example.fields();
        Function<String, String> lookup = slot -> {
            if (slot.equals(OPTIONS_SLOT)) return optionsText;
            if (slot.equals(ANSWER_SLOT) && !fields.containsKey(ANSWER_SLOT)) return example.answer();
            return fields.get(slot);
        };
        StringBuilder sb = new StringBuilder();
        for (Part p : parse(name, pattern)) {
            if (!p.slot) {
                sb.append(p.text);
                continue;
            }
            String value = lookup.apply(p.text);
            if (value == null) {
                throw new IllegalArgumentException("template " + name + ": slot {" + p.text
                        + "} has no value in example " + example.id());
            }
            sb.append(value);
        }
        return sb.toString();
    }

    private record Part(String text, boolean slot) {}

    private static List<Part> parse(String name, String pattern) {
        if (pattern == null) throw new IllegalArgumentException("template " + name + ": pattern is null");
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            boolean doubled = i + 1 < pattern.length() && pattern.charAt(i + 1) == c;
            if ((c == '{' || c == '}') && doubled) {
                lit.append(c);
                i++;
            } else if (c == '{') {
                int end = pattern.indexOf('}', i);
                String slot = end < 0 ? "" : pattern.substring(i + 1, end);
                if (!slot.matches("[A-Za-z0-9_]+")) {
                    throw new IllegalArgumentException("template " + name + ": bad slot at offset " + i
                            + " in pattern: " + pattern);
                }
                if (!lit.isEmpty()) parts.add(new Part(lit.toString(), false));
                lit.setLength(0);
                parts.add(new Part(slot, true));
                i = end;
            } else if (c == '}') {
                throw new IllegalArgumentException("template " + name + ": unmatched '}' at offset " + i
                        + " in pattern: " + pattern);
            } else {
                lit.append(c);
            }
        }
        if (!lit.isEmpty()) parts.add(new Part(lit.toString(), false));
        return parts;
    }
}
