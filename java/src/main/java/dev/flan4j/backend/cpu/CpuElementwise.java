package dev.flan4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Element-wise and per-column ops of the CPU backend on off-heap buffers: each task copies a chunk into arrays
 * (one bulk copy, no per-element bounds checks), runs a loop the JIT vectorizes (or a {@link Simd} kernel), and
 * copies the result back.
 */
public final class CpuElementwise {
    private CpuElementwise() {}

    static final int CHUNK = 4096;   // elements per array chunk: 16 KiB, several of them fit in L1

    /** b[0 .. n) = value. */
    public static void fill(FloatBuffer b, int n, float value) {
        float[] c = new float[Math.min(n, CHUNK)];
        if (value != 0f) java.util.Arrays.fill(c, value);
        for (int i = 0; i < n; i += CHUNK) b.put(i, c, 0, Math.min(CHUNK, n - i));
    }

    /** out = a + b over n elements (out may alias a or b). */
    public static void add(FloatBuffer out, FloatBuffer a, FloatBuffer b, int n) {
        CpuParallel.ranges(n, 1, (lo, hi) -> {
            float[] x = new float[CHUNK], y = new float[CHUNK];
            for (int i = lo; i < hi; i += CHUNK) {
                int m = Math.min(CHUNK, hi - i);
                a.get(i, x, 0, m);
                b.get(i, y, 0, m);
                for (int t = 0; t < m; t++) x[t] += y[t];
                out.put(i, x, 0, m);
            }
        });
    }

    /** t *= s over n elements. */
    public static void scale(FloatBuffer t, int n, float s) {
        CpuParallel.ranges(n, 1, (lo, hi) -> {
            float[] x = new float[CHUNK];
            for (int i = lo; i < hi; i += CHUNK) {
                int m = Math.min(CHUNK, hi - i);
                t.get(i, x, 0, m);
                for (int k = 0; k < m; k++) x[k] *= s;
                t.put(i, x, 0, m);
            }
        });
    }

    /** out[r, c] += bias[c] for out [rows, cols]. */
    public static void addBias(FloatBuffer out, FloatBuffer bias, int rows, int cols) {
        float[] b = new float[cols];
        bias.get(0, b);
        CpuParallel.ranges(rows, cols, (lo, hi) -> {
            float[] x = new float[cols];
            for (int r = lo; r < hi; r++) {
                out.get(r * cols, x);
                for (int c = 0; c < cols; c++) x[c] += b[c];
                out.put(r * cols, x);
            }
        });
    }

    /** dbias[c] += sum_r dout[r, c]; rows are summed in fp32 blocks of 32 and the blocks in double. */
    public static void biasBackward(FloatBuffer dbias, FloatBuffer dout, int rows, int cols) {
        double[] total = columnSums(rows, cols, (r, acc, row) -> {
            dout.get(r * cols, row, 0, cols);
            for (int c = 0; c < cols; c++) acc[c] += row[c];
        }, 1)[0];
        float[] db = new float[cols];
        dbias.get(0, db);
        for (int c = 0; c < cols; c++) db[c] = (float) (db[c] + total[c]);
        dbias.put(0, db);
    }

    /** Accumulates one row into {@code sets} fp32 column accumulators of {@code cols} each (laid out back to back). */
    @FunctionalInterface
    interface RowAccumulator {
        void accept(int row, float[] acc, float[] scratch);
    }

    /**
     * Column sums over rows, split over threads by row ranges: each range accumulates rows into fp32 arrays, folds
     * them into double every 32 rows, and the ranges are added at the end. Returns {@code sets} arrays of
     * {@code cols} doubles (the accumulator holds sets * cols floats).
     */
    static double[][] columnSums(int rows, int cols, RowAccumulator rowFn, int sets) {
        int width = sets * cols;
        double[][] partials = new double[CpuParallel.parts(rows, width)][];
        CpuParallel.parts(rows, partials.length, (part, lo, hi) -> {
            float[] acc = new float[width], scratch = new float[Math.max(cols, 1) * 4];
            double[] sums = new double[width];
            for (int r = lo; r < hi; r++) {
                rowFn.accept(r, acc, scratch);
                if ((r - lo) % 32 == 31 || r == hi - 1) {
                    for (int c = 0; c < width; c++) {
                        sums[c] += acc[c];
                        acc[c] = 0f;
                    }
                }
            }
            partials[part] = sums;
        });
        double[][] out = new double[sets][cols];
        for (double[] part : partials) {
            for (int s = 0; s < sets; s++) for (int c = 0; c < cols; c++) out[s][c] += part[s * cols + c];
        }
        return out;
    }

