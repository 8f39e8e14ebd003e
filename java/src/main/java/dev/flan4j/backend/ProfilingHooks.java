package dev.flan4j.backend;

/**
 * What a profiler needs from a backend beyond its ops: a timer, the size of the cache to flush between runs, the
 * GPU's name (to look up its peaks) and a short description of how an op runs. The profiler ({@code
 * dev.flan4j.profile}) builds on these; the backend layer knows nothing of the profiler.
 */
public interface ProfilingHooks {
    /** A timer for runs on this backend (closed by the caller). */
    Timer newTimer();

    /** Bytes of the device's last-level cache that a flush must evict, or 0 when there is nothing to flush. */
    long l2CacheBytes();

    /** Why {@link #l2CacheBytes()} is 0, for the report header (e.g. "CPU backend"). */
    default String noFlushReason() {
        return "the backend reports no L2 size";
    }

    /** The GPU's name as nvidia-smi prints it ("NVIDIA H100 80GB HBM3"), or null off the GPU. */
    String gpuName();

    /**
     * How this backend runs the ops of {@code family} (a {@link Backend} method family: "matmul", "attention",
     * "layernorm", ...), e.g. "cuBLAS (libcublas.so.12), fp32"; null when there is nothing specific to say.
     */
    String implementation(String family);

    /** Wall-clock timing, no flush, no GPU; CPU thread counts as the implementation. */
    static ProfilingHooks host(Backend backend) {
        boolean cpu = backend.name().equals("cpu");
        return new ProfilingHooks() {
            @Override public Timer newTimer() { return Timer.wallClock(backend); }

            @Override public long l2CacheBytes() { return 0; }

            @Override
            public String noFlushReason() {
                return cpu ? "CPU backend" : "the " + backend.name() + " backend offers no flush hook";
            }

            @Override public String gpuName() { return null; }

            @Override
            public String implementation(String family) {
                if (!cpu) return null;
                int threads = Runtime.getRuntime().availableProcessors();
                return family.equals("matmul") ? "OpenBLAS sgemm (1 thread each), split over <=" + threads + " threads"
                        : "threads<=" + threads;
            }
        };
    }
}
