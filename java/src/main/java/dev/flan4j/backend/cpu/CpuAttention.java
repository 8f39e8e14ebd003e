package dev.flan4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Causal attention over packed documents on the CPU, one (document, head) per task. The products run as OpenBLAS
 * sgemm calls straight on that head's strided q, k, v columns (one thread each), over
 * blocks of query rows so that a block sees only the keys up to its last row: about 5/8 of the full product at
 * 4 blocks, approaching half with more. The softmax works on the block's rows in arrays (the vectorized
 * {@link Simd} loops). The forward keeps one block of scores; the backward recomputes P = softmax(q k^T scale) from
 * the saved log-sum-exp, keeps P and dS for the document, and forms dK and dV per key block from the query rows at
 * or after it.
 */
public final class CpuAttention {
    private CpuAttention() {}

    /** Query rows per block (the test runs other sizes through the package-private overloads). */
    static final int ROW_BLOCK = 64;

    /** See {@code Backend.attentionForward}; qkv [N, 3C], out [N, C], lse [N, NH]. */
    public static void forward(FloatBuffer qkv, FloatBuffer out, FloatBuffer lse, int[] cuSeqlens, int NH, int HD,
                               float scale) {
        forward(qkv, out, lse, cuSeqlens, NH, HD, scale, ROW_BLOCK);
    }

    static void forward(FloatBuffer qkv, FloatBuffer out, FloatBuffer lse, int[] cuSeqlens, int NH, int HD,
                        float scale, int rowBlock) {
        int C = NH * HD, ld = 3 * C, docs = cuSeqlens.length - 1;
        CpuParallel.each(docs * NH, work(cuSeqlens, HD), job -> {
            int doc = job / NH, h = job % NH;
            int start = cuSeqlens[doc], len = cuSeqlens[doc + 1] - start;
            int q = start * ld + h * HD, k = q + C, v = q + 2 * C;
            Scratch w = Scratch.get(Math.min(rowBlock, len) * len, Math.min(rowBlock, len) * len, 0);
            for (int i0 = 0; i0 < len; i0 += rowBlock) {
                int r = Math.min(rowBlock, len - i0), n = i0 + r;   // rows i0..n-1 see keys [0, n)
                CpuBlas.sgemm(false, true, r, n, HD, scale, qkv, q + i0 * ld, ld, qkv, k, ld, 0f, w.p, 0, n);
                w.p.get(0, w.a, 0, r * n);
                for (int rr = 0; rr < r; rr++) {
                    int i = i0 + rr, row = rr * n;
                    float max = Simd.max(w.a, row, i + 1);
                    double sum = Simd.expShiftSum(w.a, row, i + 1, max, 1f);
                    java.util.Arrays.fill(w.a, row + i + 1, row + n, 0f);                    // causal mask
                    lse.put((start + i) * NH + h, (float) (max + Math.log(sum)));
                    Simd.scale(w.a, row, i + 1, (float) (1 / sum));
                }
                w.p.put(0, w.a, 0, r * n);
                CpuBlas.sgemm(false, false, r, HD, n, 1f, w.p, 0, n, qkv, v, ld, 0f, out, (start + i0) * C + h * HD, C);
            }
        });
    }

    /** See {@code Backend.attentionBackward}; writes dqkv [N, 3C]. */
    public static void backward(FloatBuffer dqkv, FloatBuffer dout, FloatBuffer qkv, FloatBuffer out, FloatBuffer lse,
                                int[] cuSeqlens, int NH, int HD, float scale) {
        backward(dqkv, dout, qkv, out, lse, cuSeqlens, NH, HD, scale, ROW_BLOCK);
    }