    /** out = gelu(x), tanh form, over n elements. */
    public static void gelu(FloatBuffer out, FloatBuffer x, int n) {
        CpuParallel.ranges(n, 16, (lo, hi) -> {
            float[] a = new float[CHUNK];
            for (int i = lo; i < hi; i += CHUNK) {
                int m = Math.min(CHUNK, hi - i);
                x.get(i, a, 0, m);
                Simd.gelu(a, a, m);
                out.put(i, a, 0, m);
            }
        });
    }

    /** dx = gelu'(x) dout over n elements (dx may be dout). */
    public static void geluBackward(FloatBuffer dx, FloatBuffer x, FloatBuffer dout, int n) {
        CpuParallel.ranges(n, 20, (lo, hi) -> {
            float[] a = new float[CHUNK], g = new float[CHUNK];
            for (int i = lo; i < hi; i += CHUNK) {
                int m = Math.min(CHUNK, hi - i);
                x.get(i, a, 0, m);
                dout.get(i, g, 0, m);
                Simd.geluBackward(a, g, g, m);
                dx.put(i, g, 0, m);
            }
        });
    }

    /** out [N, C] = wte[tokens[i]] + wpe[positions[i]]. */
    public static void embeddingForward(FloatBuffer out, int[] tokens, int[] positions, FloatBuffer wte,
                                        FloatBuffer wpe, int N, int C) {
        CpuParallel.ranges(N, C, (lo, hi) -> {
            float[] e = new float[C], p = new float[C];
            for (int i = lo; i < hi; i++) {
                wte.get(tokens[i] * C, e);
                wpe.get(positions[i] * C, p);
                for (int c = 0; c < C; c++) e[c] += p[c];
                out.put(i * C, e);
            }
        });
    }

    /**
     * dwte[tokens[i]] += dout[i], dwpe[positions[i]] += dout[i]. Rows that repeat a token would race, so threads
     * split the channels instead: each owns a contiguous column range of every row.
     */
    public static void embeddingBackward(FloatBuffer dwte, FloatBuffer dwpe, FloatBuffer dout, int[] tokens,
                                         int[] positions, int N, int C) {
        int blocks = Math.max(1, C / 32);
        CpuParallel.ranges(blocks, (long) N * 32, (lo, hi) -> {
            int c0 = (int) ((long) C * lo / blocks), c1 = (int) ((long) C * hi / blocks), w = c1 - c0;
            float[] g = new float[w], e = new float[w], p = new float[w];
            for (int i = 0; i < N; i++) {
                dout.get(i * C + c0, g);
                int t = tokens[i] * C + c0, q = positions[i] * C + c0;
                dwte.get(t, e);
                dwpe.get(q, p);
                for (int c = 0; c < w; c++) {
                    e[c] += g[c];
                    p[c] += g[c];
                }
                dwte.put(t, e);
                dwpe.put(q, p);
            }
        });
    }

    /** One AdamW step over n elements, as {@code Backend.adamW} documents it (the update in double). */
    public static void adamW(FloatBuffer param, FloatBuffer grad, FloatBuffer m, FloatBuffer v, int n, float lr,
                             float beta1, float beta2, float eps, float weightDecay, int t) {
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        CpuParallel.ranges(n, 8, (lo, hi) -> {
            float[] P = new float[CHUNK], G = new float[CHUNK], M = new float[CHUNK], V = new float[CHUNK];
            for (int i = lo; i < hi; i += CHUNK) {
                int k = Math.min(CHUNK, hi - i);
                param.get(i, P, 0, k);
                grad.get(i, G, 0, k);
                m.get(i, M, 0, k);
                v.get(i, V, 0, k);
                for (int e = 0; e < k; e++) {
                    float g = G[e];
                    float mi = beta1 * M[e] + (1 - beta1) * g;
                    float vi = beta2 * V[e] + (1 - beta2) * g * g;
                    M[e] = mi;
                    V[e] = vi;
                    double mhat = mi / bc1, vhat = vi / bc2;
                    P[e] = (float) (P[e] - lr * (mhat / (Math.sqrt(vhat) + eps) + weightDecay * P[e]));
                }
                param.put(i, P, 0, k);
                m.put(i, M, 0, k);
                v.put(i, V, 0, k);
            }
        });
    }

