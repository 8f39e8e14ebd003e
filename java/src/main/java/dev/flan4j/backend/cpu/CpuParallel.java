package dev.flan4j.backend.cpu;

import java.util.stream.IntStream;

/**
 * Splits work over the CPU's threads (the common fork-join pool plus the caller): contiguous ranges, a few per
 * thread so that a busy core does not hold up the others, and no parallelism at all for work too small to pay
 * for the hand-off.
 */
public final class CpuParallel {
    private CpuParallel() {}

    /** Work (roughly element operations) below which a call runs on the caller alone. */
    static final long MIN_PARALLEL_WORK = 32_768;
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    /** A body over the index range [lo, hi). */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    /** Runs body over a partition of [0, n) into contiguous ranges, in parallel when n * workPerItem is large. */
    public static void ranges(int n, long workPerItem, Range body) {
        int parts = parts(n, workPerItem);
        parts(n, parts, (p, lo, hi) -> body.run(lo, hi));
    }

    /** How many ranges {@link #ranges} splits [0, n) into (at least 1; 0 when n <= 0). */
    public static int parts(int n, long workPerItem) {
        if (n <= 0) return 0;
        if (THREADS == 1) return 1;
        return (int) Math.max(1, Math.min(n, Math.min(4L * THREADS, (long) n * workPerItem / MIN_PARALLEL_WORK)));
    }

    /** A body over range number {@code part}, [lo, hi). */
    @FunctionalInterface
    public interface Part {
        void run(int part, int lo, int hi);
    }

    /**
     * Runs body over [0, n) split into exactly {@code parts} contiguous ranges (numbered in order), in parallel
     * when parts > 1: for reductions that keep one partial result per range and combine them in a fixed order.
     */
    public static void parts(int n, int parts, Part body) {
        if (parts <= 0) return;
        if (parts == 1) {
            body.run(0, 0, n);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> body.run(p,
                (int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    /** Runs body(i) for every i in [0, n): one item per task (for items of uneven, large cost). */
    public static void each(int n, long workPerItem, java.util.function.IntConsumer body) {
        if (n <= 0) return;
        if (THREADS == 1 || n == 1 || (long) n * workPerItem < MIN_PARALLEL_WORK) {
            for (int i = 0; i < n; i++) body.accept(i);
        } else {
            IntStream.range(0, n).parallel().forEach(body);
        }
    }
}
