package dev.flan4j.data;

import java.util.List;

/**
 * A rendered training or evaluation instance: what the trainer and the scorer consume.
 *
 * @param task    the dataset (task) name
 * @param input   the prompt text
 * @param target  the expected output text
 * @param options answer strings for rank classification; empty for generation
 */
public record Instance(String task, String input, String target, List<String> options) {
    public Instance {
        options = options == null ? List.of() : List.copyOf(options);
    }

    /** Whether this instance is scored by rank classification over {@link #options()}. */
    public boolean isClassification() {
        return !options.isEmpty();
    }
}
