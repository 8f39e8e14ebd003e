package dev.flan4j.backend;

/**
 * How cross-entropy reduces per-token losses. {@code NONE} keeps them (per-token negative log-likelihoods).
 * {@link #code()} is the {@code flan4j_reduction} value of the C API.
 */
public enum Reduction {
    MEAN(2), SUM(1), NONE(0);

    private final int code;

    Reduction(int code) { this.code = code; }

    /** The value passed as {@code int reduction} to the C API ({@code flan4j_reduction} in flan4j.h). */
    public int code() { return code; }
}
