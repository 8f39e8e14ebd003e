package dev.flan4j.backend;

import dev.flan4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.bytedeco.openblas.global.openblas;

/**
 * The fp32 reference backend: plain loops written for clarity, parallel over rows where it matters, GEMM through
 * OpenBLAS. Every CUDA op is tested against this class; every op here is tested against finite differences.
 * {@link AbstractBackend} checks every argument before an {@code ...Impl} method runs.
 */
public final class CpuBackend extends AbstractBackend {
    private static final float GELU_K = (float) Math.sqrt(2.0 / Math.PI);

    @Override public String name() { return "cpu"; }

    @Override
    public String device() {
        return "CPU, " + Runtime.getRuntime().availableProcessors() + " threads, OpenBLAS";
    }

    @Override
    protected Tensor allocate(int[] shape) { return CpuTensor.allocate(shape); }

    @Override
    protected Tensor upload(float[] data, int[] shape) {
        CpuTensor t = CpuTensor.allocate(shape);
        t.buf.put(0, data);
        return t;
    }

    @Override
    protected float[] download(Tensor t) {
        FloatBuffer b = buf("t", t);
        float[] out = new float[b.capacity()];
        b.get(0, out);
        return out;
    }

    @Override
    protected void copyImpl(Tensor dst, Tensor src) {
        FloatBuffer d = buf("dst", dst), s = buf("src", src);
        d.put(0, s, 0, s.capacity());
    }

    @Override
    protected void fillImpl(Tensor t, float value) {
        FloatBuffer b = buf("t", t);
        for (int i = 0; i < b.capacity(); i++) b.put(i, value);
    }

    @Override
    protected void matmulImpl(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, float beta) {
        long sa = (long) m * k, sb = (long) k * n, so = (long) m * n;
        FloatBuffer A = buf("a", a), B = buf("b", bm), O = buf("out", out);
        int lda = transA ? m : k, ldb = transB ? k : n;
        for (int i = 0; i < batch; i++) {
            openblas.cblas_sgemm(openblas.CblasRowMajor,
                    transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans,
                    m, n, k, alpha,
                    A.slice((int) (i * sa), (int) sa), lda,
                    B.slice((int) (i * sb), (int) sb), ldb, beta,
                    O.slice((int) (i * so), (int) so), n);
        }
    }

    @Override
    protected void addBiasImpl(Tensor out, Tensor bias, int rows, int cols) {
        FloatBuffer o = buf("out", out), b = buf("bias", bias);
        parallelRows(rows, cols, r -> {
            int base = r * cols;
            for (int c = 0; c < cols; c++) o.put(base + c, o.get(base + c) + b.get(c));
        });
    }

    @Override
    protected void biasBackwardImpl(Tensor dbias, Tensor dout, int rows, int cols) {
        FloatBuffer d = buf("dout", dout), db = buf("dbias", dbias);
        parallelRows(cols, rows, c -> {
            double s = 0;
            for (int r = 0; r < rows; r++) s += d.get(r * cols + c);
            db.put(c, (float) (db.get(c) + s));
        });
    }

