package dev.flan4j.data.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Recovers the answer options from an input that ends with a FLAN OPTIONS block ({@code OPTIONS:} or
 * {@code Options:} then {@code - option} lines), so that already-rendered data can be scored by rank classification.
 */
final class OptionsBlock {
    private OptionsBlock() {}

    /** The options of a trailing OPTIONS block if the target is one of them, else an empty list. */
    static List<String> options(String input, String target) {
        String[] lines = input.stripTrailing().split("\n", -1);
        List<String> options = new ArrayList<>();
        int i = lines.length - 1;
        while (i >= 0 && lines[i].startsWith("- ")) options.add(0, lines[i--].substring(2).strip());
        if (options.isEmpty() || i < 0 || !lines[i].strip().equalsIgnoreCase("OPTIONS:")) return List.of();
        return options.contains(target.strip()) ? options : List.of();
    }
}
