package dev.flan4j.backend;

import dev.flan4j.backend.cpu.CpuAttention;
import dev.flan4j.backend.cpu.CpuBlas;
import dev.flan4j.backend.cpu.CpuCrossEntropy;
import dev.flan4j.backend.cpu.CpuElementwise;
import dev.flan4j.backend.cpu.CpuLayerNorm;
import dev.flan4j.backend.cpu.Simd;
import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The fp32 reference backend: GEMM through OpenBLAS, the GPT ops as array kernels in {@code backend.cpu} (Vector
 * API loops when the JVM has jdk.incubator.vector, see {@link Simd}) split over the cores, the other ops plain loops. Every CUDA op is tested against this class; every op here is tested against finite differences.
 * {@link AbstractBackend} checks every argument before an {@code ...Impl} method runs.
 */
public final class CpuBackend extends AbstractBackend {
    @Override public String name() { return "cpu"; }

    @Override
    public String device() {
        return "CPU, " + Runtime.getRuntime().availableProcessors() + " threads, OpenBLAS, " + Simd.describe();
    }

    @Override
    protected Tensor allocate(int[] shape) { return CpuTensor.allocate(shape); }

    /**
     * The ops are thread-safe (no state outside their arguments), so any number of callers may issue them at once.
     * Inside the section GEMMs are not split over the cores ({@link CpuBlas#callersInParallel}): the callers
     * already keep them busy (measured on two cores: two scorers at once with two GEMM threads each were no faster
     * than one).
     */
    @Override
    public AutoCloseable concurrentCallers(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        return CpuBlas.callersInParallel();
    }

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
        CpuElementwise.fill(b, b.capacity(), value);
    }

    @Override
    protected void matmulImpl(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, float beta) {
        long sa = (long) m * k, sb = (long) k * n, so = (long) m * n;
        FloatBuffer A = buf("a", a), B = buf("b", bm), O = buf("out", out);
        int lda = transA ? m : k, ldb = transB ? k : n;
        for (int i = 0; i < batch; i++) {
            CpuBlas.gemm(transA, transB, m, n, k, alpha, A, (int) (i * sa), lda, B, (int) (i * sb), ldb, beta,
                    O, (int) (i * so), n);
        }
    }

    @Override
    protected void addBiasImpl(Tensor out, Tensor bias, int rows, int cols) {
        CpuElementwise.addBias(buf("out", out), buf("bias", bias), rows, cols);
    }

    @Override
    protected void biasBackwardImpl(Tensor dbias, Tensor dout, int rows, int cols) {
        CpuElementwise.biasBackward(buf("dbias", dbias), buf("dout", dout), rows, cols);
    }

    @Override
    protected void layerNormForwardImpl(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias,
                                 int N, int C, float eps) {
        CpuLayerNorm.forward(buf("out", out), buf("mean", mean), buf("rstd", rstd), buf("x", x), buf("weight", weight),
                buf("bias", bias), N, C, eps);
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                  Tensor mean, Tensor rstd, int N, int C) {
        CpuLayerNorm.backward(buf("dx", dx), buf("dweight", dweight), buf("dbias", dbias), buf("dout", dout), buf("x", x),
                buf("weight", weight), buf("mean", mean), buf("rstd", rstd), N, C);
    }

    @Override
    protected void attentionForwardImpl(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale) {
        CpuAttention.forward(buf("qkv", qkv), buf("out", out), buf("lse", lse), cuSeqlens, NH, HD, scale);
    }

    @Override
    protected void attentionBackwardImpl(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens,
                                  int N, int NH, int HD, float scale) {
        CpuAttention.backward(buf("dqkv", dqkv), buf("dout", dout), buf("qkv", qkv), buf("out", out), buf("lse", lse),
                cuSeqlens, NH, HD, scale);
    }

    /** Rows [start, start+len) of a row-major buffer with {@code stride} columns, columns [col, col+width). */
    private static float[] gather(FloatBuffer b, int start, int len, int stride, int col, int width) {
        float[] out = new float[len * width];
        for (int t = 0; t < len; t++) b.get((start + t) * stride + col, out, t * width, width);
        return out;
    }

    @Override
    protected void geluForwardImpl(Tensor out, Tensor x, int n) {
        CpuElementwise.gelu(buf("out", out), buf("x", x), n);
    }

    @Override
    protected void geluBackwardImpl(Tensor dx, Tensor x, Tensor dout, int n) {
        CpuElementwise.geluBackward(buf("dx", dx), buf("x", x), buf("dout", dout), n);
    }

    @Override
    protected void embeddingForwardImpl(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N, int C) {
        CpuElementwise.embeddingForward(buf("out", out), tokens, positions, buf("wte", wte), buf("wpe", wpe), N, C);
    }

    @Override
    protected void embeddingBackwardImpl(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N, int C) {
        CpuElementwise.embeddingBackward(buf("dwte", dwte), buf("dwpe", dwpe), buf("dout", dout), tokens, positions, N, C);
    }

    @Override
    protected void addImpl(Tensor out, Tensor a, Tensor b, long n) {
        CpuElementwise.add(buf("out", out), buf("a", a), buf("b", b), (int) n);
    }

    @Override
    protected void scaleImpl(Tensor t, float s) {
        FloatBuffer T = buf("t", t);
        CpuElementwise.scale(T, T.capacity(), s);
    }

    @Override
    protected double crossEntropyImpl(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                               Reduction reduction, float dlogitsScale) {
        FloatBuffer Lg = buf("logits", logits), Ls = buf("losses", losses);
        CpuCrossEntropy.forward(Ls, Lg, targets, N, V, Vp, ignoreIndex, dlogitsScale);
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
        CpuElementwise.adamW(buf("param", param), buf("grad", grad), buf("m", m), buf("v", v), (int) n, lr, beta1, beta2,
                eps, weightDecay, t);
    }

    @Override
    protected void adafactorImpl(Tensor param, Tensor grad, Tensor row, Tensor col, Tensor v, int rows, int cols,
                                 float lr, double decay, float weightDecay, double clip, double eps1) {
        boolean factored = v == null;
        CpuElementwise.adafactor(buf("param", param), buf("grad", grad), factored ? buf("row", row) : null,
                factored ? buf("col", col) : null, factored ? null : buf("v", v), rows, cols, lr, decay, weightDecay,
                clip, eps1);
    }

    @Override
    protected double sumOfSquaresImpl(Tensor t) {
        FloatBuffer T = buf("t", t);
        return CpuElementwise.sumOfSquares(T, T.capacity());
    }

    @Override
    protected void sumIntoImpl(Tensor acc, Tensor x, boolean squares) {
        FloatBuffer X = buf("x", x), A = buf("acc", acc);
        double s = squares ? CpuElementwise.sumOfSquares(X, X.capacity()) : CpuElementwise.sum(X, X.capacity());
        A.put(0, (float) (A.get(0) + s));   // one rounding to fp32, when the sum lands in acc
    }

    @Override
    protected void clipFactorImpl(Tensor factor, Tensor normSq, double maxNorm) {
        double norm = Math.sqrt(buf("normSq", normSq).get(0));
        buf("factor", factor).put(0, maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f);
    }

    @Override
    protected void scaleByImpl(Tensor t, Tensor factor) {
        float f = buf("factor", factor).get(0);   // read once, before t (which might hold it) changes
        FloatBuffer T = buf("t", t);
        CpuElementwise.scale(T, T.capacity(), f);
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
            // fp32 dot products and accumulation through the SIMD kernels (as the training attention), the softmax
            // normaliser in double
            float[] p = new float[rows];
            float[] acc = new float[HD];
            for (int i = 0; i < n; i++) {
                int len = start + i + 1;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    float s = Simd.dot(q, i * HD, k, j * HD, HD) * scale;
                    p[j] = s;
                    if (s > max) max = s;
                }
                double sum = 0;
                java.util.Arrays.fill(acc, 0f);
                for (int j = 0; j < len; j++) {
                    float e = (float) Math.exp(p[j] - max);
                    sum += e;
                    Simd.axpy(acc, 0, e, v, j * HD, HD);
                }
                int o = i * C + h * HD;
                float inv = (float) (1.0 / sum);
                for (int d = 0; d < HD; d++) O.put(o + d, acc[d] * inv);
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
