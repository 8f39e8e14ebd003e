package dev.flan4j.data;

import java.util.Locale;

/** The metric a dataset is reported with, as named in collection.json. */
public enum Metric {
    ACCURACY, EXACT_MATCH, F1, BLEU, ROUGE;

    /** Parses the lowercase name used in collection.json (e.g. {@code exact_match}). */
    public static Metric parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** The lowercase name used in collection.json. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
