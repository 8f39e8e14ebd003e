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

    /** Advances by {@code n} sequences without returning them. */
    default void skip(long n) {
        for (long i = 0; i < n; i++) next();
    }
}
