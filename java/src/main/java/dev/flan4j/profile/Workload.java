package dev.flan4j.profile;

/** The body of a profiled op, with its tensors allocated and filled. */
public interface Workload extends AutoCloseable {
    /** Untimed work before each run, e.g. restoring logits that an in-place cross-entropy overwrote. */
    default void prepare() {}

    /** Enqueues (GPU) or runs (CPU) the op once. */
    void run();

    /** Frees the tensors. */
    @Override
    void close();
}
