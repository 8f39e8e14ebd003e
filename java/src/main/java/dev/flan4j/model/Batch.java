package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;

/**
 * One model input: N tokens flattened from B rows of T, possibly several documents per row.
 *
 * @param tokens     [N] input token ids
 * @param targets    [N] next-token targets, {@link #IGNORE} where no loss is taken (padding, prompts)
 * @param positions  [N] position ids, restarting at 0 for each document
 * @param cuSeqlens  document start offsets in [0, N], first 0, last N (attention never crosses them)
 * @param docWeights per document (cuSeqlens.length - 1 of them), the weight of its target tokens in the loss's
 *                   gradient; null = every target token weighs 1
 */
public record Batch(int[] tokens, int[] targets, int[] positions, int[] cuSeqlens, float[] docWeights) {
    /** The ignore index of targets. */
    public static final int IGNORE = -100;

    public Batch {
        if (tokens == null || targets == null || positions == null || cuSeqlens == null) {
            throw new IllegalArgumentException("Batch arrays must not be null");
        }
        if (tokens.length == 0) throw new IllegalArgumentException("Batch has no tokens");
        if (targets.length != tokens.length || positions.length != tokens.length) {
            throw new IllegalArgumentException("Batch arrays differ in length: tokens " + tokens.length
                    + ", targets " + targets.length + ", positions " + positions.length);
        }
        if (cuSeqlens.length < 2 || cuSeqlens[0] != 0 || cuSeqlens[cuSeqlens.length - 1] != tokens.length) {
            throw new IllegalArgumentException("cuSeqlens must run from 0 to N=" + tokens.length + ", got "
                    + Arrays.toString(cuSeqlens));
        }
        if (docWeights != null) {
            if (docWeights.length != cuSeqlens.length - 1) {
                throw new IllegalArgumentException("docWeights has " + docWeights.length + " entries for "
                        + (cuSeqlens.length - 1) + " documents");
            }
            for (int d = 0; d < docWeights.length; d++) {
                if (!(docWeights[d] >= 0) || Float.isInfinite(docWeights[d])) {
                    throw new IllegalArgumentException("docWeights[" + d + "] must be finite and >= 0, got " + docWeights[d]);
                }
            }
        }
    }

    /** A batch whose target tokens all weigh 1. */
    public Batch(int[] tokens, int[] targets, int[] positions, int[] cuSeqlens) {
        this(tokens, targets, positions, cuSeqlens, null);
    }

    /**
     * Applies {@link #docWeights} to a gradient of the loss wrt the logits ([N, Vp] rows, one per token): each
     * document's rows are scaled by its weight, one {@code scale} op per document whose weight is not 1.
     */
    public void weightRows(Backend be, Tensor dlogits, int Vp) {
        weightRows(be, dlogits, Vp, 0, size());
    }

    /**
     * {@link #weightRows(Backend, Tensor, int)} for a chunk of rows: {@code dlogits} [rows, Vp] holds the gradient of
     * tokens {@code row0 .. row0+rows-1}; each document's part of them is scaled by its weight.
     */
    public void weightRows(Backend be, Tensor dlogits, int Vp, int row0, int rows) {
        if (row0 < 0 || rows < 0 || row0 + rows > size()) {
            throw new IllegalArgumentException("rows [" + row0 + ", " + (row0 + rows) + ") are outside the batch's N="
                    + size() + " tokens");
        }
        if (docWeights == null) return;
        for (int d = 0; d < docWeights.length; d++) {
            int lo = Math.max(cuSeqlens[d], row0), hi = Math.min(cuSeqlens[d + 1], row0 + rows);
            if (docWeights[d] != 1f && hi > lo) be.scale(dlogits.view((long) (lo - row0) * Vp, hi - lo, Vp), docWeights[d]);
        }
    }

    /** Number of tokens N. */
    public int size() { return tokens.length; }

    /** Number of targets that are not {@link #IGNORE}. */
    public int targetCount() {
        int n = 0;
        for (int t : targets) if (t != IGNORE) n++;
        return n;
    }

    /** B rows of T tokens each, one document per row, next-token targets from {@code nextTokens}. */
    public static Batch rows(int B, int T, int[] tokens, int[] targets) {
        if (tokens.length != B * T) {
            throw new IllegalArgumentException("tokens has length " + tokens.length + ", expected B*T=" + B + "*" + T);
        }
        int[] pos = new int[B * T];
        int[] cu = new int[B + 1];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) pos[b * T + t] = t;
            cu[b + 1] = (b + 1) * T;
        }
        return new Batch(tokens, targets, pos, cu);
    }
}
