package dev.flan4j.backend;

import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;

/**
 * The base every backend extends: each public op checks its arguments once, here, and then calls the protected
 * {@code ...Impl} method a backend implements. So every backend rejects bad input before touching memory, with the
 * same {@link IllegalArgumentException} and the same message naming the argument and its value; an {@code Impl}
 * method may assume valid sizes, ids and scalars. Checks that depend on the device (the tensor's type, a head dim a
 * kernel does not support) stay in the backend.
 *
 * <p>Adding an op: declare it in {@link Backend}, add its checks and an abstract {@code Impl} here, implement the
 * {@code Impl} in {@link CpuBackend} and {@code CudaBackend}, and bump the {@linkplain Tensor#version() version}
 * of every tensor it writes ({@link #wrote}) after the {@code Impl} returns: a backend's derived copies (CUDA's bf16
 * weights, see {@link Backend#markWeights}) are refreshed by it. {@code BackendVersionTest} holds every op to that.
 */
public abstract class AbstractBackend implements Backend {

    /** Bumps the write version of each tensor an op wrote (null entries: optional outputs not given). */
    protected static void wrote(Tensor... written) {
        for (Tensor t : written) if (t != null) t.bumpVersion();
    }

    // ------------------------------------------------------------------------------------------------ memory

    @Override
    public final Tensor zeros(int... shape) {
        Shapes.size(shape);
        return allocate(shape.clone());
    }

    @Override
    public final Tensor activations(int... shape) {
        Shapes.size(shape);
        return allocateActivations(shape.clone());
    }

