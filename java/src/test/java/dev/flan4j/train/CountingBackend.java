package dev.flan4j.train;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.Reduction;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPU backend that records every readback a GPU would wait for (toArray, a reduced crossEntropy, the
 * double-returning sumOfSquares) with the number of training steps done at that moment, counted by the trainer's
 * one {@link #sumOfSquaresInto} per step. It can also poison one step: the squared gradient norm of step
 * {@code poisonStep} (0-based) becomes NaN after it is computed, so the run diverges exactly there while its
 * gradients (not clipped for a NaN norm) and weights stay finite.
 */
final class CountingBackend implements Backend {
    /** One readback: which op, and how many steps had put their norm on the device before it. */
    record Readback(String op, int stepsDone) {}

    private final CpuBackend be = new CpuBackend();
    private final int poisonStep;
    final List<Readback> readbacks = new ArrayList<>();
    private int stepsDone;

    CountingBackend() { this(-1); }

    CountingBackend(int poisonStep) { this.poisonStep = poisonStep; }

    /** The steps-done values at which a readback of {@code op} happened, in order. */
    List<Integer> at(String op) {
        return readbacks.stream().filter(r -> r.op().equals(op)).map(Readback::stepsDone).toList();
    }

    private void readback(String op) { readbacks.add(new Readback(op, stepsDone)); }

    // ------------------------------------------------------------------ the counted ops

    @Override
    public float[] toArray(Tensor t) {
        readback("toArray");
        return be.toArray(t);
    }

    @Override
    public double crossEntropy(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                               Reduction reduction, float dlogitsScale) {
        if (reduction != Reduction.NONE) readback("crossEntropy " + reduction);
        return be.crossEntropy(losses, logits, targets, N, V, Vp, ignoreIndex, reduction, dlogitsScale);
    }

    @Override
    public double sumOfSquares(Tensor t) {
        readback("sumOfSquares");
        return be.sumOfSquares(t);
    }

    @Override
    public void sumOfSquaresInto(Tensor acc, Tensor x) {
        be.sumOfSquaresInto(acc, x);
        if (stepsDone == poisonStep) be.fill(acc, Float.NaN);
        stepsDone++;
    }

    // ------------------------------------------------------------------ everything else, as the CPU

    @Override public String name() { return be.name(); }
    @Override public String device() { return be.device(); }
    @Override public Tensor zeros(int... shape) { return be.zeros(shape); }
    @Override public Tensor fromArray(float[] data, int... shape) { return be.fromArray(data, shape); }
    @Override public void copy(Tensor dst, Tensor src) { be.copy(dst, src); }
    @Override public void fill(Tensor t, float value) { be.fill(t, value); }

    @Override
    public void matmul(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k, boolean transA, boolean transB,
                       float alpha, float beta) {
        be.matmul(out, a, bm, batch, m, n, k, transA, transB, alpha, beta);
    }

    @Override public void addBias(Tensor out, Tensor bias, int rows, int cols) { be.addBias(out, bias, rows, cols); }
    @Override public void biasBackward(Tensor dbias, Tensor dout, int rows, int cols) { be.biasBackward(dbias, dout, rows, cols); }

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias, int N, int C,
                                 float eps) {
        be.layerNormForward(out, mean, rstd, x, weight, bias, N, C, eps);
    }

    @Override
    public void layerNormBackward(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                  Tensor mean, Tensor rstd, int N, int C) {
        be.layerNormBackward(dx, dweight, dbias, dout, x, weight, mean, rstd, N, C);
    }

    @Override
    public void attentionForward(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale) {
        be.attentionForward(out, lse, qkv, cuSeqlens, N, NH, HD, scale);
    }

    @Override
    public void attentionBackward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens, int N,
                                  int NH, int HD, float scale) {
        be.attentionBackward(dqkv, dout, qkv, out, lse, cuSeqlens, N, NH, HD, scale);
    }

    @Override public void geluForward(Tensor out, Tensor x, int n) { be.geluForward(out, x, n); }
    @Override public void geluBackward(Tensor dx, Tensor x, Tensor dout, int n) { be.geluBackward(dx, x, dout, n); }

    @Override
    public void embeddingForward(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N, int C) {
        be.embeddingForward(out, tokens, positions, wte, wpe, N, C);
    }

    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N, int C) {
        be.embeddingBackward(dwte, dwpe, dout, tokens, positions, N, C);
    }

    @Override public void add(Tensor out, Tensor a, Tensor b, long n) { be.add(out, a, b, n); }
    @Override public void scale(Tensor t, float s) { be.scale(t, s); }

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2, float eps,
                      float weightDecay, int t) {
        be.adamW(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, t);
    }

    @Override
    public void adafactor(Tensor param, Tensor grad, Tensor row, Tensor col, Tensor v, int rows, int cols, float lr,
                          double decay, float weightDecay, double clip, double eps1) {
        be.adafactor(param, grad, row, col, v, rows, cols, lr, decay, weightDecay, clip, eps1);
    }

    @Override public void sumInto(Tensor acc, Tensor x) { be.sumInto(acc, x); }
    @Override public void clipFactor(Tensor factor, Tensor normSq, double maxNorm) { be.clipFactor(factor, normSq, maxNorm); }
    @Override public void scaleBy(Tensor t, Tensor factor) { be.scaleBy(t, factor); }
    @Override public void close() { be.close(); }

    @Override
    public void attentionDecode(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n, int NH, int HD,
                                float scale) {
        be.attentionDecode(out, qkvNew, kCache, vCache, start, n, NH, HD, scale);
    }

    @Override
    public void rmsNormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C, float eps) {
        be.rmsNormForward(out, rstd, x, weight, N, C, eps);
    }

    @Override
    public void rmsNormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd, int N, int C) {
        be.rmsNormBackward(dx, dweight, dout, x, weight, rstd, N, C);
    }

    @Override
    public void ropeForward(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD) {
        be.ropeForward(x, cos, sin, positions, N, rowWidth, nHeads, HD);
    }

    @Override
    public void ropeBackward(Tensor dx, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD) {
        be.ropeBackward(dx, cos, sin, positions, N, rowWidth, nHeads, HD);
    }

    @Override public void swigluForward(Tensor out, Tensor x, int N, int I) { be.swigluForward(out, x, N, I); }
    @Override public void swigluBackward(Tensor dx, Tensor dout, Tensor x, int N, int I) { be.swigluBackward(dx, dout, x, N, I); }
}
