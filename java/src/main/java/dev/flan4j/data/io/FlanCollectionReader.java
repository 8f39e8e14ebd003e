package dev.flan4j.data.io;

import dev.flan4j.data.Instance;
import dev.flan4j.data.JsonLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Flan Collection (2022) JSONL: {@code inputs}, {@code targets}, {@code task_name}, {@code template_type}
 * ({@code zsopt | zsnoopt | fsopt | fsnoopt}), optional {@code task_source}. Options are recovered from a trailing
 * OPTIONS block of {@code inputs}.
 */
public final class FlanCollectionReader implements InstanceReader {
    /** The template types of the Flan Collection. */
    public static final Set<String> TEMPLATE_TYPES = Set.of("zsopt", "zsnoopt", "fsopt", "fsnoopt");

    private final Set<String> keep;

    /** Reads every template type. */
    public FlanCollectionReader() {
        this(TEMPLATE_TYPES);
    }

    /** Reads only records of the given template types (e.g. zero-shot only: {@code zsopt, zsnoopt}). */
    public FlanCollectionReader(Set<String> templateTypes) {
        for (String t : templateTypes) {
            if (!TEMPLATE_TYPES.contains(t)) throw new IllegalArgumentException("unknown template type " + t);
        }
        this.keep = Set.copyOf(templateTypes);
    }

    @Override
    public List<Instance> read(Path file) {
        List<Instance> out = new ArrayList<>();
        JsonLines.forEach(file, r -> {
            String inputs = r.text("inputs");
            String targets = r.text("targets");
            String task = r.text("task_name");
            String type = r.text("template_type");
            if (!TEMPLATE_TYPES.contains(type)) throw r.fail("template_type", "unknown template type '" + type + "' (expected " + TEMPLATE_TYPES + ")");
            r.optText("task_source");
            if (keep.contains(type)) out.add(new Instance(task, inputs, targets, OptionsBlock.options(inputs, targets)));
        });
        return out;
    }
}
