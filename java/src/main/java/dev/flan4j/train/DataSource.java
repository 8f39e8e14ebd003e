package dev.flan4j.train;

/**
 * An endless, deterministic stream of training sequences. {@link #position()} counts the sequences handed out,
 * and a new source built with the same arguments and {@link #skip skipped} to that position continues identically,
 * which is what makes resumed runs bit-identical.
 */
public interface DataSource {
    /** The next sequence. */
    Sequence next();

    /** Sequences handed out so far. */
    long position();

    /**
     * Asks for sequences of at most {@code maxTokens} tokens; the {@link Packer} calls it with its row length before
     * every batch. A source that knows its data's structure cuts its own sequences (and counts them); the default
     * does nothing and the packer cuts what is too long.
     */
    default void fitTo(int maxTokens) {}

    /** Advances by {@code n} sequences without returning them. */
    default void skip(long n) {
        for (long i = 0; i < n; i++) next();
    }
}
