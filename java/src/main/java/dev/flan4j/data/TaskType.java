package dev.flan4j.data;

/** How a dataset is scored: rank classification over options, or free generation. */
public enum TaskType {
    CLASSIFICATION, GENERATION;

    /** Parses the lowercase name used in collection.json ({@code classification | generation}). */
    public static TaskType parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
