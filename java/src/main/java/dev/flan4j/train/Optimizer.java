package dev.flan4j.train;

import java.util.Map;

/** Updates a model's parameters from its gradients. Its state round-trips through checkpoints. */
public interface Optimizer extends AutoCloseable {
    /** One update with learning rate {@code lr}. */
    void step(float lr);

    /** Steps taken. */
    int stepCount();

    /** The state tensors, by name, for a checkpoint. */
    Map<String, float[]> state();

    /** Restores {@link #state()} and the step count. */
    void load(Map<String, float[]> state, int step);

    @Override
    void close();
}