    @Override
    public final Tensor fromArray(float[] data, int... shape) {
        if (data == null) throw new IllegalArgumentException("data is null");
        if (Shapes.size(shape) != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Arrays.toString(shape) + " needs " + Shapes.size(shape));
        }
        return upload(data, shape.clone());
    }

    @Override
    public final float[] toArray(Tensor t) {
        Shapes.requireNonNull("t", t);
        if (t.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("t has " + t.size() + " elements, too many for an array");
        }
        return download(t);
    }

    @Override
    public final void copy(Tensor dst, Tensor src) {
        Shapes.requireNonNull("dst", dst);
        Shapes.requireNonNull("src", src);
        if (dst.size() != src.size()) {
            throw new IllegalArgumentException("copy: dst has " + dst.size() + " elements, src has " + src.size());
        }
        copyImpl(dst, src);
        wrote(dst);
    }

    @Override
    public final void fill(Tensor t, float value) {
        Shapes.requireNonNull("t", t);
        fillImpl(t, value);
        wrote(t);
    }

    @Override
    public final void markWeights(Tensor weights) {
        Shapes.requireNonNull("weights", weights);
        markWeightsImpl(weights);
    }

    /** See {@link Backend#markWeights}; the default keeps no copy. */
    protected void markWeightsImpl(Tensor weights) {}

    /** A zero-filled tensor of a valid shape. */
    protected abstract Tensor allocate(int[] shape);

    /** See {@link Backend#activations}; the default is {@link #allocate}. */
    protected Tensor allocateActivations(int[] shape) {
        return allocate(shape);
    }

    /** A tensor holding {@code data} ({@code data.length} equals the shape's size). */
    protected abstract Tensor upload(float[] data, int[] shape);

    protected abstract float[] download(Tensor t);

    /** Copies src into dst (same size). */
    protected abstract void copyImpl(Tensor dst, Tensor src);

    protected abstract void fillImpl(Tensor t, float value);

    // ------------------------------------------------------------------------------------------------ GEMM, bias

    @Override
    public final void matmul(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                             boolean transA, boolean transB, float alpha, float beta) {
        Shapes.requirePositive("batch", batch);
        Shapes.requirePositive("m", m);
        Shapes.requirePositive("n", n);
        Shapes.requirePositive("k", k);
        Shapes.requireSize("a", a, (long) batch * m * k);
        Shapes.requireSize("b", bm, (long) batch * k * n);
        Shapes.requireSize("out", out, (long) batch * m * n);
        OpChecks.finite("alpha", alpha);
        OpChecks.finite("beta", beta);
        matmulImpl(out, a, bm, batch, m, n, k, transA, transB, alpha, beta);
        wrote(out);
    }

    @Override
    public final void addBias(Tensor out, Tensor bias, int rows, int cols) {
        Shapes.requirePositive("rows", rows);
        Shapes.requirePositive("cols", cols);
        Shapes.requireSize("out", out, (long) rows * cols);
        Shapes.requireSize("bias", bias, cols);
        addBiasImpl(out, bias, rows, cols);
        wrote(out);
    }

    @Override
    public final void biasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        Shapes.requirePositive("rows", rows);
        Shapes.requirePositive("cols", cols);
        Shapes.requireSize("dout", dout, (long) rows * cols);
        Shapes.requireSize("dbias", dbias, cols);
        biasBackwardImpl(dbias, dout, rows, cols);
        wrote(dbias);
    }

    protected abstract void matmulImpl(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                                       boolean transA, boolean transB, float alpha, float beta);

    protected abstract void addBiasImpl(Tensor out, Tensor bias, int rows, int cols);

    protected abstract void biasBackwardImpl(Tensor dbias, Tensor dout, int rows, int cols);

    // ------------------------------------------------------------------------------------------------ layer norm

    @Override
    public final void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias,
                                       int N, int C, float eps) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("C", C);
        long nc = (long) N * C;
        Shapes.requireSize("x", x, nc);
        Shapes.requireSize("out", out, nc);
        Shapes.requireSize("mean", mean, N);
        Shapes.requireSize("rstd", rstd, N);
        Shapes.requireSize("weight", weight, C);
        Shapes.requireSize("bias", bias, C);
        OpChecks.nonNegative("eps", eps);
        layerNormForwardImpl(out, mean, rstd, x, weight, bias, N, C, eps);
        wrote(out, mean, rstd);
    }

    @Override
    public final void layerNormBackward(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                        Tensor mean, Tensor rstd, int N, int C) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("C", C);
        long nc = (long) N * C;
        Shapes.requireSize("dx", dx, nc);
        Shapes.requireSize("dout", dout, nc);
        Shapes.requireSize("x", x, nc);
        Shapes.requireSize("dweight", dweight, C);
        Shapes.requireSize("dbias", dbias, C);
        Shapes.requireSize("weight", weight, C);
        Shapes.requireSize("mean", mean, N);
        Shapes.requireSize("rstd", rstd, N);
        if (dx == dout) throw new IllegalArgumentException("layerNormBackward: dx must not alias dout (dx is accumulated into)");
        layerNormBackwardImpl(dx, dweight, dbias, dout, x, weight, mean, rstd, N, C);
        wrote(dx, dweight, dbias);
    }

    protected abstract void layerNormForwardImpl(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight,
                                                 Tensor bias, int N, int C, float eps);

    protected abstract void layerNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x,
                                                  Tensor weight, Tensor mean, Tensor rstd, int N, int C);

    // ------------------------------------------------------------------------------------------------ attention

    @Override
    public final void attentionForward(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD,
                                       float scale) {
        int C = OpChecks.attention(qkv, cuSeqlens, N, NH, HD, scale);
        Shapes.requireSize("out", out, (long) N * C);
        Shapes.requireSize("lse", lse, (long) N * NH);
        attentionForwardImpl(out, lse, qkv, cuSeqlens, N, NH, HD, scale);
        wrote(out, lse);
    }

    @Override
    public final void attentionBackward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens,
                                        int N, int NH, int HD, float scale) {
        int C = OpChecks.attention(qkv, cuSeqlens, N, NH, HD, scale);
        Shapes.requireSize("dqkv", dqkv, (long) N * 3 * C);
        Shapes.requireSize("dout", dout, (long) N * C);
        Shapes.requireSize("out", out, (long) N * C);
        Shapes.requireSize("lse", lse, (long) N * NH);
        attentionBackwardImpl(dqkv, dout, qkv, out, lse, cuSeqlens, N, NH, HD, scale);
        wrote(dqkv);
    }

    @Override
    public final void attentionDecode(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n,
                                      int NH, int HD, float scale) {
        OpChecks.decode(out, qkvNew, kCache, vCache, start, n, NH, HD);
        OpChecks.positiveFinite("scale", scale);
        attentionDecodeImpl(out, qkvNew, kCache, vCache, start, n, NH, HD, scale);
        wrote(out, kCache, vCache);
    }

    protected abstract void attentionForwardImpl(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH,
                                                 int HD, float scale);

    protected abstract void attentionBackwardImpl(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse,
                                                  int[] cuSeqlens, int N, int NH, int HD, float scale);

    protected abstract void attentionDecodeImpl(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start,
                                                int n, int NH, int HD, float scale);

    // ------------------------------------------------------------------------------------------------ elementwise

    @Override
    public final void geluForward(Tensor out, Tensor x, int n) {
        Shapes.requirePositive("n", n);
        Shapes.requireSize("x", x, n);
        Shapes.requireSize("out", out, n);
        geluForwardImpl(out, x, n);
        wrote(out);
    }

    @Override
    public final void geluBackward(Tensor dx, Tensor x, Tensor dout, int n) {
        Shapes.requirePositive("n", n);
        Shapes.requireSize("x", x, n);
        Shapes.requireSize("dout", dout, n);
        Shapes.requireSize("dx", dx, n);
        geluBackwardImpl(dx, x, dout, n);
        wrote(dx);
    }

    @Override
    public final void add(Tensor out, Tensor a, Tensor b, long n) {
        Shapes.requirePositive("n", n);
        Shapes.requireSize("a", a, n);
        Shapes.requireSize("b", b, n);
        Shapes.requireSize("out", out, n);
        addImpl(out, a, b, n);
        wrote(out);
    }

    @Override
    public final void scale(Tensor t, float s) {
        Shapes.requireNonNull("t", t);
        OpChecks.finite("s", s);
        scaleImpl(t, s);
        wrote(t);
    }

    protected abstract void geluForwardImpl(Tensor out, Tensor x, int n);

    protected abstract void geluBackwardImpl(Tensor dx, Tensor x, Tensor dout, int n);

    protected abstract void addImpl(Tensor out, Tensor a, Tensor b, long n);

    protected abstract void scaleImpl(Tensor t, float s);

    // ------------------------------------------------------------------------------------------------ embedding

    @Override
    public final void embeddingForward(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N, int C) {
        OpChecks.embedding("out", out, tokens, positions, "wte", wte, "wpe", wpe, N, C);
        embeddingForwardImpl(out, tokens, positions, wte, wpe, N, C);
        wrote(out);
    }

    @Override
    public final void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N,
                                        int C) {
        OpChecks.embedding("dout", dout, tokens, positions, "dwte", dwte, "dwpe", dwpe, N, C);
        embeddingBackwardImpl(dwte, dwpe, dout, tokens, positions, N, C);
        wrote(dwte, dwpe);
    }

    protected abstract void embeddingForwardImpl(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe,
                                                 int N, int C);

    protected abstract void embeddingBackwardImpl(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions,
                                                  int N, int C);

    // ------------------------------------------------------------------------------------------------ loss, optimizer

    @Override
    public final double crossEntropy(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                                     Reduction reduction, float dlogitsScale) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("V", V);
        if (Vp < V) throw new IllegalArgumentException("Vp=" + Vp + " must be >= V=" + V);
        if (reduction == null) throw new IllegalArgumentException("reduction is null");
        Shapes.requireSize("logits", logits, (long) N * Vp);
        Shapes.requireSize("losses", losses, N);
        Shapes.requireLength("targets", targets, N);
        OpChecks.targets(targets, N, V, ignoreIndex);
        OpChecks.finite("dlogitsScale", dlogitsScale);
        double loss = crossEntropyImpl(losses, logits, targets, N, V, Vp, ignoreIndex, reduction, dlogitsScale);
        wrote(losses);
        if (dlogitsScale != 0) wrote(logits);
        return loss;
    }

    @Override
    public final void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2,
                            float eps, float weightDecay, int t) {
        if (t < 1) throw new IllegalArgumentException("AdamW step t must be >= 1, got " + t);
        Shapes.requirePositive("n", n);
        Shapes.requireSize("param", param, n);
        Shapes.requireSize("grad", grad, n);
        Shapes.requireSize("m", m, n);
        Shapes.requireSize("v", v, n);
        OpChecks.finite("lr", lr);
        OpChecks.unitInterval("beta1", beta1);
        OpChecks.unitInterval("beta2", beta2);
        OpChecks.positiveFinite("eps", eps);
        OpChecks.nonNegative("weightDecay", weightDecay);
        adamWImpl(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, t);
        wrote(param, m, v);
    }

    @Override
    public final void adafactor(Tensor param, Tensor grad, Tensor row, Tensor col, Tensor v, int rows, int cols,
                                float lr, double decay, float weightDecay, double clip, double eps1) {
        Shapes.requirePositive("rows", rows);
        Shapes.requirePositive("cols", cols);
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows * cols = " + rows + " * " + cols + " = " + n + " is too many elements");
        }
        Shapes.requireSize("param", param, n);
        Shapes.requireSize("grad", grad, n);
        if (v == null) {
            if (row == null || col == null) {
                throw new IllegalArgumentException("adafactor needs row and col (factored) or v (full), got row="
                        + (row == null ? "null" : "a tensor") + ", col=" + (col == null ? "null" : "a tensor") + ", v=null");
            }
            Shapes.requireSize("row", row, rows);
            Shapes.requireSize("col", col, cols);
            if (row == col) throw new IllegalArgumentException("row must not be col");
        } else {
            if (row != null || col != null) {
                throw new IllegalArgumentException("adafactor with v (full second moment) takes row = col = null, got "
                        + (row != null ? "row" : "col") + " too");
            }
            Shapes.requireSize("v", v, n);
        }
        if (param == grad) throw new IllegalArgumentException("param must not be grad");
        OpChecks.finite("lr", lr);
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
        OpChecks.nonNegative("weightDecay", weightDecay);
        OpChecks.positiveFinite("clip", clip);
        OpChecks.positiveFinite("eps1", eps1);
        adafactorImpl(param, grad, row, col, v, rows, cols, lr, decay, weightDecay, clip, eps1);
        wrote(param, row, col, v);
    }

    @Override
    public final double sumOfSquares(Tensor t) {
        Shapes.requireNonNull("t", t);
        return sumOfSquaresImpl(t);
    }

    protected abstract double crossEntropyImpl(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp,
                                               int ignoreIndex, Reduction reduction, float dlogitsScale);

    protected abstract void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1,
                                      float beta2, float eps, float weightDecay, int t);

    protected abstract double sumOfSquaresImpl(Tensor t);

    /** {@link #adafactor}: factored when {@code v == null} (row, col hold rows, cols), else full (v holds n). */
    protected abstract void adafactorImpl(Tensor param, Tensor grad, Tensor row, Tensor col, Tensor v, int rows,
                                          int cols, float lr, double decay, float weightDecay, double clip,
                                          double eps1);

    // ------------------------------------------------------------------------------------------------ device scalars

    @Override
    public final void sumInto(Tensor acc, Tensor x) {
        checkedSumInto(acc, x, false);
    }

    @Override
    public final void sumOfSquaresInto(Tensor acc, Tensor x) {
        checkedSumInto(acc, x, true);
    }

    private void checkedSumInto(Tensor acc, Tensor x, boolean squares) {
        OpChecks.scalar("acc", acc);
        Shapes.requireNonNull("x", x);
        if (acc == x) throw new IllegalArgumentException("acc must not be x (acc is accumulated into)");
        sumIntoImpl(acc, x, squares);
        wrote(acc);
    }

    @Override
    public final void clipFactor(Tensor factor, Tensor normSq, double maxNorm) {
        OpChecks.scalar("factor", factor);
        OpChecks.scalar("normSq", normSq);
        if (!Double.isFinite(maxNorm)) throw new IllegalArgumentException("maxNorm must be finite, got " + maxNorm);
        clipFactorImpl(factor, normSq, maxNorm);
        wrote(factor);
    }

    @Override
    public final void scaleBy(Tensor t, Tensor factor) {
        Shapes.requireNonNull("t", t);
        OpChecks.scalar("factor", factor);
        if (t == factor) throw new IllegalArgumentException("factor must not be t (every element of t reads it)");
        scaleByImpl(t, factor);
        wrote(t);
    }

    /** {@code acc[0] += sum of x} ({@code squares}: of x^2); acc is a one-element tensor other than x. */
    protected abstract void sumIntoImpl(Tensor acc, Tensor x, boolean squares);

    protected abstract void clipFactorImpl(Tensor factor, Tensor normSq, double maxNorm);

    protected abstract void scaleByImpl(Tensor t, Tensor factor);

    // ------------------------------------------------------------------------------------------------ Llama family

    @Override
    public final void rmsNormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C, float eps) {
        OpChecks.rmsNorm(out, rstd, x, weight, N, C);
        OpChecks.positiveFinite("eps", eps);
        rmsNormForwardImpl(out, rstd, x, weight, N, C, eps);
        wrote(out, rstd);
    }

    @Override
    public final void rmsNormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                      int N, int C) {
        OpChecks.rmsNormBackward(dx, dweight, dout, x, weight, rstd, N, C);
        if (dx == dout) throw new IllegalArgumentException("rmsNormBackward: dx must not alias dout (dx is accumulated into)");
        rmsNormBackwardImpl(dx, dweight, dout, x, weight, rstd, N, C);
        wrote(dx, dweight);
    }

    @Override
    public final void ropeForward(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads,
                                  int HD) {
        OpChecks.rope(x, cos, sin, positions, N, rowWidth, nHeads, HD);
        ropeImpl(x, cos, sin, positions, N, rowWidth, nHeads, HD, false);
        wrote(x);
    }

    @Override
    public final void ropeBackward(Tensor dx, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads,
                                   int HD) {
        OpChecks.rope(dx, cos, sin, positions, N, rowWidth, nHeads, HD);
        ropeImpl(dx, cos, sin, positions, N, rowWidth, nHeads, HD, true);
        wrote(dx);
    }

    @Override
    public final void swigluForward(Tensor out, Tensor x, int N, int I) {
        OpChecks.swiglu(out, x, N, I);
        swigluForwardImpl(out, x, N, I);
        wrote(out);
    }

    @Override
    public final void swigluBackward(Tensor dx, Tensor dout, Tensor x, int N, int I) {
        OpChecks.swiglu(dout, x, N, I);
        Shapes.requireSize("dx", dx, (long) N * 2 * I);
        swigluBackwardImpl(dx, dout, x, N, I);
        wrote(dx);
    }

    protected abstract void rmsNormForwardImpl(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C, float eps);

    protected abstract void rmsNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight,
                                                Tensor rstd, int N, int C);

    /** RoPE in place; {@code inverse} rotates by minus the angle (the backward). */
    protected abstract void ropeImpl(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads,
                                     int HD, boolean inverse);

    protected abstract void swigluForwardImpl(Tensor out, Tensor x, int N, int I);

    protected abstract void swigluBackwardImpl(Tensor dx, Tensor dout, Tensor x, int N, int I);
}
