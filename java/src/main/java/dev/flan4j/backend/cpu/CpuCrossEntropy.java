package dev.flan4j.backend.cpu;

import java.nio.FloatBuffer;

/** Cross-entropy over the vocabulary with the gradient written in place, one row per step, rows over threads. */
public final class CpuCrossEntropy {
    private CpuCrossEntropy() {}

    /**
     * See {@code Backend.crossEntropy}: losses[i] = lse(row) - row[target]; with dlogitsScale != 0 the row becomes
     * dlogitsScale (softmax - onehot), padded columns 0; ignored rows get loss 0 (and a zero gradient).
     */
    public static void forward(FloatBuffer losses, FloatBuffer logits, int[] targets, int N, int V, int Vp,
                               int ignoreIndex, float dlogitsScale) {
        CpuParallel.ranges(N, 3L * Vp, (lo, hi) -> {
            float[] row = new float[V], zeros = new float[Vp - V];
            float[] zeroRow = null;
            for (int i = lo; i < hi; i++) {
                int base = i * Vp, t = targets[i];
                if (t == ignoreIndex) {
                    losses.put(i, 0f);
                    if (dlogitsScale != 0) {
                        if (zeroRow == null) zeroRow = new float[Vp];
                        logits.put(base, zeroRow);
                    }
                    continue;
                }
                logits.get(base, row);
                float max = Simd.max(row, 0, V);
                double lse = max + Math.log(Simd.expShiftSumOnly(row, 0, V, max));
                losses.put(i, (float) (lse - row[t]));
                if (dlogitsScale != 0) {
                    Simd.expShiftSum(row, 0, V, (float) lse, dlogitsScale);
                    row[t] -= dlogitsScale;
                    logits.put(base, row);
                    if (Vp > V) logits.put(base + V, zeros);
                }
            }
        });
    }
}
