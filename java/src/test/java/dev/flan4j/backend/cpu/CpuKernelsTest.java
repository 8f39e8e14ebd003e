package dev.flan4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Layer norm, cross-entropy, bias, embedding and AdamW kernels against naive double loops, at sizes large enough
 * that the work is split over threads (several row ranges, per-range partial sums).
 */
class CpuKernelsTest {
    private final SplittableRandom rng = new SplittableRandom(5);

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

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

    private static void close(double[] want, float[] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
    }

    @Test
    void layerNormForwardAndBackward() {
        int N = 300, C = 100;
        float[] x = random(N * C), w = random(C), b = random(C), g = random(N * C), dx0 = random(N * C);
        for (int i = 0; i < x.length; i++) x[i] += 3f;   // an offset mean, as residual streams have
        FloatBuffer out = direct(new float[N * C]), mean = direct(new float[N]), rstd = direct(new float[N]);
        CpuLayerNorm.forward(out, mean, rstd, direct(x), direct(w), direct(b), N, C, 1e-5f);
        FloatBuffer dx = direct(dx0), dw = direct(new float[C]), db = direct(new float[C]);
        dw.put(0, 1f);   // accumulates
        CpuLayerNorm.backward(dx, dw, db, direct(g), direct(x), direct(w), mean, rstd, N, C);

        double[] wOut = new double[N * C], wMean = new double[N], wRstd = new double[N], wDx = new double[N * C];
        double[] wDw = new double[C], wDb = new double[C];
        wDw[0] = 1;
        for (int i = 0; i < N; i++) {
            double mu = 0, var = 0;
            for (int c = 0; c < C; c++) mu += x[i * C + c];
            mu /= C;
            for (int c = 0; c < C; c++) var += (x[i * C + c] - mu) * (x[i * C + c] - mu);
            double rs = 1 / Math.sqrt(var / C + 1e-5);
            wMean[i] = mu;
            wRstd[i] = rs;
            double mdn = 0, mdnx = 0;
            for (int c = 0; c < C; c++) {
                double xh = (x[i * C + c] - mu) * rs, dn = w[c] * g[i * C + c];
                wOut[i * C + c] = xh * w[c] + b[c];
                mdn += dn / C;
                mdnx += dn * xh / C;
                wDw[c] += g[i * C + c] * xh;
                wDb[c] += g[i * C + c];
            }
            for (int c = 0; c < C; c++) {
                double xh = (x[i * C + c] - mu) * rs, dn = w[c] * g[i * C + c];
                wDx[i * C + c] = dx0[i * C + c] + (dn - mdn - xh * mdnx) * rs;
            }
        }
        close(wOut, read(out), 1e-5, "out");
        close(wMean, read(mean), 1e-6, "mean");
        close(wRstd, read(rstd), 1e-5, "rstd");
        close(wDx, read(dx), 1e-4, "dx");
        close(wDw, read(dw), 1e-4, "dweight");
        close(wDb, read(db), 1e-4, "dbias");
    }

    @Test
    void crossEntropyLossAndGradientWithIgnoredRowsAndPadding() {
        int N = 40, V = 1000, Vp = 1024, ignore = -7;
        float[] logits = random(N * Vp);
        int[] targets = new int[N];
        for (int i = 0; i < N; i++) targets[i] = i % 9 == 4 ? ignore : rng.nextInt(V);
        FloatBuffer lg = direct(logits), losses = direct(new float[N]);
        float scale = 1f / N;
        CpuCrossEntropy.forward(losses, lg, targets, N, V, Vp, ignore, scale);
        double[] wLoss = new double[N], wGrad = new double[N * Vp];
        for (int i = 0; i < N; i++) {
            if (targets[i] == ignore) continue;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int v = 0; v < V; v++) max = Math.max(max, logits[i * Vp + v]);
            for (int v = 0; v < V; v++) sum += Math.exp(logits[i * Vp + v] - max);
            double lse = max + Math.log(sum);
            wLoss[i] = lse - logits[i * Vp + targets[i]];
            for (int v = 0; v < V; v++) wGrad[i * Vp + v] = scale * (Math.exp(logits[i * Vp + v] - lse) - (v == targets[i] ? 1 : 0));
        }
        close(wLoss, read(losses), 1e-5, "loss");
        close(wGrad, read(lg), 1e-7, "dlogits");
    }

    @Test
    void biasBackwardEmbeddingsAndAdamW() {
        int rows = 700, cols = 96;
        float[] d = random(rows * cols), db0 = random(cols);
        FloatBuffer db = direct(db0);
        CpuElementwise.biasBackward(db, direct(d), rows, cols);
        double[] wDb = new double[cols];
        for (int c = 0; c < cols; c++) {
            wDb[c] = db0[c];
            for (int r = 0; r < rows; r++) wDb[c] += d[r * cols + c];
        }
        close(wDb, read(db), 1e-5, "dbias");

        int N = 500, C = 64, V = 7, T = 50;
        int[] tok = new int[N], pos = new int[N];
        for (int i = 0; i < N; i++) { tok[i] = rng.nextInt(V); pos[i] = i % T; }   // tokens repeat many times
        float[] g = random(N * C);
        FloatBuffer dwte = direct(new float[V * C]), dwpe = direct(new float[T * C]);
        CpuElementwise.embeddingBackward(dwte, dwpe, direct(g), tok, pos, N, C);
        double[] wE = new double[V * C], wP = new double[T * C];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) { wE[tok[i] * C + c] += g[i * C + c]; wP[pos[i] * C + c] += g[i * C + c]; }
        }
        close(wE, read(dwte), 1e-5, "dwte");
        close(wP, read(dwpe), 1e-5, "dwpe");

        int n = 50_001;
        float[] p = random(n), gr = random(n), m = random(n), v = random(n);
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        FloatBuffer P = direct(p), M = direct(m), Vv = direct(v);
        CpuElementwise.adamW(P, direct(gr), M, Vv, n, 1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f, 3);
        double bc1 = 1 - Math.pow(0.9, 3), bc2 = 1 - Math.pow(0.95, 3);
        double[] wp = new double[n], wm = new double[n], wv = new double[n];
        for (int i = 0; i < n; i++) {
            wm[i] = 0.9 * m[i] + 0.1 * gr[i];
            wv[i] = 0.95 * v[i] + 0.05 * gr[i] * gr[i];
            wp[i] = p[i] - 1e-2 * ((wm[i] / bc1) / (Math.sqrt(wv[i] / bc2) + 1e-8) + 0.1 * p[i]);
        }
        close(wm, read(M), 1e-6, "m");
        close(wv, read(Vv), 1e-6, "v");
        close(wp, read(P), 1e-5, "param");

        double ss = 0;
        for (float x : gr) ss += (double) x * x;
        assertEquals(ss, CpuElementwise.sumOfSquares(direct(gr), n), 1e-6 * ss);
    }
}
