package dev.flan4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Causal attention over packed documents on the CPU, one (document, head) per task, as small GEMMs on that
 * head's q, k, v copied into arrays ({@link Simd#gemmAcc}, four query rows at a time). The forward keeps only a
 * block of scores; the backward recomputes P = softmax(q k^T scale) from the saved log-sum-exp.
 */
public final class CpuAttention {
    private CpuAttention() {}

    private static final int BLOCK = 4;   // query rows per GEMM call

    /** See {@code Backend.attentionForward}; qkv [N, 3C], out [N, C], lse [N, NH]. */
    public static void forward(FloatBuffer qkv, FloatBuffer out, FloatBuffer lse, int[] cuSeqlens, int NH, int HD,
                               float scale) {
        int C = NH * HD, docs = cuSeqlens.length - 1;
        CpuParallel.each(docs * NH, work(cuSeqlens, HD), job -> {
            int doc = job / NH, h = job % NH;
            int start = cuSeqlens[doc], len = cuSeqlens[doc + 1] - start;
            float[] q = gather(qkv, start, len, 3 * C, h * HD, HD);
            for (int i = 0; i < q.length; i++) q[i] *= scale;
            int lp = padded(len);   // key columns padded with zeros to whole vectors
            float[] kT = transpose(gather(qkv, start, len, 3 * C, C + h * HD, HD), len, HD, lp);
            float[] v = gather(qkv, start, len, 3 * C, 2 * C + h * HD, HD);
            float[] s = new float[BLOCK * lp], o = new float[BLOCK * HD];
            for (int i0 = 0; i0 < len; i0 += BLOCK) {
                int r = Math.min(BLOCK, len - i0), n = i0 + r;   // rows i0..i0+r-1 see keys [0, n)
                java.util.Arrays.fill(s, 0f);
                Simd.gemmAcc(q, i0 * HD, HD, kT, 0, lp, s, 0, lp, r, Math.min(lp, padded(n)), HD);  // s = q k^T scaled
                for (int rr = 0; rr < r; rr++) {
                    int i = i0 + rr, row = rr * lp;
                    float max = Simd.max(s, row, i + 1);
                    double sum = Simd.expShiftSum(s, row, i + 1, max, 1f);
                    java.util.Arrays.fill(s, row + i + 1, row + n, 0f);                     // causal mask
                    lse.put((start + i) * NH + h, (float) (max + Math.log(sum)));
                    float inv = (float) (1 / sum);
                    for (int j = 0; j <= i; j++) s[row + j] *= inv;
                }
                java.util.Arrays.fill(o, 0f);
                Simd.gemmAcc(s, 0, lp, v, 0, HD, o, 0, HD, r, HD, n);                     // o = P v
                for (int rr = 0; rr < r; rr++) out.put((start + i0 + rr) * C + h * HD, o, rr * HD, HD);
            }
        });
    }

