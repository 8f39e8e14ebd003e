package dev.flan4j.backend.cpu;

import java.nio.FloatBuffer;

/** Layer norm over the last dimension on arrays, rows split over threads; statistics in double. */
public final class CpuLayerNorm {
    private CpuLayerNorm() {}

    /** See {@code Backend.layerNormForward}. */
    public static void forward(FloatBuffer out, FloatBuffer mean, FloatBuffer rstd, FloatBuffer x, FloatBuffer weight,
                               FloatBuffer bias, int N, int C, float eps) {
        float[] w = new float[C], b = new float[C];
        weight.get(0, w);
        bias.get(0, b);
        CpuParallel.ranges(N, 4L * C, (lo, hi) -> {
            float[] row = new float[C];
            for (int i = lo; i < hi; i++) {
                x.get(i * C, row);
                double mu = (double) Simd.sum(row, 0, C) / C;
                float muf = (float) mu;
                double shift = 0;   // sum (x - mu) in double corrects the fp32 mean's rounding
                for (int c = 0; c < C; c++) {
                    row[c] -= muf;
                    shift += row[c];
                }
                double var = (double) Simd.dot(row, 0, row, 0, C) / C - (shift / C) * (shift / C);
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                float corr = (float) (shift / C);
                for (int c = 0; c < C; c++) row[c] = (row[c] - corr) * rs * w[c] + b[c];
                out.put(i * C, row);
                mean.put(i, (float) (mu + shift / C));
                rstd.put(i, rs);
            }
        });
    }

    /** See {@code Backend.layerNormBackward}: accumulates dx, dweight, dbias. */
    public static void backward(FloatBuffer dx, FloatBuffer dweight, FloatBuffer dbias, FloatBuffer dout, FloatBuffer x,
                                FloatBuffer weight, FloatBuffer mean, FloatBuffer rstd, int N, int C) {
        float[] w = new float[C];
        weight.get(0, w);
        // Per row: dx += (dn - mean(dn) - xhat mean(dn xhat)) rstd with dn = w dout; the column sums of
        // dout xhat (dweight) and dout (dbias) are accumulated on the way.
        double[][] sums = CpuElementwise.columnSums(N, C, (i, acc, s) -> {
            // s holds four rows of C: x -> xhat, dout, dn, dx
            int xo = 0, go = C, no = 2 * C, dxo = 3 * C;
            x.get(i * C, s, xo, C);
            dout.get(i * C, s, go, C);
            dx.get(i * C, s, dxo, C);
            float mu = mean.get(i), rs = rstd.get(i);
            for (int c = 0; c < C; c++) {
                float xh = (s[xo + c] - mu) * rs;
                s[xo + c] = xh;
                s[no + c] = w[c] * s[go + c];
                acc[c] += s[go + c] * xh;      // dweight
                acc[C + c] += s[go + c];       // dbias
            }
            float meanDn = Simd.sum(s, no, C) / C, meanDnX = Simd.dot(s, no, s, xo, C) / C;
            for (int c = 0; c < C; c++) s[dxo + c] += (s[no + c] - meanDn - s[xo + c] * meanDnX) * rs;
            dx.put(i * C, s, dxo, C);
        }, 2);
        float[] dw = new float[C], db = new float[C];
        dweight.get(0, dw);
        dbias.get(0, db);
        for (int c = 0; c < C; c++) {
            dw[c] = (float) (dw[c] + sums[0][c]);
            db[c] = (float) (db[c] + sums[1][c]);
        }
        dweight.put(0, dw);
        dbias.put(0, db);
    }
}