    /**
     * One Adafactor step over a [R, C] parameter, as {@code Backend.adafactor} documents it: factored (row [R], col
     * [C]) when {@code v} is null, else with the full second moment v [R * C]. One thread, in double, every sum in
     * index order, row / col / v and the parameter rounded to fp32 as they are stored: the arithmetic of the host
     * loop {@code train.Adafactor} ran before the op existed, bit for bit. u is computed twice (for its mean square,
     * then for the update) rather than held in an array of R * C doubles; both passes give the same bits.
     */
    public static void adafactor(FloatBuffer param, FloatBuffer grad, FloatBuffer row, FloatBuffer col, FloatBuffer v,
                                 int R, int C, float lr, double decay, float weightDecay, double clip, double eps1) {
        int n = R * C;
        float[] w = new float[n], g = new float[n];
        param.get(0, w);
        grad.get(0, g);
        double ms = 0, rMean = 0;
        float[] r = null, c = null, full = null;
        if (v == null) {
            r = new float[R];
            c = new float[C];
            row.get(0, r);
            col.get(0, c);
            double[] rowSum = new double[R], colSum = new double[C];
            for (int i = 0; i < R; i++) {
                for (int j = 0; j < C; j++) {
                    double g2 = (double) g[i * C + j] * g[i * C + j] + eps1;
                    rowSum[i] += g2;
                    colSum[j] += g2;
                }
            }
            for (int i = 0; i < R; i++) {
                r[i] = (float) (decay * r[i] + (1 - decay) * rowSum[i] / C);
                rMean += r[i];
            }
            rMean /= R;
            for (int j = 0; j < C; j++) c[j] = (float) (decay * c[j] + (1 - decay) * colSum[j] / R);
            row.put(0, r);
            col.put(0, c);
            for (int i = 0; i < R; i++) {
                for (int j = 0; j < C; j++) {
                    double u = g[i * C + j] / Math.sqrt((double) r[i] * c[j] / rMean);
                    ms += u * u;
                }
            }
        } else {
            full = new float[n];
            v.get(0, full);
            for (int i = 0; i < n; i++) {
                full[i] = (float) (decay * full[i] + (1 - decay) * ((double) g[i] * g[i] + eps1));
                double u = g[i] / Math.sqrt(full[i]);
                ms += u * u;
            }
            v.put(0, full);
        }
        double denom = Math.max(1.0, Math.sqrt(ms / n) / clip);
        double wd = weightDecay;
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                int k = i * C + j;
                double u = full == null ? g[k] / Math.sqrt((double) r[i] * c[j] / rMean) : g[k] / Math.sqrt(full[k]);
                w[k] = (float) (w[k] - lr * (u / denom + wd * w[k]));
            }
        }
        param.put(0, w);
    }

    /** sum of x over n elements, in double. */
    public static double sum(FloatBuffer t, int n) {
        return chunked(t, n, (x, m, s) -> {
            for (int k = 0; k < m; k++) s += x[k];
            return s;
        });
    }

    /** sum of x^2 over n elements: fp32 within a chunk, double across chunks. */
    public static double sumOfSquares(FloatBuffer t, int n) {
        return chunked(t, n, (x, m, s) -> s + Simd.dot(x, 0, x, 0, m));
    }

    /** Adds the first {@code m} elements of {@code x} (one chunk) into the running sum {@code s}. */
    private interface ChunkSum {
        double add(float[] x, int m, double s);
    }

    /** Sums over n elements in parallel parts (each part's chunks in order), the parts added in order. */
    private static double chunked(FloatBuffer t, int n, ChunkSum f) {
        double[] partials = new double[CpuParallel.parts(n, 1)];
        CpuParallel.parts(n, partials.length, (part, lo, hi) -> {
            float[] x = new float[CHUNK];
            double s = 0;
            for (int i = lo; i < hi; i += CHUNK) {
                int m = Math.min(CHUNK, hi - i);
                t.get(i, x, 0, m);
                s = f.add(x, m, s);
            }
            partials[part] = s;
        });
        double total = 0;
        for (double s : partials) total += s;
        return total;
    }
}
