package dev.flan4j.profile;

import dev.flan4j.kernels.KernelDType;

/**
 * Analytic bytes moved to and from device memory (each tensor read once and written once, no cache reuse assumed):
 * the traffic a perfect kernel needs. Activations have the dtype's width w; statistics (mean, rstd, lse, losses),
 * LayerNorm weights and their gradients, targets and the optimizers' parameter and state buffers are 4 bytes.
 */
public final class Bytes {
    private Bytes() {}

    /** GEMM: reads a [M,K], b [K,N], writes out [M,N] (beta = 0); backward reads and writes twice as much. */
    public static long matmul(long M, long N, long K, Direction d, KernelDType t) {
        long f = (M * K + K * N + M * N) * t.bytes();
        return d == Direction.FWD ? f : 2 * f;
    }

    /**
     * Layer norm over rows [N, C]. Forward: reads x, weight, bias; writes out, mean, rstd.
     * Backward (accumulating into dx, dweight, dbias as the Backend op does): reads dout, x, dx, weight, mean, rstd,
     * dweight, dbias; writes dx, dweight, dbias.
     */
    public static long layerNorm(long N, long C, Direction d, KernelDType t) {
        long w = t.bytes();
        if (d == Direction.FWD) return 2 * N * C * w + 4 * (2 * C) + 4 * (2 * N);
        return 4 * N * C * w + 4 * (C + 2 * N + 4 * C);
    }

    /**
     * Cross-entropy over logits [N, Vp] (V real columns). Loss only: reads N*V logits and N targets, writes N losses.
     * Fused loss + gradient adds the write of the N*Vp gradient in place of the logits.
     */
    public static long crossEntropy(long N, long V, long Vp, Direction d, KernelDType t) {
        long f = N * V * t.bytes() + 4 * N + 4 * N;
        return d == Direction.FWD ? f : f + N * Vp * t.bytes();
    }

    /** GELU over n elements: forward reads x, writes out; backward reads x and dout, writes dx. */
    public static long gelu(long n, Direction d, KernelDType t) {
        return (d == Direction.FWD ? 2 : 3) * n * t.bytes();
    }

    /** AdamW over P elements: reads param, m, v (fp32) and the gradient (dtype); writes param, m, v. */
    public static long adamW(long P, KernelDType t) {
        return P * (3 * 4 + t.bytes() + 3 * 4);
    }

    /**
     * Adafactor on a [R, C] weight: reads param (fp32) and the gradient (dtype), writes param; reads and writes the
     * row [R] and column [C] factors.
     */
    public static long adafactor(long R, long C, KernelDType t) {
        return R * C * (4 + t.bytes() + 4) + 2 * 4 * (R + C);
    }

    /**
     * Attention over N tokens (qkv [N, 3C], out [N, C], lse [N, NH]). Forward: reads qkv, writes out and lse.
     * Backward: reads qkv, out, dout, lse; writes dqkv.
     */
    public static long attention(long N, long NH, long HD, Direction d, KernelDType t) {
        long C = NH * HD, w = t.bytes();
        if (d == Direction.FWD) return (3 * N * C + N * C) * w + 4 * N * NH;
        return (3 * N * C + N * C + N * C + 3 * N * C) * w + 4 * N * NH;
    }

    /** GELU runs over the MLP's hidden activations: B*T*4C elements. */
    public static long geluElements(Shape x) {
        return (long) x.tokens() * 4 * x.C();
    }
}