    @Override
    protected void layerNormForwardImpl(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias,
                                 int N, int C, float eps) {
        FloatBuffer X = buf("x", x), O = buf("out", out), M = buf("mean", mean), R = buf("rstd", rstd),
                W = buf("weight", weight), Bi = buf("bias", bias);
        parallelRows(N, C, i -> {
            int base = i * C;
            double s = 0;
            for (int c = 0; c < C; c++) s += X.get(base + c);
            double mu = s / C;
            double v = 0;
            for (int c = 0; c < C; c++) {
                double d = X.get(base + c) - mu;
                v += d * d;
            }
            double rs = 1.0 / Math.sqrt(v / C + eps);
            for (int c = 0; c < C; c++) {
                O.put(base + c, (float) ((X.get(base + c) - mu) * rs * W.get(c) + Bi.get(c)));
            }
            M.put(i, (float) mu);
            R.put(i, (float) rs);
        });
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                  Tensor mean, Tensor rstd, int N, int C) {
        FloatBuffer DX = buf("dx", dx), DO = buf("dout", dout), X = buf("x", x), W = buf("weight", weight),
                M = buf("mean", mean), R = buf("rstd", rstd), DW = buf("dweight", dweight), DB = buf("dbias", dbias);
        // dx: rows are independent.
        parallelRows(N, C, i -> {
            int base = i * C;
            double mu = M.get(i), rs = R.get(i);
            double meanDn = 0, meanDnX = 0;   // mean of dnorm and of dnorm * xhat
            for (int c = 0; c < C; c++) {
                double xhat = (X.get(base + c) - mu) * rs;
                double dn = W.get(c) * DO.get(base + c);
                meanDn += dn;
                meanDnX += dn * xhat;
            }
            meanDn /= C;
            meanDnX /= C;
            for (int c = 0; c < C; c++) {
                double xhat = (X.get(base + c) - mu) * rs;
                double dn = W.get(c) * DO.get(base + c);
                DX.put(base + c, (float) (DX.get(base + c) + (dn - meanDn - xhat * meanDnX) * rs));
            }
        });
        // dweight, dbias: columns are independent.
        parallelRows(C, N, c -> {
            double dw = 0, db = 0;
            for (int i = 0; i < N; i++) {
                double g = DO.get(i * C + c);
                dw += g * (X.get(i * C + c) - M.get(i)) * R.get(i);
                db += g;
            }
            DW.put(c, (float) (DW.get(c) + dw));
            DB.put(c, (float) (DB.get(c) + db));
        });
    }

