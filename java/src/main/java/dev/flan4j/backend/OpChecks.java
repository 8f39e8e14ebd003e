package dev.flan4j.backend;

import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;

/**
 * Argument checks shared by every backend, so each op rejects bad input with the same message on any device and
 * before any memory is touched (ids and offsets never reach a kernel unchecked).
 */
public final class OpChecks {
    private OpChecks() {}

    /** cu_seqlens must start at 0, end at N and increase strictly. */
    public static void cuSeqlens(int[] cuSeqlens, int N) {
        if (cuSeqlens == null || cuSeqlens.length < 2) {
            throw new IllegalArgumentException("cuSeqlens needs at least 2 entries, got "
                    + (cuSeqlens == null ? "null" : Arrays.toString(cuSeqlens)));
        }
        if (cuSeqlens[0] != 0 || cuSeqlens[cuSeqlens.length - 1] != N) {
            throw new IllegalArgumentException("cuSeqlens must start at 0 and end at N=" + N + ", got "
                    + cuSeqlens[0] + " .. " + cuSeqlens[cuSeqlens.length - 1]);
        }
        for (int i = 1; i < cuSeqlens.length; i++) {
            if (cuSeqlens[i] <= cuSeqlens[i - 1]) {
                throw new IllegalArgumentException("cuSeqlens must increase strictly, but cuSeqlens[" + i + "]="
                        + cuSeqlens[i] + " <= cuSeqlens[" + (i - 1) + "]=" + cuSeqlens[i - 1]);
            }
        }
    }

    /** Checks attention's sizes and cu_seqlens; returns C = NH * HD. */
    public static int attention(Tensor qkv, int[] cuSeqlens, int N, int NH, int HD) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("NH", NH);
        Shapes.requirePositive("HD", HD);
        int C = NH * HD;
        Shapes.requireSize("qkv", qkv, (long) N * 3 * C);
        cuSeqlens(cuSeqlens, N);
        return C;
    }

    /** Checks the KV-cache decode op's sizes: n new tokens at rows start.. of caches [Tmax, C]; returns C. */
    public static int decode(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n, int NH, int HD) {
        Shapes.requirePositive("n", n);
        Shapes.requirePositive("NH", NH);
        Shapes.requirePositive("HD", HD);
        int C = NH * HD;
        Shapes.requireSize("qkvNew", qkvNew, (long) n * 3 * C);
        Shapes.requireSize("out", out, (long) n * C);
        Shapes.requireSize("kCache", kCache, C);
        if (vCache == null || vCache.size() != kCache.size()) {
            throw new IllegalArgumentException("vCache has " + (vCache == null ? "null" : vCache.size() + " elements")
                    + ", kCache has " + kCache.size() + "; they must match");
        }
        int tMax = (int) (kCache.size() / C);
        if (start < 0 || start + n > tMax) {
            throw new IllegalArgumentException("start=" + start + " with n=" + n + " new tokens does not fit a cache of "
                    + tMax + " rows");
        }
        return C;
    }

    /** Every id in {@code ids[0, n)} lies in [0, limit). */
    public static void ids(String name, int[] ids, int n, int limit) {
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= limit) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + ids[i] + " is outside [0, " + limit + ")");
            }
        }
    }

    /** Every target is in [0, V) or equals ignoreIndex. */
    public static void targets(int[] targets, int N, int V, int ignoreIndex) {
        for (int i = 0; i < N; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= V)) {
                throw new IllegalArgumentException("targets[" + i + "] = " + t + " is outside [0, " + V
                        + ") and is not ignoreIndex=" + ignoreIndex);
            }
        }
    }

    /** Batched GEMM sizes: a [batch, m*k], b [batch, k*n], out [batch, m*n], every dimension positive. */
    public static void matmul(Tensor out, Tensor a, Tensor b, int batch, int m, int n, int k) {
        Shapes.requirePositive("batch", batch);
        Shapes.requirePositive("m", m);
        Shapes.requirePositive("n", n);
        Shapes.requirePositive("k", k);
        Shapes.requireSize("a", a, (long) batch * m * k);
        Shapes.requireSize("b", b, (long) batch * k * n);
        Shapes.requireSize("out", out, (long) batch * m * n);
    }

    /** Layer norm forward: x, out [N, C]; mean, rstd [N]; weight, bias [C]. */
    public static void layerNorm(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias, int N, int C) {
        long nc = (long) N * C;
        Shapes.requireSize("x", x, nc);
        Shapes.requireSize("out", out, nc);
        Shapes.requireSize("mean", mean, N);
        Shapes.requireSize("rstd", rstd, N);
        Shapes.requireSize("weight", weight, C);
        Shapes.requireSize("bias", bias, C);
    }

    /** Layer norm backward: dx, dout, x [N, C]; dweight, dbias, weight [C]; mean, rstd [N]. */
    public static void layerNormBackward(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                         Tensor mean, Tensor rstd, int N, int C) {
        long nc = (long) N * C;
        Shapes.requireSize("dx", dx, nc);
        Shapes.requireSize("dout", dout, nc);
        Shapes.requireSize("x", x, nc);
        Shapes.requireSize("dweight", dweight, C);
        Shapes.requireSize("dbias", dbias, C);
        Shapes.requireSize("weight", weight, C);
        Shapes.requireSize("mean", mean, N);
        Shapes.requireSize("rstd", rstd, N);
    }

    /** Embedding: {@code rows} [N, C] (out or dout), token and position ids inside the tables' rows. */
    public static void embedding(String rowsName, Tensor rows, int[] tokens, int[] positions, Tensor wte, Tensor wpe,
                                 int N, int C) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("C", C);
        Shapes.requireLength("tokens", tokens, N);
        Shapes.requireLength("positions", positions, N);
        Shapes.requireSize(rowsName, rows, (long) N * C);
        ids("tokens", tokens, N, (int) (wte.size() / C));
        ids("positions", positions, N, (int) (wpe.size() / C));
    }

    /** Cross-entropy: logits [N, Vp] with V <= Vp real columns, losses [N], targets in [0, V) or ignoreIndex. */
    public static void crossEntropy(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                                    Reduction reduction) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("V", V);
        if (Vp < V) throw new IllegalArgumentException("Vp=" + Vp + " must be >= V=" + V);
        if (reduction == null) throw new IllegalArgumentException("reduction is null");
        Shapes.requireSize("logits", logits, (long) N * Vp);
        Shapes.requireSize("losses", losses, N);
        Shapes.requireLength("targets", targets, N);
        targets(targets, N, V, ignoreIndex);
    }

    /** AdamW: step t >= 1 and four tensors of n elements. */
    public static void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, long n, int t) {
        if (t < 1) throw new IllegalArgumentException("AdamW step t must be >= 1, got " + t);
        Shapes.requireSize("param", param, n);
        Shapes.requireSize("grad", grad, n);
        Shapes.requireSize("m", m, n);
        Shapes.requireSize("v", v, n);
    }
}
