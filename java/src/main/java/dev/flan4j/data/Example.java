package dev.flan4j.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One example of a dataset: its raw fields (template slots), the answer and, when the dataset's options vary per
 * example, its own options.
 *
 * @param id      unique id within the dataset
 * @param split   {@code train}, {@code dev} or {@code test}
 * @param fields  slot name to text, in the order of the source record
 * @param answer  the answer ({@code {answer}} slot); for classification one of the options
 * @param options per-example options, or null when the dataset's options apply
 */
public record Example(String id, String split, Map<String, String> fields, String answer, List<String> options) {
    public Example {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        options = options == null ? null : List.copyOf(options);
    }
}
