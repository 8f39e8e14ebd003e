package dev.flan4j.model;

import java.util.Arrays;

/**
 * One model input: N tokens flattened from B rows of T, possibly several documents per row.
 *
 * @param tokens     [N] input token ids
 * @param targets    [N] next-token targets, {@link #IGNORE} where no loss is taken (padding, prompts)
 * @param positions  [N] position ids, restarting at 0 for each document
 * @param cuSeqlens  document start offsets in [0, N], first 0, last N (attention never crosses them)
 */
public record Batch(int[] tokens, int[] targets, int[] positions, int[] cuSeqlens) {
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