    /** See {@code Backend.attentionBackward}; writes dqkv [N, 3C]. */
    public static void backward(FloatBuffer dqkv, FloatBuffer dout, FloatBuffer qkv, FloatBuffer out, FloatBuffer lse,
                                int[] cuSeqlens, int NH, int HD, float scale) {
        int C = NH * HD, docs = cuSeqlens.length - 1;
        CpuParallel.each(docs * NH, 3 * work(cuSeqlens, HD), job -> {
            int doc = job / NH, h = job % NH;
            int start = cuSeqlens[doc], len = cuSeqlens[doc + 1] - start;
            float[] q = gather(qkv, start, len, 3 * C, h * HD, HD);
            float[] qs = q.clone();
            for (int i = 0; i < qs.length; i++) qs[i] *= scale;
            int lp = padded(len);
            float[] k = gather(qkv, start, len, 3 * C, C + h * HD, HD), kT = transpose(k, len, HD, lp);
            float[] vT = transpose(gather(qkv, start, len, 3 * C, 2 * C + h * HD, HD), len, HD, lp);
            float[] dO = gather(dout, start, len, C, h * HD, HD), o = gather(out, start, len, C, h * HD, HD);
            float[] p = new float[len * lp], ds = new float[len * lp];
            float[] dq = new float[len * HD], dk = new float[len * HD], dv = new float[len * HD];
            for (int i0 = 0; i0 < len; i0 += BLOCK) {
                int r = Math.min(BLOCK, len - i0), n = i0 + r, np = Math.min(lp, padded(n));
                Simd.gemmAcc(qs, i0 * HD, HD, kT, 0, lp, p, i0 * lp, lp, r, np, HD);      // scores
                Simd.gemmAcc(dO, i0 * HD, HD, vT, 0, lp, ds, i0 * lp, lp, r, np, HD);     // dP = dO v^T
                for (int rr = 0; rr < r; rr++) {
                    int i = i0 + rr, row = i * lp;
                    float l = lse.get((start + i) * NH + h);
                    Simd.expShiftSum(p, row, i + 1, l, 1f);                                 // P = exp(s - lse)
                    java.util.Arrays.fill(p, row + i + 1, row + np, 0f);
                    float D = Simd.dot(dO, i * HD, o, i * HD, HD);                          // rowsum(dO * O)
                    for (int j = 0; j <= i; j++) ds[row + j] = p[row + j] * (ds[row + j] - D) * scale;
                    java.util.Arrays.fill(ds, row + i + 1, row + np, 0f);
                }
                Simd.gemmAcc(ds, i0 * lp, lp, k, 0, HD, dq, i0 * HD, HD, r, HD, n);       // dQ = dS k
            }
            // dK = dS^T q and dV = P^T dO; key rows j0.. get contributions only from query rows i >= j0.
            float[] pT = transpose(p, len, lp, len), dsT = transpose(ds, len, lp, len);   // [lp, len]
            for (int j0 = 0; j0 < len; j0 += BLOCK) {
                int r = Math.min(BLOCK, len - j0), m = len - j0;
                Simd.gemmAcc(dsT, j0 * len + j0, len, q, j0 * HD, HD, dk, j0 * HD, HD, r, HD, m);
                Simd.gemmAcc(pT, j0 * len + j0, len, dO, j0 * HD, HD, dv, j0 * HD, HD, r, HD, m);
            }
            for (int t = 0; t < len; t++) {
                int base = (start + t) * 3 * C + h * HD;
                dqkv.put(base, dq, t * HD, HD);
                dqkv.put(base + C, dk, t * HD, HD);
                dqkv.put(base + 2 * C, dv, t * HD, HD);
            }
        });
    }

    /** Average multiply-adds of one (document, head): len^2 HD for q k^T and P v, with causal halving. */
    private static long work(int[] cu, int HD) {
        long total = 0;
        for (int d = 0; d + 1 < cu.length; d++) {
            long len = cu[d + 1] - cu[d];
            total += len * len * HD;
        }
        return Math.max(1, total / Math.max(1, cu.length - 1));
    }

    /** [rows, cols] -> [cols, ld]: the transpose, each of its rows zero-padded from {@code rows} to {@code ld}. */
    static float[] transpose(float[] a, int rows, int cols, int ld) {
        float[] t = new float[cols * ld];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * ld + r] = a[r * cols + c];
        return t;
    }

    /** n rounded up to whole SIMD vectors. */
    private static int padded(int n) {
        return (n + Simd.LANES - 1) / Simd.LANES * Simd.LANES;
    }

    /** Rows [start, start+len) of a row-major buffer with {@code stride} columns, columns [col, col+width). */
    static float[] gather(FloatBuffer b, int start, int len, int stride, int col, int width) {
        float[] out = new float[len * width];
        for (int t = 0; t < len; t++) b.get((start + t) * stride + col, out, t * width, width);
        return out;
    }
}
