package dev.flan4j.data.io;

import dev.flan4j.data.Instance;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads instruction data that users bring, already rendered, into {@link Instance}s for the trainer and scorer.
 * Malformed input raises {@link dev.flan4j.data.MalformedDataException} naming the file, line (JSONL) and field.
 */
public interface InstanceReader {
    /** Reads one file ({@code .gz} is decompressed). */
    List<Instance> read(Path file);

    /**
     * The reader for a format name: {@code flan-collection}, {@code flan2021}, {@code p3}, or
     * {@code natural-instructions} (alias {@code sni}).
     */
    static InstanceReader forFormat(String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "flan-collection", "flan2022" -> new FlanCollectionReader();
            case "flan2021", "flan-2021" -> new Flan2021Reader();
            case "p3", "promptsource" -> new P3Reader();
            case "natural-instructions", "sni", "super-natural-instructions" -> new NaturalInstructionsReader();
            default -> throw new IllegalArgumentException("unknown data format '" + format
                    + "': expected flan-collection, flan2021, p3 or natural-instructions");
        };
    }

    /** The task name a file implies: its name without {@code .gz}, {@code .jsonl} / {@code .json}. */
    static String taskNameOf(Path file) {
        String n = file.getFileName().toString();
        for (String ext : List.of(".gz", ".jsonl", ".json")) if (n.endsWith(ext)) n = n.substring(0, n.length() - ext.length());
        return n;
    }
}
