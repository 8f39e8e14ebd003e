package dev.flan4j.backend.cuda;

/** fp64 references of the Backend ops (inputs are the same fp32 values both backends see). */
final class Ref64 {
    private Ref64() {}

    static final double GELU_K = Math.sqrt(2.0 / Math.PI);

    static double[] matmul(float[] a, float[] b, float[] c0, int batch, int m, int n, int k, boolean tA, boolean tB,
                           double alpha, double beta) {
        double[] out = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            int oa = bi * m * k, ob = bi * k * n, oc = bi * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double x = tA ? a[oa + p * m + i] : a[oa + i * k + p];
                        double y = tB ? b[ob + j * k + p] : b[ob + p * n + j];
                        s += x * y;
                    }
                    out[oc + i * n + j] = alpha * s + beta * c0[oc + i * n + j];
                }
            }
        }
        return out;
    }

    /** Returns {out, mean, rstd}. */
    static double[][] layerNorm(float[] x, float[] w, float[] b, int N, int C, double eps) {
        double[] out = new double[N * C], mean = new double[N], rstd = new double[N];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int c = 0; c < C; c++) s += x[i * C + c];
            double mu = s / C, v = 0;
            for (int c = 0; c < C; c++) v += (x[i * C + c] - mu) * (x[i * C + c] - mu);
            double rs = 1 / Math.sqrt(v / C + eps);
            for (int c = 0; c < C; c++) out[i * C + c] = (x[i * C + c] - mu) * rs * w[c] + b[c];
            mean[i] = mu;
            rstd[i] = rs;
        }
        return new double[][] {out, mean, rstd};
    }

    /** Returns {dx (dx0 +=), dw (dw0 +=), db (db0 +=)} with mean/rstd recomputed in fp64. */
    static double[][] layerNormBackward(float[] dout, float[] x, float[] w, float[] dx0, float[] dw0, float[] db0,
                                        int N, int C, double eps) {
        double[][] f = layerNorm(x, w, new float[C], N, C, eps);
        double[] dx = new double[N * C], dw = new double[C], db = new double[C];
        for (int i = 0; i < N * C; i++) dx[i] = dx0[i];
        for (int c = 0; c < C; c++) {
            dw[c] = dw0[c];
            db[c] = db0[c];
        }
        for (int i = 0; i < N; i++) {
            double mu = f[1][i], rs = f[2][i], mdn = 0, mdnx = 0;
            for (int c = 0; c < C; c++) {
                double xh = (x[i * C + c] - mu) * rs, dn = w[c] * (double) dout[i * C + c];
                mdn += dn;
                mdnx += dn * xh;
                dw[c] += dout[i * C + c] * xh;
                db[c] += dout[i * C + c];
            }
            mdn /= C;
            mdnx /= C;
            for (int c = 0; c < C; c++) {
                double xh = (x[i * C + c] - mu) * rs, dn = w[c] * (double) dout[i * C + c];
                dx[i * C + c] += (dn - mdn - xh * mdnx) * rs;
            }
        }
        return new double[][] {dx, dw, db};
    }

    /** Returns {out [N, C], lse [N, NH]}. */
    static double[][] attention(float[] qkv, int[] cu, int N, int NH, int HD, double scale) {
        int C = NH * HD;
        double[] out = new double[N * C], lse = new double[N * NH];
        for (int d = 0; d + 1 < cu.length; d++) {
            for (int h = 0; h < NH; h++) {
                for (int i = cu[d]; i < cu[d + 1]; i++) {
                    double[] s = scores(qkv, cu[d], i, h, C, HD, scale);
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : s) max = Math.max(max, v);
                    double sum = 0;
                    for (double v : s) sum += Math.exp(v - max);
                    for (int j = 0; j < s.length; j++) {
                        double p = Math.exp(s[j] - max) / sum;
                        int vj = (cu[d] + j) * 3 * C + 2 * C + h * HD;
                        for (int e = 0; e < HD; e++) out[i * C + h * HD + e] += p * qkv[vj + e];
                    }
                    lse[i * NH + h] = max + Math.log(sum);
                }
            }
        }
        return new double[][] {out, lse};
    }

    private static double[] scores(float[] qkv, int start, int i, int h, int C, int HD, double scale) {
        double[] s = new double[i - start + 1];
        for (int j = start; j <= i; j++) {
            double dot = 0;
            for (int e = 0; e < HD; e++) dot += (double) qkv[i * 3 * C + h * HD + e] * qkv[j * 3 * C + C + h * HD + e];
            s[j - start] = dot * scale;
        }
        return s;
    }

    /** dqkv [N, 3C] from dout [N, C]. */
    static double[] attentionBackward(float[] qkv, float[] dout, int[] cu, int N, int NH, int HD, double scale) {
        int C = NH * HD;
        double[] dqkv = new double[N * 3 * C];
        double[][] f = attention(qkv, cu, N, NH, HD, scale);
        for (int d = 0; d + 1 < cu.length; d++) {
            for (int h = 0; h < NH; h++) {
                for (int i = cu[d]; i < cu[d + 1]; i++) {
                    double[] s = scores(qkv, cu[d], i, h, C, HD, scale);
                    double D = 0;
                    for (int e = 0; e < HD; e++) D += dout[i * C + h * HD + e] * f[0][i * C + h * HD + e];
                    for (int j = cu[d]; j <= i; j++) {
                        double p = Math.exp(s[j - cu[d]] - f[1][i * NH + h]);
                        double dp = 0;
                        for (int e = 0; e < HD; e++) dp += dout[i * C + h * HD + e] * (double) qkv[j * 3 * C + 2 * C + h * HD + e];
                        double ds = p * (dp - D) * scale;
                        for (int e = 0; e < HD; e++) {
                            dqkv[i * 3 * C + h * HD + e] += ds * qkv[j * 3 * C + C + h * HD + e];
                            dqkv[j * 3 * C + C + h * HD + e] += ds * qkv[i * 3 * C + h * HD + e];
                            dqkv[j * 3 * C + 2 * C + h * HD + e] += p * dout[i * C + h * HD + e];
                        }
                    }
                }
            }
        }
        return dqkv;
    }

    static double gelu(double v) {
        return 0.5 * v * (1 + Math.tanh(GELU_K * (v + 0.044715 * v * v * v)));
    }

    static double geluGrad(double v) {
        double th = Math.tanh(GELU_K * (v + 0.044715 * v * v * v));
        return 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * GELU_K * (1 + 3 * 0.044715 * v * v);
    }

    /** Returns {losses [N], dlogits [N, Vp]} (dlogits = scale * (softmax - onehot), 0 for ignored rows/padding). */
    static double[][] crossEntropy(float[] logits, int[] targets, int N, int V, int Vp, int ignore, double scale) {
        double[] losses = new double[N], d = new double[N * Vp];
        for (int i = 0; i < N; i++) {
            if (targets[i] == ignore) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < V; v++) max = Math.max(max, logits[i * Vp + v]);
            double sum = 0;
            for (int v = 0; v < V; v++) sum += Math.exp(logits[i * Vp + v] - max);
            double lse = max + Math.log(sum);
            losses[i] = lse - logits[i * Vp + targets[i]];
            for (int v = 0; v < V; v++) d[i * Vp + v] = scale * Math.exp(logits[i * Vp + v] - lse);
            d[i * Vp + targets[i]] -= scale;
        }
        return new double[][] {losses, d};
    }
}
