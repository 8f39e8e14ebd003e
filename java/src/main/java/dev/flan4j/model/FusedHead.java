package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Reduction;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;

/**
 * When and how a training step fuses the LM head with cross-entropy (the FLCE of Liger Kernel), and the fused step
 * itself. Unfused, {@code forwardBackward} holds all N x Vp logits (the largest activation: 8 x 1024 tokens of GPT-2's
 * 50,304 columns is 1.5 GiB). Fused, it walks the token rows in chunks: for each chunk, logits = x @ W^T, cross-entropy
 * writes dlogits in place (times gradScale and the batch's document weights), then dx = dlogits @ W and
 * dW += dlogits^T x at once, so only one chunk of logits ever exists. It is built from {@link Backend} ops (matmul on
 * views, crossEntropy on a view, scale), so every backend runs it, and it gives the unfused losses and gradients up to
 * fp32 rounding (dW's sum over tokens is split into one GEMM per chunk).
 *
 * <p>A setting is {@link #auto()} (the default: fused when the logits would exceed {@link #AUTO_THRESHOLD} bytes, in
 * chunks of at most {@link #AUTO_CHUNK} bytes), {@link #off()}, or {@link #chunk(int)} rows always; the system property
 * {@value #PROPERTY} ({@code auto}, {@code off} or a row count) sets the default of new models. Forward-only passes
 * ({@code forward}, evaluation) never fuse, so {@code logits()} stays available after them.
 */
public final class FusedHead {
    /** The system property holding the default setting of new models: auto, off or rows per chunk. */
    public static final String PROPERTY = "flan4j.flce.chunk";
    /** Auto fuses when N x Vp fp32 logits would take more than this many bytes (256 MiB). */
    public static final long AUTO_THRESHOLD = 256L << 20;
    /** Auto's chunk holds at most this many bytes of logits (64 MiB). */
    public static final long AUTO_CHUNK = 64L << 20;

    private static final FusedHead AUTO = new FusedHead(-1), OFF = new FusedHead(0);

    private final int rows;   // -1 auto, 0 off, > 0 rows per chunk

    private FusedHead(int rows) { this.rows = rows; }

    /** Fused when the logits would exceed {@link #AUTO_THRESHOLD}, in chunks of at most {@link #AUTO_CHUNK} bytes. */
    public static FusedHead auto() { return AUTO; }

    /** Never fused: the whole N x Vp logits buffer. */
    public static FusedHead off() { return OFF; }

    /** Always fused, {@code rows} token rows per chunk (rows >= N: one chunk). */
    public static FusedHead chunk(int rows) {
        if (rows < 1) throw new IllegalArgumentException("chunk must be >= 1 (token rows per chunk), got " + rows);
        return new FusedHead(rows);
    }

    /** {@code auto}, {@code off} (case-insensitive) or a positive row count; anything else is an error naming it. */
    public static FusedHead parse(String s) {
        if (s.equalsIgnoreCase("auto")) return AUTO;
        if (s.equalsIgnoreCase("off")) return OFF;
        int n;
        try {
            n = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fused head chunk must be auto, off or rows >= 1, got '" + s + "'");
        }
        return chunk(n);
    }

    /** The setting of {@value #PROPERTY}; auto when unset. A bad value is an error naming the property and value. */
    public static FusedHead fromProperty() {
        String v = System.getProperty(PROPERTY);
        if (v == null) return AUTO;
        try {
            return parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + " must be auto, off or rows >= 1, got '"
                    + v + "'", e);
        }
    }

    /** Rows per chunk for N tokens of Vp logit columns (at most N), or 0 for the unfused head. */
    public int rows(int N, int Vp) {
        if (rows == 0) return 0;
        if (rows > 0) return Math.min(rows, N);
        long row = 4L * Vp;
        if (N * row <= AUTO_THRESHOLD) return 0;
        return (int) Math.max(1, Math.min(N, AUTO_CHUNK / row));
    }

    @Override
    public String toString() { return rows < 0 ? "auto" : rows == 0 ? "off" : Integer.toString(rows); }

    @Override
    public boolean equals(Object o) { return o instanceof FusedHead f && f.rows == rows; }

    @Override
    public int hashCode() { return rows; }

    /**
     * The fused head of a training step, {@code chunk} rows at a time: per-token losses into {@code losses} [N],
     * {@code dx} [N, C] = d(loss)/dx (overwritten), {@code dw} [Vp, C] += d(loss)/dW, for logits = x @ w^T with
     * x [N, C] and w [Vp, C]. {@code scratch} holds at least chunk x Vp floats. Gradients are those of the unfused
     * head: {@code gradScale} per target token, times the batch's document weights.
     *
     * @return the mean loss over the batch's non-ignored targets (0 when there are none)
     */
    public static double lossAndBackward(Backend be, Tensor scratch, Tensor losses, Tensor x, Tensor w, Tensor dx,
                                         Tensor dw, Batch batch, int C, int V, int Vp, int chunk, float gradScale) {
        return lossAndBackward(be, scratch, losses, x, w, dx, dw, batch, C, V, Vp, chunk, gradScale, null);
    }

    /**
     * {@link #lossAndBackward(Backend, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Batch, int, int, int, int, float)}
     * that, given a device scalar {@code lossSum}, reads nothing back: it adds the summed per-token loss of the batch's
     * non-ignored targets into {@code lossSum} (ignored tokens' losses are 0, so it sums all N) and returns NaN. With
     * {@code lossSum} null it is the method above.
     */
    public static double lossAndBackward(Backend be, Tensor scratch, Tensor losses, Tensor x, Tensor w, Tensor dx,
                                         Tensor dw, Batch batch, int C, int V, int Vp, int chunk, float gradScale,
                                         Tensor lossSum) {
        chunks(be, scratch, losses, x, w, dx, dw, batch, C, V, Vp, chunk, gradScale);
        int N = batch.size();
        if (lossSum != null) {
            be.sumInto(lossSum, losses.view(0, N));
            return Double.NaN;
        }
        int[] targets = batch.targets();
        float[] l = be.toArray(losses.view(0, N));   // one read of the losses, summed in double as the CPU reference
        double sum = 0;
        int count = 0;
        for (int i = 0; i < N; i++) {
            if (targets[i] != Batch.IGNORE) {
                sum += l[i];
                count++;
            }
        }
        return count == 0 ? 0.0 : sum / count;
    }

    private static void chunks(Backend be, Tensor scratch, Tensor losses, Tensor x, Tensor w, Tensor dx, Tensor dw,
                               Batch batch, int C, int V, int Vp, int chunk, float gradScale) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1 (token rows per chunk), got " + chunk);
        int N = batch.size();
        int[] targets = batch.targets();
        for (int r0 = 0; r0 < N; r0 += chunk) {
            int n = Math.min(chunk, N - r0);
            Tensor logits = scratch.view(0, n, Vp), xs = x.view((long) r0 * C, n, C);
            be.matmul(logits, xs, w, 1, n, Vp, C, false, true, 1f, 0f);                  // logits [n, Vp]
            be.crossEntropy(losses.view(r0, n), logits, Arrays.copyOfRange(targets, r0, r0 + n), n, V, Vp,
                    Batch.IGNORE, Reduction.NONE, gradScale);                               // dlogits in place
            batch.weightRows(be, logits, Vp, r0, n);
            be.matmul(dx.view((long) r0 * C, n, C), logits, w, 1, n, C, Vp, false, false, 1f, 0f);  // dx [n, C]
            be.matmul(dw, logits, xs, 1, Vp, C, n, true, false, 1f, 1f);                     // dW [Vp, C] +=
        }
    }
}
