package dev.flan4j.backend;

import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;

/**
 * The argument checks {@link AbstractBackend} runs before every op (shared pieces: packed rows, ids, scalars), so
 * each op rejects bad input with the same message on any device and before any memory is touched (ids and offsets
 * never reach a kernel unchecked). Each message names the argument and its value.
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

    /** Checks attention's sizes, cu_seqlens and scale; returns C = NH * HD. */
    public static int attention(Tensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("NH", NH);
        Shapes.requirePositive("HD", HD);
        int C = Math.multiplyExact(NH, HD);
        Shapes.requireSize("qkv", qkv, (long) N * 3 * C);
        cuSeqlens(cuSeqlens, N);
        positiveFinite("scale", scale);
        return C;
    }

    /** Checks the KV-cache decode op's sizes: n new tokens at rows start.. of caches [Tmax, C]; returns C. */
    public static int decode(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n, int NH, int HD) {
        Shapes.requirePositive("n", n);
        Shapes.requirePositive("NH", NH);
        Shapes.requirePositive("HD", HD);
        int C = Math.multiplyExact(NH, HD);
        Shapes.requireSize("qkvNew", qkvNew, (long) n * 3 * C);
        Shapes.requireSize("out", out, (long) n * C);
        Shapes.requireSize("kCache", kCache, C);
        if (vCache == null || vCache.size() != kCache.size()) {
            throw new IllegalArgumentException("vCache has " + (vCache == null ? "null" : vCache.size() + " elements")
                    + ", kCache has " + kCache.size() + "; they must match");
        }
        long tMax = kCache.size() / C;
        if (start < 0 || start + (long) n > tMax) {
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

    /**
     * Embedding: {@code rows} [N, C] (out or dout), tables [*, C] ({@code wte}/{@code wpe} or their gradients),
     * token and position ids inside the tables' rows.
     */
    public static void embedding(String rowsName, Tensor rows, int[] tokens, int[] positions, String wteName,
                                 Tensor wte, String wpeName, Tensor wpe, int N, int C) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("C", C);
        Shapes.requireLength("tokens", tokens, N);
        Shapes.requireLength("positions", positions, N);
        Shapes.requireSize(rowsName, rows, (long) N * C);
        Shapes.requireSize(wteName, wte, C);
        Shapes.requireSize(wpeName, wpe, C);
        ids("tokens", tokens, N, (int) (wte.size() / C));
        ids("positions", positions, N, (int) (wpe.size() / C));
    }

    /** {@code t} is a one-element tensor (a device scalar: a loss sum, a squared norm, a clip factor). */
    public static void scalar(String name, Tensor t) {
        Shapes.requireNonNull(name, t);
        if (t.size() != 1) {
            throw new IllegalArgumentException(name + " must hold one element, got " + t.size() + " "
                    + Arrays.toString(t.shape()));
        }
    }

    /** {@code v} is finite. */
    public static void finite(String name, float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException(name + " must be finite, got " + v);
    }

    /** {@code v} is finite and > 0. */
    public static void positiveFinite(String name, float v) {
        if (!(v > 0) || !Float.isFinite(v)) throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
    }

    /** {@code v} is finite and > 0. */
    public static void positiveFinite(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
    }

    /** {@code v} is finite and >= 0. */
    public static void nonNegative(String name, float v) {
        if (!(v >= 0) || !Float.isFinite(v)) throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }

    /** {@code v} is in [0, 1). */
    public static void unitInterval(String name, float v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
    }

    // Llama-family ops.

    public static void rmsNorm(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("C", C);
        long nc = (long) N * C;
        Shapes.requireSize("x", x, nc);
        Shapes.requireSize("out", out, nc);
        Shapes.requireSize("rstd", rstd, N);
        Shapes.requireSize("weight", weight, C);
        if (out == x) throw new IllegalArgumentException("out must not alias x");
    }

    public static void rmsNormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                       int N, int C) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("C", C);
        long nc = (long) N * C;
        Shapes.requireSize("x", x, nc);
        Shapes.requireSize("rstd", rstd, N);
        Shapes.requireSize("weight", weight, C);
        Shapes.requireSize("dx", dx, nc);
        Shapes.requireSize("dout", dout, nc);
        Shapes.requireSize("dweight", dweight, C);
    }

    /** RoPE on nHeads heads of HD at the start of rows [N, rowWidth], tables [Tmax, HD/2]; positions in [0, Tmax). */
    public static void rope(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("nHeads", nHeads);
        Shapes.requirePositive("HD", HD);
        if (HD % 2 != 0) throw new IllegalArgumentException("HD must be even, got " + HD);
        if ((long) nHeads * HD > rowWidth) {
            throw new IllegalArgumentException("nHeads=" + nHeads + " heads of HD=" + HD + " do not fit rowWidth=" + rowWidth);
        }
        Shapes.requireSize("x", x, (long) N * rowWidth);
        Shapes.requireSize("cos", cos, HD / 2);
        if (sin == null || sin.size() != cos.size()) {
            throw new IllegalArgumentException("sin has " + (sin == null ? "null" : sin.size() + " elements")
                    + ", cos has " + cos.size() + "; they must match");
        }
        if (cos.size() % (HD / 2) != 0) {
            throw new IllegalArgumentException("cos has " + cos.size() + " elements, not a multiple of HD/2=" + HD / 2);
        }
        long tMax = cos.size() / (HD / 2);
        if (positions == null || positions.length < N) {
            throw new IllegalArgumentException("positions needs N=" + N + " entries, got "
                    + (positions == null ? "null" : positions.length));
        }
        for (int i = 0; i < N; i++) {
            if (positions[i] < 0 || positions[i] >= tMax) {
                throw new IllegalArgumentException("positions[" + i + "]=" + positions[i] + " is outside the RoPE tables [0, "
                        + tMax + ")");
            }
        }
    }

    public static void swiglu(Tensor out, Tensor x, int N, int I) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("I", I);
        Shapes.requireSize("x", x, (long) N * 2 * I);
        Shapes.requireSize("out", out, (long) N * I);
    }
}
