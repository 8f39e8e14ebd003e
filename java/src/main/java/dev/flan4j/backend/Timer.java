package dev.flan4j.backend;

/**
 * Times one run on a backend. {@link #wallClock} reads {@link System#nanoTime()} after {@link Backend#synchronize()};
 * a GPU backend supplies one that records CUDA events on its stream (cudaEventRecord before and after,
 * cudaEventSynchronize on the second, cudaEventElapsedTime) through {@link ProfilingHooks#newTimer()}.
 */
public interface Timer extends AutoCloseable {
    /** Begins an interval once all earlier work on the device is done or ordered before it. */
    void start();

    /** Ends the interval, waits for the timed work, and returns its length in milliseconds. */
    double stopMillis();

    /** How it measures, for the report header, e.g. "System.nanoTime around Backend.synchronize()". */
    String description();

    @Override
    default void close() {}

    /** Host wall-clock timing with the device synchronized at both ends. */
    static Timer wallClock(Backend backend) {
        return new Timer() {
            private long t0;

            @Override
            public void start() {
                backend.synchronize();
                t0 = System.nanoTime();
            }

            @Override
            public double stopMillis() {
                backend.synchronize();
                return (System.nanoTime() - t0) / 1e6;
            }

            @Override
            public String description() { return "System.nanoTime around Backend.synchronize()"; }
        };
    }
}
