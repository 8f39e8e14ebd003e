package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.tensor.Tensor;
import java.util.List;

/**
 * A decoder-only language model as the trainer, the optimizers, the scorers and the command line use it: {@link Gpt}
 * (GPT-2) and {@code Llama} (Llama, SmolLM2, Qwen2). Parameters live in one flat allocation and gradients in another,
 * laid out as {@link #parameters()}; a forward pass takes a packed {@link Batch}; decoding runs one sequence through a
 * {@link LayerKvCache} that the same model made.
 *
 * <p>Not thread-safe: one model, one caller.
 */
public interface CausalLm extends AutoCloseable {
    ModelConfig config();

    Backend backend();

    /** The named parameters in storage order (the names checkpoints use). */
    List<Param> parameters();

    long numParameters();

    /** All parameters, one flat tensor [numParameters]. */
    Tensor parameterData();

    /** All gradients, one flat tensor [numParameters], laid out like {@link #parameterData()}. */
    Tensor gradientData();

    /** The view of a named parameter; an unknown name is an IllegalArgumentException. */
    Tensor param(String name);

    /** The view of a named parameter's gradient. */
    Tensor grad(String name);

    /** Copies all parameters from a flat host array laid out as {@link #parameters()}. */
    void loadParameters(float[] all);

    /** Sets all gradients to zero. */
    void zeroGrad();

    /**
     * Forward pass; fills {@link #losses()} and {@link #logits()}.
     *
     * @return the mean loss over non-ignored targets (0 when there are none)
     */
    double forward(Batch batch);

    /**
     * Forward, cross-entropy and backward, accumulating into the gradients; {@code gradScale} scales d(loss)/d(logit)
     * per target (1/targetCount: the gradient of the mean loss).
     *
     * @return the mean loss over this batch's non-ignored targets
     */
    double forwardBackward(Batch batch, float gradScale);

    /**
     * {@link #forwardBackward(Batch, float)} without its readback: the same gradients, and instead of returning the
     * mean loss it adds the batch's summed per-token loss (-log p(target) over the non-ignored targets; document
     * weights scale the gradient only, not this sum) into {@code lossSum}, a one-element tensor of this model's
     * backend that is accumulated into and never read back. A training step built on it need not wait for the device.
     */
    void forwardBackward(Batch batch, float gradScale, Tensor lossSum);

    /** Per-token losses [N] of the last forward pass (-log p(target); 0 where ignored). */
    Tensor losses();

    /**
     * Logits [N, Vp] of the last forward pass ({@link #forward} only: a backward pass overwrites them, and after a
     * fused {@link #forwardBackward} they do not exist: an IllegalStateException).
     */
    Tensor logits();

    /** When {@link #forwardBackward} fuses the LM head with cross-entropy ({@link FusedHead}). */
    FusedHead fusedHead();

    /** Sets when {@link #forwardBackward} fuses the LM head; new models take {@link FusedHead#fromProperty()}. */
    void setFusedHead(FusedHead setting);

    /** A new, empty KV cache for this model holding its whole block ({@link ModelConfig#blockSize()} tokens). */
    default LayerKvCache newCache() { return newCache(config().blockSize()); }

    /**
     * A new, empty KV cache for up to {@code capacity} tokens (1 .. block size): scorers size it to their longest
     * sequence, so a model with a long block (8,192 positions) does not allocate caches for all of them.
     */
    LayerKvCache newCache(int capacity);

    /** Throws unless {@code capacity} is in [1, the block size]; the message names the argument. */
    static void requireCapacity(CausalLm model, int capacity) {
        int T = model.config().blockSize();
        if (capacity < 1 || capacity > T) {
            throw new IllegalArgumentException("KV cache capacity=" + capacity + " must be in [1, " + T + "] (the block size)");
        }
    }

    /**
     * Runs n new tokens of one sequence at positions {@code cache.length() ..}, appending their keys and values to
     * {@code cache}, which this model must have made ({@link #newCache()}).
     *
     * @return logits [n, Vp], one row per new token; a view of a buffer that the next decode overwrites
     */
    Tensor decode(int[] tokens, LayerKvCache cache);

    /** {@link #decode}, but only the last new token's logits [1, Vp]. */
    Tensor decodeLast(int[] tokens, LayerKvCache cache);

    /**
     * Whether {@link #decode} calls with different caches may run at the same time on different threads (on a
     * backend whose ops are thread-safe, as the CPU's are): the scorers then split their examples over threads.
     * False unless the model says otherwise.
     */
    default boolean concurrentDecode() { return false; }

    @Override
    void close();

    /**
     * Throws unless {@code cache} was made by {@code model}: what a model's decode checks before it uses a cache.
     */
    static void requireOwnCache(CausalLm model, LayerKvCache cache) {
        if (cache == null) throw new IllegalArgumentException("cache is null");
        if (cache.owner() != model) {
            Object o = cache.owner();
            String other = o instanceof CausalLm m ? "a " + m.config().family() + " model" : String.valueOf(o);
            throw new IllegalArgumentException("cache was made by another model (" + other + "), not by this "
                    + model.config().family() + " model; decode with a cache from this model's newCache()");
        }
    }
}