    static void backward(FloatBuffer dqkv, FloatBuffer dout, FloatBuffer qkv, FloatBuffer out, FloatBuffer lse,
                         int[] cuSeqlens, int NH, int HD, float scale, int rowBlock) {
        int C = NH * HD, ld = 3 * C, docs = cuSeqlens.length - 1;
        CpuParallel.each(docs * NH, 3 * work(cuSeqlens, HD), job -> {
            int doc = job / NH, h = job % NH;
            int start = cuSeqlens[doc], len = cuSeqlens[doc + 1] - start;
            int q = start * ld + h * HD, k = q + C, v = q + 2 * C, o = start * C + h * HD;
            Scratch w = Scratch.get(len * len, len, 2 * HD);
            FloatBuffer p = w.p, ds = w.ds;
            for (int i0 = 0; i0 < len; i0 += rowBlock) {
                int r = Math.min(rowBlock, len - i0), n = i0 + r;
                CpuBlas.sgemm(false, true, r, n, HD, scale, qkv, q + i0 * ld, ld, qkv, k, ld, 0f, p, i0 * len, len);
                CpuBlas.sgemm(false, true, r, n, HD, 1f, dout, o + i0 * C, C, qkv, v, ld, 0f, ds, i0 * len, len);
                for (int rr = 0; rr < r; rr++) {
                    int i = i0 + rr, row = i * len;
                    p.get(row, w.a, 0, n);
                    ds.get(row, w.b, 0, n);
                    Simd.expShiftSum(w.a, 0, i + 1, lse.get((start + i) * NH + h), 1f);     // P = exp(s - lse)
                    java.util.Arrays.fill(w.a, i + 1, n, 0f);
                    dout.get(o + i * C, w.row, 0, HD);
                    out.get(o + i * C, w.row, HD, HD);
                    float D = Simd.dot(w.row, 0, w.row, HD, HD);                              // rowsum(dO * O)
                    Simd.softmaxGrad(w.a, w.b, 0, i + 1, D, scale);                          // dS = P (dP - D) scale
                    java.util.Arrays.fill(w.b, i + 1, n, 0f);
                    p.put(row, w.a, 0, n);
                    ds.put(row, w.b, 0, n);
                }
                CpuBlas.sgemm(false, false, r, HD, n, 1f, ds, i0 * len, len, qkv, k, ld, 0f,
                        dqkv, q + i0 * ld, ld);                                               // dQ = dS k
            }
            // dK = dS^T q and dV = P^T dO; key rows j0.. get contributions only from query rows i >= j0 (the
            // entries of a block's rows past its last key are never read: they lie beyond every key block's end).
            for (int j0 = 0; j0 < len; j0 += rowBlock) {
                int r = Math.min(rowBlock, len - j0), m = len - j0, at = j0 * len + j0;
                CpuBlas.sgemm(true, false, r, HD, m, 1f, ds, at, len, qkv, q + j0 * ld, ld, 0f, dqkv, k + j0 * ld, ld);
                CpuBlas.sgemm(true, false, r, HD, m, 1f, p, at, len, dout, o + j0 * C, C, 0f, dqkv, v + j0 * ld, ld);
            }
        });
    }

    /** Per-thread buffers: P (or one block of scores) and dS as direct buffers for sgemm, and row arrays. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        FloatBuffer p = direct(0), ds = direct(0);
        float[] a = new float[0], b = new float[0], row = new float[0];

        static Scratch get(int bufferFloats, int arrayFloats, int rowFloats) {
            Scratch w = LOCAL.get();
            if (w.p.capacity() < bufferFloats) {
                w.p = direct(bufferFloats);
                w.ds = direct(bufferFloats);
            }
            if (w.a.length < arrayFloats) {
                w.a = new float[arrayFloats];
                w.b = new float[arrayFloats];
            }
            if (w.row.length < rowFloats) w.row = new float[rowFloats];
            return w;
        }

        private static FloatBuffer direct(int floats) {
            if (floats > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("attention scratch of " + floats + " floats (a document of "
                        + (long) Math.sqrt(floats) + " tokens) exceeds a direct buffer's 2 GiB");
            }
            return java.nio.ByteBuffer.allocateDirect(4 * floats).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        }
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
}
