package dev.flan4j.profile;

import dev.flan4j.backend.Backend;
import dev.flan4j.tensor.Tensor;

/**
 * Evicts the device's last-level cache before each timed run, so a run does not find its inputs in L2 left there
 * by the previous one (the llm.c dev/cuda and Liger benchmarks do the same). The flush is ordered before the
 * timer's start and is never timed.
 */
public interface L2Flush extends AutoCloseable {
    void flush();

    /** For the report header, e.g. "L2 flush: 2 x 50 MiB buffer written before each run". */
    String description();

    @Override
    default void close() {}

    /** No flush, with the reason shown in the header. */
    static L2Flush none(String why) {
        return new L2Flush() {
            @Override public void flush() {}
            @Override public String description() { return "L2 flush: skipped (" + why + ")"; }
        };
    }

    /**
     * Writes a buffer of twice the L2 size through {@link Backend#fill} (a memset-like kernel on the GPU) before
     * each run, with a new value each time. A GPU backend builds it with its device's L2 size
     * (cudaDevAttrL2CacheSize).
     */
    static L2Flush byWriting(Backend backend, long l2Bytes) {
        if (l2Bytes <= 0) throw new IllegalArgumentException("l2Bytes must be > 0, got " + l2Bytes);
        long floats = 2 * l2Bytes / 4;
        if (floats > Integer.MAX_VALUE) throw new IllegalArgumentException("L2 of " + l2Bytes + " bytes is too large");
        Tensor buf = backend.zeros((int) floats);
        return new L2Flush() {
            private float value;

            @Override
            public void flush() {
                value += 1f;
                backend.fill(buf, value);
            }

            @Override
            public String description() {
                return String.format(java.util.Locale.ROOT, "L2 flush: %.1f MiB buffer (2 x L2) written before each run", floats * 4 / 1048576.0);
            }

            @Override
            public void close() { buf.close(); }
        };
    }
}
