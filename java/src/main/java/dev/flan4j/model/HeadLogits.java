package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.tensor.Tensor;

/**
 * A model's LM-head logits buffer and its {@link FusedHead} setting, one for {@link Gpt} and {@code Llama} alike: the
 * buffer holds N rows of Vp logits after an unfused pass and one chunk's rows during a fused one, and remembers
 * whether the last pass was fused, in which case no logits are kept. It grows to the largest unfused pass; a fused
 * pass that needs less than half of it frees it and allocates its chunk alone, so the memory the fused head saves is
 * not held by an earlier unfused pass (an evaluation's, say).
 */
public final class HeadLogits implements AutoCloseable {
    private final Backend backend;
    private final int vp;
    private Tensor buf;
    private FusedHead setting = FusedHead.fromProperty();
    private boolean lastFused;

    public HeadLogits(Backend backend, int paddedVocab) {
        this.backend = backend;
        this.vp = paddedVocab;
    }

    /** The fused-head setting ({@link FusedHead#fromProperty()} at first). */
    public FusedHead setting() { return setting; }

    /** Sets the fused-head setting (not null). */
    public void setting(FusedHead s) {
        if (s == null) throw new IllegalArgumentException("fused head setting is null");
        setting = s;
    }

    /**
     * Starts a pass over N tokens: the rows per fused chunk, or 0 for the unfused head (always 0 without a
     * backward, {@code training} false), and records which it is.
     */
    public int begin(int N, boolean training) {
        int chunk = training ? setting.rows(N, vp) : 0;
        lastFused = chunk > 0;
        return chunk;
    }

    /** Whether the last pass was fused (its logits were never all kept). */
    public boolean fused() { return lastFused; }

    /** The buffer as [rows, Vp], grown to hold them (or shrunk to them in a fused pass, see the class comment). */
    public Tensor rows(int rows) {
        long need = (long) rows * vp;
        if (buf == null || buf.size() < need || (lastFused && buf.size() > 2 * need)) {
            if (buf != null) buf.close();
            buf = backend.zeros(rows, vp);
        }
        return buf.view(0, rows, vp);
    }

    /** The logits [N, Vp] of the last pass, an IllegalStateException when it was fused. */
    public Tensor last(int N) {
        if (lastFused) {
            throw new IllegalStateException("the last pass was a forwardBackward with the fused head (" + FusedHead.PROPERTY
                    + "=" + setting + "), which keeps no logits; call forward for them");
        }
        return buf.view(0, N, vp);
    }

    /** Elements the buffer holds now (0 before the first pass). */
    long capacity() { return buf == null ? 0 : buf.size(); }

    @Override
    public void close() {
        if (buf != null) buf.close();
    }
}
