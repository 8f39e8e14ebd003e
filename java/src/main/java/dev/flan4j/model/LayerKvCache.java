package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.tensor.Tensor;

/**
 * The keys and values of one sequence for every layer, [capacity, width] per layer on the backend, with the number of
 * tokens decoded so far. Shared by the models' KV caches ({@link Gpt.KvCache}, {@code Llama.KvCache});
 * {@link #truncate} rewinds it for free, so a prompt is decoded once and each continuation decoded from it in turn.
 */
public class LayerKvCache implements AutoCloseable {
    private final Object owner;
    private final Tensor[] k, v;
    private final int capacity;
    private int length;
    private AutoCloseable scratch;

    protected LayerKvCache(Object owner, Backend backend, int layers, int capacity, int width) {
        this.owner = owner;
        this.capacity = capacity;
        k = new Tensor[layers];
        v = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = backend.zeros(capacity, width);
            v[l] = backend.zeros(capacity, width);
        }
    }

    /** Tokens decoded so far; the next token decoded gets this position. */
    public int length() { return length; }

    /** The most tokens the cache holds: the model's block size. */
    public int capacity() { return capacity; }

    /** Forgets every token after the first {@code newLength} (0 empties the cache). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("newLength=" + newLength + " must be in [0, " + length + "]");
        }
        length = newLength;
    }

    /** The model that made this cache. */
    public Object owner() { return owner; }

    /** Layer {@code l}'s keys, [capacity, width]. */
    public Tensor keys(int l) { return k[l]; }

    /** Layer {@code l}'s values, [capacity, width]. */
    public Tensor values(int l) { return v[l]; }

    /** Records that {@code n} more tokens' keys and values were written. */
    public void advance(int n) {
        if (n < 0 || length + n > capacity) {
            throw new IllegalArgumentException("advancing by " + n + " from " + length + " exceeds the capacity " + capacity);
        }
        length += n;
    }

    /**
     * The owning model's decode scratch buffers for this cache (null before its first decode). They live here, not
     * in the model, so that decodes with different caches share no buffer; the cache closes them.
     */
    public AutoCloseable scratch() { return scratch; }

    /** Replaces (and closes) the decode scratch buffers; for the model that owns this cache. */
    public void scratch(AutoCloseable s) {
        closeScratch();
        scratch = s;
    }

    private void closeScratch() {
        if (scratch == null) return;
        try {
            scratch.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a KV cache's decode buffers failed", e);
        }
        scratch = null;
    }

    @Override
    public void close() {
        closeScratch();
        for (int l = 0; l < k.length; l++) {
            k[l].close();
            v[l].close();
        }
    }
}