    @Override
    protected void attentionForwardImpl(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale) {
        int C = NH * HD;
        FloatBuffer QKV = buf("qkv", qkv), O = buf("out", out), L = buf("lse", lse);
        int docs = cuSeqlens.length - 1;
        parallelRows(docs * NH, 1 << 16, job -> {
            int doc = job / NH, h = job % NH;
            int start = cuSeqlens[doc], len = cuSeqlens[doc + 1] - start;
            // This (document, head)'s q and v as rows [len, HD], k transposed [HD, len]: every inner loop below
            // is an axpy over a contiguous row, which the JIT vectorizes.
            float[] q = gather(QKV, start, len, 3 * C, h * HD, HD);
            float[] kT = transpose(gather(QKV, start, len, 3 * C, C + h * HD, HD), len, HD);
            float[] v = gather(QKV, start, len, 3 * C, 2 * C + h * HD, HD);
            float[] s = new float[len], o = new float[HD];
            for (int i = 0; i < len; i++) {
                int n = i + 1;
                scores(s, q, i, kT, len, n, HD, scale);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) max = Math.max(max, s[j]);
                double sum = 0;
                java.util.Arrays.fill(o, 0f);
                for (int j = 0; j < n; j++) {
                    float e = (float) Math.exp(s[j] - max);
                    sum += e;
                    axpy(o, 0, e, v, j * HD, HD);
                }
                int base = (start + i) * C + h * HD;
                float inv = (float) (1 / sum);
                for (int d = 0; d < HD; d++) O.put(base + d, o[d] * inv);
                L.put((start + i) * NH + h, (float) (max + Math.log(sum)));
            }
        });
    }

    @Override
    protected void attentionBackwardImpl(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens,
                                  int N, int NH, int HD, float scale) {
        int C = NH * HD;
        FloatBuffer QKV = buf("qkv", qkv), DQKV = buf("dqkv", dqkv), DO = buf("dout", dout), O = buf("out", out),
                L = buf("lse", lse);
        int docs = cuSeqlens.length - 1;
        parallelRows(docs * NH, 1 << 16, job -> {
            int doc = job / NH, h = job % NH;
            int start = cuSeqlens[doc], len = cuSeqlens[doc + 1] - start;
            float[] q = gather(QKV, start, len, 3 * C, h * HD, HD);
            float[] kT = transpose(gather(QKV, start, len, 3 * C, C + h * HD, HD), len, HD);
            float[] vT = transpose(gather(QKV, start, len, 3 * C, 2 * C + h * HD, HD), len, HD);
            float[] dO = gather(DO, start, len, C, h * HD, HD);
            float[] o = gather(O, start, len, C, h * HD, HD);
            // dq [len, HD]; dk, dv accumulated transposed [HD, len] so every update is a long axpy over keys.
            float[] dq = new float[len * HD], dkT = new float[HD * len], dvT = new float[HD * len];
            float[] p = new float[len], dp = new float[len], ds = new float[len];
            for (int i = 0; i < len; i++) {
                int n = i + 1;
                float lsei = L.get((start + i) * NH + h);
                float D = 0;   // rowsum(dO * O)
                for (int d = 0; d < HD; d++) D += dO[i * HD + d] * o[i * HD + d];
                scores(p, q, i, kT, len, n, HD, scale);
                for (int j = 0; j < n; j++) p[j] = (float) Math.exp(p[j] - lsei);      // P = softmax row
                scores(dp, dO, i, vT, len, n, HD, 1f);                                   // dP = dO V^T
                for (int j = 0; j < n; j++) ds[j] = p[j] * (dp[j] - D) * scale;          // dS (with the scale)
                for (int d = 0; d < HD; d++) {
                    axpy(dvT, d * len, dO[i * HD + d], p, 0, n);                         // dV += P^T dO
                    axpy(dkT, d * len, q[i * HD + d], ds, 0, n);                         // dK += dS^T Q
                    float acc = 0;                                                        // dQ = dS K
                    for (int j = 0; j < n; j++) acc += ds[j] * kT[d * len + j];
                    dq[i * HD + d] = acc;
                }
            }
            float[] dk = transpose(dkT, HD, len), dv = transpose(dvT, HD, len);
            for (int t = 0; t < len; t++) {
                int base = (start + t) * 3 * C + h * HD;
                DQKV.put(base, dq, t * HD, HD);
                DQKV.put(base + C, dk, t * HD, HD);
                DQKV.put(base + 2 * C, dv, t * HD, HD);
            }
        });
    }

    /** s[j] = scale * (a[i] . b[:, j]) for j < n, where a is [*, HD] rows and bT is b transposed, [HD, len]. */
    private static void scores(float[] s, float[] a, int i, float[] bT, int len, int n, int HD, float scale) {
        java.util.Arrays.fill(s, 0, n, 0f);
        for (int d = 0; d < HD; d++) axpy(s, 0, a[i * HD + d] * scale, bT, d * len, n);
    }

    /** y[yo .. yo+n) += alpha * x[xo .. xo+n). */
    private static void axpy(float[] y, int yo, float alpha, float[] x, int xo, int n) {
        for (int t = 0; t < n; t++) y[yo + t] += alpha * x[xo + t];
    }

    /** [rows, cols] -> [cols, rows]. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }

    /** Rows [start, start+len) of a row-major buffer with {@code stride} columns, columns [col, col+width). */
    private static float[] gather(FloatBuffer b, int start, int len, int stride, int col, int width) {
        float[] out = new float[len * width];
        for (int t = 0; t < len; t++) b.get((start + t) * stride + col, out, t * width, width);
        return out;
    }

    private static double dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int d = 0; d < n; d++) s += a[ao + d] * b[bo + d];
        return s;
    }

    @Override
    protected void geluForwardImpl(Tensor out, Tensor x, int n) {
        FloatBuffer X = buf("x", x), O = buf("out", out);
        parallelRange(n, i -> {
            double v = X.get(i);
            O.put(i, (float) (0.5 * v * (1 + tanh(GELU_K * (v + 0.044715 * v * v * v)))));
        });
    }

    /** tanh through the intrinsic exp (Math.tanh is not intrinsified and dominated GELU's cost). */
    private static double tanh(double u) {
        if (u > 20) return 1;
        if (u < -20) return -1;
        double e = Math.exp(2 * u);
        return (e - 1) / (e + 1);
    }

    @Override
    protected void geluBackwardImpl(Tensor dx, Tensor x, Tensor dout, int n) {
        FloatBuffer X = buf("x", x), DO = buf("dout", dout), DX = buf("dx", dx);
        parallelRange(n, i -> {
            double v = X.get(i);
            double u = GELU_K * (v + 0.044715 * v * v * v);
            double th = tanh(u);
            double sech2 = 1 - th * th;
            double grad = 0.5 * (1 + th) + 0.5 * v * sech2 * GELU_K * (1 + 3 * 0.044715 * v * v);
            DX.put(i, (float) (grad * DO.get(i)));
        });
    }

    @Override
    protected void embeddingForwardImpl(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N, int C) {
        FloatBuffer O = buf("out", out), E = buf("wte", wte), P = buf("wpe", wpe);
        parallelRows(N, C, i -> {
            int t = tokens[i] * C, p = positions[i] * C, o = i * C;
            for (int c = 0; c < C; c++) O.put(o + c, E.get(t + c) + P.get(p + c));
        });
    }

    @Override
    protected void embeddingBackwardImpl(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N, int C) {
        FloatBuffer D = buf("dout", dout), E = buf("dwte", dwte), P = buf("dwpe", dwpe);
        // Parallel over channels: each thread owns a column, so rows that repeat a token never race.
        parallelRows(C, N, c -> {
            for (int i = 0; i < N; i++) {
                float g = D.get(i * C + c);
                int t = tokens[i] * C + c, p = positions[i] * C + c;
                E.put(t, E.get(t) + g);
                P.put(p, P.get(p) + g);
            }
        });
    }

    @Override
    protected void addImpl(Tensor out, Tensor a, Tensor b, long n) {
        FloatBuffer O = buf("out", out), A = buf("a", a), B = buf("b", b);
        parallelRange((int) n, i -> O.put(i, A.get(i) + B.get(i)));
    }

    @Override
    protected void scaleImpl(Tensor t, float s) {
        FloatBuffer T = buf("t", t);
        parallelRange(T.capacity(), i -> T.put(i, T.get(i) * s));
    }

    @Override
    protected double crossEntropyImpl(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                               Reduction reduction, float dlogitsScale) {
        FloatBuffer Lg = buf("logits", logits), Ls = buf("losses", losses);
        parallelRows(N, Vp, i -> {
            int base = i * Vp, t = targets[i];
            if (t == ignoreIndex) {
                Ls.put(i, 0f);
                if (dlogitsScale != 0) for (int v = 0; v < Vp; v++) Lg.put(base + v, 0f);
                return;
            }
            float[] row = new float[V];
            Lg.get(base, row, 0, V);
            float max = Float.NEGATIVE_INFINITY;
            for (int v = 0; v < V; v++) max = Math.max(max, row[v]);
            double sum = 0;
            for (int v = 0; v < V; v++) sum += Math.exp(row[v] - max);
            double lse = max + Math.log(sum);
            Ls.put(i, (float) (lse - row[t]));
            if (dlogitsScale != 0) {
                for (int v = 0; v < V; v++) row[v] = (float) (dlogitsScale * Math.exp(row[v] - lse));
                row[t] -= dlogitsScale;
                Lg.put(base, row, 0, V);
                for (int v = V; v < Vp; v++) Lg.put(base + v, 0f);
            }
        });
        if (reduction == Reduction.NONE) return Double.NaN;
        double sum = 0;
        int count = 0;
        for (int i = 0; i < N; i++) {
            if (targets[i] != ignoreIndex) {
                sum += Ls.get(i);
                count++;
            }
        }
        return reduction == Reduction.SUM ? sum : (count == 0 ? 0.0 : sum / count);
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int t) {
        FloatBuffer P = buf("param", param), G = buf("grad", grad), M = buf("m", m), Vv = buf("v", v);
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        parallelRange((int) n, i -> {
            float g = G.get(i);
            float mi = beta1 * M.get(i) + (1 - beta1) * g;
            float vi = beta2 * Vv.get(i) + (1 - beta2) * g * g;
            M.put(i, mi);
            Vv.put(i, vi);
            double mhat = mi / bc1, vhat = vi / bc2;
            float p = P.get(i);
            P.put(i, (float) (p - lr * (mhat / (Math.sqrt(vhat) + eps) + weightDecay * p)));
        });
    }

    @Override
    protected double sumOfSquaresImpl(Tensor t) {
        FloatBuffer T = buf("t", t);
        int n = T.capacity();
        int chunks = Math.max(1, Math.min(64, n / 65536));
        return IntStream.range(0, chunks).parallel().mapToDouble(c -> {
            int lo = (int) ((long) n * c / chunks), hi = (int) ((long) n * (c + 1) / chunks);
            double s = 0;
            for (int i = lo; i < hi; i++) {
                double x = T.get(i);
                s += x * x;
            }
            return s;
        }).sum();
    }

    @Override
    public void close() {}

    static FloatBuffer buf(String name, Tensor t) {
        if (t == null) throw new IllegalArgumentException(name + " is null");
        if (!(t instanceof CpuTensor c)) {
            throw new IllegalArgumentException(name + " is a " + t.getClass().getSimpleName() + ", not a CPU tensor");
        }
        return c.buf;
    }

    /** Runs body(i) for i in [0, rows), in parallel when rows * work is large enough to pay for it. */
    private static void parallelRows(int rows, int workPerRow, IntConsumer body) {
        if ((long) rows * workPerRow < 32_768 || rows == 1) {
            for (int i = 0; i < rows; i++) body.accept(i);
        } else {
            IntStream.range(0, rows).parallel().forEach(body);
        }
    }

    private static void parallelRange(int n, IntConsumer body) {
        int chunk = 16_384;
        int chunks = (n + chunk - 1) / chunk;
        parallelRows(chunks, chunk, c -> {
            int hi = Math.min(n, (c + 1) * chunk);
            for (int i = c * chunk; i < hi; i++) body.accept(i);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Incremental decoding (KV cache). Kept apart from the training ops above.
    // ---------------------------------------------------------------------------------------------------------------

    @Override
    protected void attentionDecodeImpl(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n,
                                int NH, int HD, float scale) {
        int C = NH * HD;
        FloatBuffer QKV = buf("qkvNew", qkvNew), O = buf("out", out), K = buf("kCache", kCache), Vc = buf("vCache", vCache);
        // 1. Append the new keys and values at rows start .. start+n-1.
        for (int i = 0; i < n; i++) {
            int src = i * 3 * C, dst = (start + i) * C;
            for (int c = 0; c < C; c++) {
                K.put(dst + c, QKV.get(src + C + c));
                Vc.put(dst + c, QKV.get(src + 2 * C + c));
            }
        }
        // 2. New query i (position start+i) attends to cache rows [0, start+i]; one head per job, on gathered arrays.
        int rows = start + n;
        parallelRows(NH, rows * HD * Math.max(1, n), h -> {
            float[] q = gather(QKV, 0, n, 3 * C, h * HD, HD);
            float[] k = gather(K, 0, rows, C, h * HD, HD);
            float[] v = gather(Vc, 0, rows, C, h * HD, HD);
            double[] p = new double[rows];
            double[] acc = new double[HD];
            for (int i = 0; i < n; i++) {
                int len = start + i + 1;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    double s = dot(q, i * HD, k, j * HD, HD) * scale;
                    p[j] = s;
                    if (s > max) max = s;
                }
                double sum = 0;
                java.util.Arrays.fill(acc, 0);
                for (int j = 0; j < len; j++) {
                    double e = Math.exp(p[j] - max);
                    sum += e;
                    for (int d = 0; d < HD; d++) acc[d] += e * v[j * HD + d];
                }
                int o = i * C + h * HD;
                for (int d = 0; d < HD; d++) O.put(o + d, (float) (acc[d] / sum));
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Llama-family ops.
    // ---------------------------------------------------------------------------------------------------------------

    @Override
    protected void rmsNormForwardImpl(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C, float eps) {
        FloatBuffer X = buf("x", x), O = buf("out", out), R = buf("rstd", rstd), W = buf("weight", weight);
        parallelRows(N, C, i -> {
            int base = i * C;
            double ss = 0;
            for (int c = 0; c < C; c++) {
                double v = X.get(base + c);
                ss += v * v;
            }
            float rs = (float) (1.0 / Math.sqrt((float) (ss / C) + eps));
            for (int c = 0; c < C; c++) O.put(base + c, W.get(c) * (X.get(base + c) * rs));
            R.put(i, rs);
        });
    }

    @Override
    protected void rmsNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                       int N, int C) {
        FloatBuffer DX = buf("dx", dx), DO = buf("dout", dout), X = buf("x", x), W = buf("weight", weight),
                R = buf("rstd", rstd), DW = buf("dweight", dweight);
        // y = w * x * r, r = (mean(x^2) + eps)^-1/2: dx = r * w * dy - r^3 * x * mean(w * dy * x).
        parallelRows(N, C, i -> {
            int base = i * C;
            double rs = R.get(i), dot = 0;
            for (int c = 0; c < C; c++) dot += W.get(c) * DO.get(base + c) * X.get(base + c);
            double k = rs * rs * rs * dot / C;
            for (int c = 0; c < C; c++) {
                DX.put(base + c, (float) (DX.get(base + c) + rs * W.get(c) * DO.get(base + c) - k * X.get(base + c)));
            }
        });
        parallelRows(C, N, c -> {
            double dw = 0;
            for (int i = 0; i < N; i++) dw += DO.get(i * C + c) * X.get(i * C + c) * R.get(i);
            DW.put(c, (float) (DW.get(c) + dw));
        });
    }

    @Override
    protected void ropeImpl(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD,
                            boolean inverse) {
        float sign = inverse ? -1f : 1f;   // the backward rotates by -angle
        FloatBuffer X = buf("x", x), COS = buf("cos", cos), SIN = buf("sin", sin);
        int half = HD / 2;
        parallelRows(N, nHeads * HD, i -> {
            int t = positions[i] * half;
            for (int h = 0; h < nHeads; h++) {
                int o = i * rowWidth + h * HD;
                for (int j = 0; j < half; j++) {
                    float c = COS.get(t + j), s = sign * SIN.get(t + j);
                    float x1 = X.get(o + j), x2 = X.get(o + half + j);
                    X.put(o + j, x1 * c - x2 * s);
                    X.put(o + half + j, x2 * c + x1 * s);
                }
            }
        });
    }

    @Override
    protected void swigluForwardImpl(Tensor out, Tensor x, int N, int I) {
        FloatBuffer X = buf("x", x), O = buf("out", out);
        parallelRows(N, I, r -> {
            int in = r * 2 * I, o = r * I;
            for (int j = 0; j < I; j++) {
                float g = X.get(in + j);
                O.put(o + j, g / (1f + (float) Math.exp(-g)) * X.get(in + I + j));
            }
        });
    }

    @Override
    protected void swigluBackwardImpl(Tensor dx, Tensor dout, Tensor x, int N, int I) {
        FloatBuffer X = buf("x", x), DO = buf("dout", dout), DX = buf("dx", dx);
        parallelRows(N, I, r -> {
            int in = r * 2 * I, o = r * I;
            for (int j = 0; j < I; j++) {
                double g = X.get(in + j), u = X.get(in + I + j), d = DO.get(o + j);
                double sig = 1 / (1 + Math.exp(-g));
                DX.put(in + j, (float) (d * u * sig * (1 + g * (1 - sig))));
                DX.put(in + I + j, (float) (d * g * sig));
            }
        });
    }
}
