package dev.flan4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Blocked attention (row blocks of several sizes) against a naive double-precision softmax(q k^T scale) v and its gradients. */
class CpuAttentionTest {
    private static FloatBuffer direct(float[] a) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * a.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, a);
        return b;
    }

    private static float[] read(FloatBuffer b) {
        float[] a = new float[b.capacity()];
        b.get(0, a);
        return a;
    }

    @Test
    void forwardAndBackwardMatchTheNaiveReferenceOnPackedDocuments() {
        check(new int[] {0, 1, 6, 19, 28}, CpuAttention.ROW_BLOCK);   // lengths 1, 5, 13, 9: shorter than a block
    }

    @Test
    void rowBlocksSplitDocumentsAtEveryOffset() {
        // lengths 1, 4, 5, 13, 9, 3 at 4-row blocks: whole blocks, one row past, ragged last blocks
        check(new int[] {0, 1, 5, 10, 23, 32, 35}, 4);
        check(new int[] {0, 1, 5, 10, 23, 32, 35}, 3);
        // at the default block: one document of exactly two blocks, one a row past, one ragged across three
        int b = CpuAttention.ROW_BLOCK;
        check(new int[] {0, 2 * b, 4 * b + 1, 6 * b + 1 + b / 2 + 3}, b);
    }

    private static void check(int[] cu, int rowBlock) {
        int NH = 2, HD = 12, C = NH * HD;
        int N = cu[cu.length - 1];
        float scale = (float) (1 / Math.sqrt(HD));
        SplittableRandom rng = new SplittableRandom(11);
        float[] qkv = new float[N * 3 * C], dout = new float[N * C];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) rng.nextGaussian();
        for (int i = 0; i < dout.length; i++) dout[i] = (float) rng.nextGaussian();

        FloatBuffer out = direct(new float[N * C]), lse = direct(new float[N * NH]), dqkv = direct(new float[N * 3 * C]);
        CpuAttention.forward(direct(qkv), out, lse, cu, NH, HD, scale, rowBlock);
        CpuAttention.backward(dqkv, direct(dout), direct(qkv), out, lse, cu, NH, HD, scale, rowBlock);
        float[] o = read(out), l = read(lse), d = read(dqkv);

        double[] wantO = new double[N * C], wantL = new double[N * NH], wantD = new double[N * 3 * C];
        for (int doc = 0; doc + 1 < cu.length; doc++) {
            for (int h = 0; h < NH; h++) reference(qkv, dout, cu[doc], cu[doc + 1] - cu[doc], h, NH, HD, scale, wantO, wantL, wantD);
        }
        for (int i = 0; i < o.length; i++) assertEquals(wantO[i], o[i], 1e-5, "block " + rowBlock + ": out[" + i + "]");
        for (int i = 0; i < l.length; i++) assertEquals(wantL[i], l[i], 1e-5, "block " + rowBlock + ": lse[" + i + "]");
        for (int i = 0; i < d.length; i++) assertEquals(wantD[i], d[i], 1e-4, "block " + rowBlock + ": dqkv[" + i + "]");
    }

    /** One (document, head) in double: P = softmax(scale q k^T) causal, O = P v, and dq, dk, dv from dO. */
    private static void reference(float[] qkv, float[] dout, int start, int len, int h, int NH, int HD, float scale,
                                  double[] O, double[] Lse, double[] D) {
        int C = NH * HD;
        double[][] p = new double[len][len];
        for (int i = 0; i < len; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int e = 0; e < HD; e++) s += (double) q(qkv, start + i, h, e, C, HD, 0) * q(qkv, start + j, h, e, C, HD, 1);
                p[i][j] = s * scale;
                max = Math.max(max, p[i][j]);
            }
            double sum = 0;
            for (int j = 0; j <= i; j++) sum += Math.exp(p[i][j] - max);
            Lse[(start + i) * NH + h] = max + Math.log(sum);
            for (int j = 0; j <= i; j++) p[i][j] = Math.exp(p[i][j] - max) / sum;
            for (int e = 0; e < HD; e++) {
                double acc = 0;
                for (int j = 0; j <= i; j++) acc += p[i][j] * q(qkv, start + j, h, e, C, HD, 2);
                O[(start + i) * C + h * HD + e] = acc;
            }
        }
        for (int i = 0; i < len; i++) {
            double[] dp = new double[i + 1];
            double dsum = 0;
            for (int j = 0; j <= i; j++) {
                for (int e = 0; e < HD; e++) dp[j] += dout[(start + i) * C + h * HD + e] * q(qkv, start + j, h, e, C, HD, 2);
                dsum += p[i][j] * dp[j];
            }
            for (int j = 0; j <= i; j++) {
                double ds = p[i][j] * (dp[j] - dsum) * scale;
                for (int e = 0; e < HD; e++) {
                    D[(start + i) * 3 * C + h * HD + e] += ds * q(qkv, start + j, h, e, C, HD, 1);
                    D[(start + j) * 3 * C + C + h * HD + e] += ds * q(qkv, start + i, h, e, C, HD, 0);
                    D[(start + j) * 3 * C + 2 * C + h * HD + e] += p[i][j] * dout[(start + i) * C + h * HD + e];
                }
            }
        }
    }

    /** q (part 0), k (1) or v (2) of token t, head h, element e. */
    private static float q(float[] qkv, int t, int h, int e, int C, int HD, int part) {
        return qkv[t * 3 * C + part * C + h * HD + e];
    }
}
