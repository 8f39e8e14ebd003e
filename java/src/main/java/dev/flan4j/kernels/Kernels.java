package dev.flan4j.kernels;

import java.util.Optional;
import org.bytedeco.javacpp.Loader;

/**
 * Entry point to the flan4j CUDA kernels: loads the native library once, reports availability,
 * validates arguments in Java, calls {@link Flan4jNative} and turns nonzero statuses into
 * {@link KernelException}.
 *
 * <p>Pointers are raw device addresses ({@code long}, 0 = NULL); {@code stream} is a raw
 * {@code cudaStream_t} (0 = default stream). Calls are asynchronous on the stream.
 * Layouts, dtypes and "+=" semantics are documented in {@code flan4j.h}.
 */
public final class Kernels {
    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            Loader.load(Flan4jNative.class);
        } catch (LinkageError | RuntimeException e) {
            // first failure: UnsatisfiedLinkError; later touches of Flan4jNative: NoClassDefFoundError
            error = e;
        }
        LOAD_ERROR = error;
    }

    private Kernels() {}

    /** True when libflan4j and its JNI library loaded in this JVM. */
    public static boolean isLoaded() {
        return LOAD_ERROR == null;
    }

    /** Why the native library did not load (empty when it loaded). */
    public static Optional<Throwable> loadError() {
        return Optional.ofNullable(LOAD_ERROR);
    }

    /** Throws {@link IllegalStateException} (with the load error as cause) unless the library loaded. */
    public static void requireLoaded() {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException("flan4j native library is not loaded: " + LOAD_ERROR, LOAD_ERROR);
        }
    }

    /**
     * Number of CUDA devices; 0 when the native library is not loaded or when there is no CUDA
     * driver or device. Other CUDA failures throw {@link KernelException}.
     */
    public static int deviceCount() {
        if (!isLoaded()) {
            return 0;
        }
        int[] n = new int[1];
        check(Flan4jNative.flan4j_device_count(n));
        return n[0];
    }

    /** The library's version as "major.minor.patch". */
    public static String version() {
        requireLoaded();
        int[] a = new int[1], b = new int[1], c = new int[1];
        check(Flan4jNative.flan4j_version(a, b, c));
        return a[0] + "." + b[0] + "." + c[0];
    }

    /** Build description (CUDA version, architectures). */
    public static String buildInfo() {
        requireLoaded();
        return Flan4jNative.flan4j_build_info();
    }

    /** Throws {@link KernelException} carrying flan4j_last_error() when {@code status != 0}. */
    public static void check(int status) {
        if (status != 0) {
            String msg = Flan4jNative.flan4j_last_error();
            throw new KernelException(status, "flan4j status " + status + " (" + KernelStatus.of(status) + "): "
                    + (msg == null || msg.isEmpty() ? "(no message)" : msg));
        }
    }

    // ------------------------------------------------------------------ Java-side validation

    static void requirePositive(String op, String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(op + ": argument '" + name + "' must be > 0, got " + value);
        }
    }

    static void requireNonNegative(String op, String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(op + ": argument '" + name + "' must be >= 0, got " + value);
        }
    }

    static void requirePointer(String op, String name, long ptr) {
        if (ptr == 0L) {
            throw new IllegalArgumentException(op + ": argument '" + name + "' must not be a null device pointer, got 0");
        }
    }

    static void requireDType(String op, String name, KernelDType dtype, KernelDType... allowed) {
        if (dtype == null) {
            throw new IllegalArgumentException(op + ": argument '" + name + "' must not be null");
        }
        for (KernelDType a : allowed) {
            if (a == dtype) {
                return;
            }
        }
        throw new IllegalArgumentException(op + ": argument '" + name + "' = " + dtype + " is not supported; allowed: "
                + java.util.Arrays.toString(allowed));
    }

    static void requireFinite(String op, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(op + ": argument '" + name + "' must be finite, got " + value);
        }
    }

    // ------------------------------------------------------------------ layer norm

    /**
     * Layer norm forward over B*T rows of C channels: out = (inp - mean) * rstd * weight + bias.
     *
     * @param dtype activations' dtype (F32 or BF16); weight, bias, mean, rstd are fp32
     * @param out   [B*T, C] dtype
     * @param mean  [B*T] fp32, may be 0 (not saved)
     * @param rstd  [B*T] fp32, may be 0 (not saved)
     * @param inp   [B*T, C] dtype
     * @param weight [C] fp32
     * @param bias  [C] fp32, may be 0 (no bias)
     */
    public static void layerNormForward(KernelDType dtype, long out, long mean, long rstd, long inp, long weight,
            long bias, int B, int T, int C, float eps, long stream) {
        final String op = "layerNormForward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "inp", inp);
        requirePointer(op, "weight", weight);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        if (!(eps >= 0f) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(op + ": argument 'eps' must be finite and >= 0, got " + eps);
        }
        requireLoaded();
        check(Flan4jNative.flan4j_layernorm_forward(dtype.code(), out, mean, rstd, inp, weight, bias, B, T, C, eps,
                stream));
    }

    /**
     * Layer norm backward: dinp written (or added to when {@code accumulateDinp}); dweight += and
     * dbias += (fp32, dbias may be 0).
     */
    public static void layerNormBackward(KernelDType dtype, long dinp, long dweight, long dbias, long dout, long inp,
            long weight, long mean, long rstd, int B, int T, int C, boolean accumulateDinp, long stream) {
        final String op = "layerNormBackward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "dinp", dinp);
        requirePointer(op, "dweight", dweight);
        requirePointer(op, "dout", dout);
        requirePointer(op, "inp", inp);
        requirePointer(op, "weight", weight);
        requirePointer(op, "mean", mean);
        requirePointer(op, "rstd", rstd);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        requireLoaded();
        check(Flan4jNative.flan4j_layernorm_backward(dtype.code(), dinp, dweight, dbias, dout, inp, weight, mean, rstd,
                B, T, C, accumulateDinp ? 1 : 0, stream));
    }

    /** out = LN(x + r) with residual = x + r written (residual may alias x or r). See flan4j.h. */
    public static void residualLayerNormForward(KernelDType dtype, long residual, long out, long mean, long rstd,
            long x, long r, long weight, long bias, int B, int T, int C, float eps, long stream) {
        final String op = "residualLayerNormForward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "residual", residual);
        requirePointer(op, "out", out);
        requirePointer(op, "x", x);
        requirePointer(op, "r", r);
        requirePointer(op, "weight", weight);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        requireEps(op, eps);
        requireLoaded();
        check(Flan4jNative.flan4j_residual_layernorm_forward(dtype.code(), residual, out, mean, rstd, x, r, weight,
                bias, B, T, C, eps, stream));
    }

    /** RMSNorm forward: out = inp * rstd * weight; rstd [B*T] fp32 may be 0. */
    public static void rmsNormForward(KernelDType dtype, long out, long rstd, long inp, long weight, int B, int T,
            int C, float eps, long stream) {
        final String op = "rmsNormForward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "inp", inp);
        requirePointer(op, "weight", weight);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        requireEps(op, eps);
        requireLoaded();
        check(Flan4jNative.flan4j_rmsnorm_forward(dtype.code(), out, rstd, inp, weight, B, T, C, eps, stream));
    }

    /** RMSNorm backward: dinp written (or added to), dweight += (fp32). */
    public static void rmsNormBackward(KernelDType dtype, long dinp, long dweight, long dout, long inp, long weight,
            long rstd, int B, int T, int C, boolean accumulateDinp, long stream) {
        final String op = "rmsNormBackward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "dinp", dinp);
        requirePointer(op, "dweight", dweight);
        requirePointer(op, "dout", dout);
        requirePointer(op, "inp", inp);
        requirePointer(op, "weight", weight);
        requirePointer(op, "rstd", rstd);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        requireLoaded();
        check(Flan4jNative.flan4j_rmsnorm_backward(dtype.code(), dinp, dweight, dout, inp, weight, rstd, B, T, C,
                accumulateDinp ? 1 : 0, stream));
    }

    private static void requireEps(String op, float eps) {
        if (!(eps >= 0f) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(op + ": argument 'eps' must be finite and >= 0, got " + eps);
        }
    }

    // ------------------------------------------------------------------ cross-entropy

    /** Loss reduction of {@link #crossEntropy}. */
    public enum Reduction {
        NONE(0), SUM(1), MEAN(2);

        private final int code;

        Reduction(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /**
     * Fused softmax cross-entropy over B*T rows of {@code logits} [B*T, Vp] (V real classes). Writes per-token
     * {@code losses} [B*T] fp32; when {@code reduced} (device float[2]) is not 0 writes [0] = reduced loss,
     * [1] = number of non-ignored tokens (required for MEAN). When {@code computeGrad}, logits are overwritten by
     * grad_scale * d(reduced loss)/d(logits); padded columns and ignored rows get 0. See flan4j.h for formulas.
     */
    public static void crossEntropy(KernelDType dtype, long logits, long losses, long reduced, long targets, int B,
            int T, int V, int Vp, int ignoreIndex, Reduction reduction, float labelSmoothing, float zLoss,
            float gradScale, boolean computeGrad, long stream) {
        final String op = "crossEntropy";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "logits", logits);
        requirePointer(op, "losses", losses);
        requirePointer(op, "targets", targets);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "V", V);
        if (Vp < V) {
            throw new IllegalArgumentException(op + ": argument 'Vp' must be >= V (" + V + "), got " + Vp);
        }
        if (reduction == null) {
            throw new IllegalArgumentException(op + ": argument 'reduction' must not be null");
        }
        if (reduction == Reduction.MEAN) {
            requirePointer(op, "reduced", reduced);
        }
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) {
            throw new IllegalArgumentException(op + ": argument 'labelSmoothing' must be in [0, 1), got " + labelSmoothing);
        }
        if (!(zLoss >= 0f) || !Float.isFinite(zLoss)) {
            throw new IllegalArgumentException(op + ": argument 'zLoss' must be finite and >= 0, got " + zLoss);
        }
        requireFinite(op, "gradScale", gradScale);
        requireLoaded();
        check(Flan4jNative.flan4j_cross_entropy(dtype.code(), logits, losses, reduced, targets, B, T, V, Vp,
                ignoreIndex, reduction.code(), labelSmoothing, zLoss, gradScale, computeGrad ? 1 : 0, stream));
    }

    // ------------------------------------------------------------------ attention

    private static void validateAttention(String op, AttentionArgs a, boolean backward) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": argument 'args' must not be null");
        }
        requireDType(op, "dtype", a.dtype, KernelDType.F32);
        if (a.HD != 32 && a.HD != 64 && a.HD != 128) {
            throw new IllegalArgumentException(op + ": argument 'HD' must be 32, 64 or 128, got " + a.HD);
        }
        requirePositive(op, "B", a.B);
        requirePositive(op, "T", a.T);
        requirePositive(op, "NH", a.NH);
        requirePositive(op, "NHkv", a.NHkv);
        if (a.NH % a.NHkv != 0) {
            throw new IllegalArgumentException(op + ": argument 'NHkv' (" + a.NHkv + ") must divide NH (" + a.NH + ")");
        }
        if (a.cuSeqlens != 0L) {
            requirePositive(op, "totalTokens", a.totalTokens);
        }
        requirePointer(op, "q", a.q);
        requirePointer(op, "k", a.k);
        requirePointer(op, "v", a.v);
        requirePointer(op, "o", a.o);
        requirePointer(op, "lse", a.lse);
        if (backward) {
            requirePointer(op, "dout", a.dout);
            requirePointer(op, "dq", a.dq);
            requirePointer(op, "dk", a.dk);
            requirePointer(op, "dv", a.dv);
            requirePointer(op, "delta", a.delta);
        }
        float sc = a.scale();
        if (!(sc > 0f) || !Float.isFinite(sc)) {
            throw new IllegalArgumentException(op + ": argument 'softmaxScale' must be finite and > 0, got " + sc);
        }
    }

    /** Fused attention forward: writes o and lse. */
    public static void attentionForward(AttentionArgs args, long stream) {
        validateAttention("attentionForward", args, false);
        requireLoaded();
        try (Flan4jNative.AttentionParams p = args.toNative()) {
            check(Flan4jNative.flan4j_attention_forward(p, stream));
        }
    }

    /** Fused attention backward: writes dq (fp32, zeroed then accumulated), dk, dv and delta. */
    public static void attentionBackward(AttentionArgs args, long stream) {
        validateAttention("attentionBackward", args, true);
        requireLoaded();
        try (Flan4jNative.AttentionParams p = args.toNative()) {
            check(Flan4jNative.flan4j_attention_backward(p, stream));
        }
    }

    // ------------------------------------------------------------------ small ops

    /** out = gelu_tanh(inp) over N elements (out may alias inp). */
    public static void geluForward(KernelDType dtype, long out, long inp, long N, long stream) {
        final String op = "geluForward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "inp", inp);
        requirePositive(op, "N", N);
        requireLoaded();
        check(Flan4jNative.flan4j_gelu_forward(dtype.code(), out, inp, N, stream));
    }

    /** dinp = dout * gelu'(inp) (dinp may alias dout). */
    public static void geluBackward(KernelDType dtype, long dinp, long inp, long dout, long N, long stream) {
        final String op = "geluBackward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "dinp", dinp);
        requirePointer(op, "inp", inp);
        requirePointer(op, "dout", dout);
        requirePositive(op, "N", N);
        requireLoaded();
        check(Flan4jNative.flan4j_gelu_backward(dtype.code(), dinp, inp, dout, N, stream));
    }

    /** out[b,t] = wte[tokens[b,t]] + wpe[pos] (positions and wpe may be 0). */
    public static void embeddingForward(KernelDType dtype, long out, long tokens, long positions, long wte, long wpe,
            int B, int T, int C, int V, int maxT, long stream) {
        final String op = "embeddingForward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "tokens", tokens);
        requirePointer(op, "wte", wte);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        requirePositive(op, "V", V);
        if (wpe != 0L) {
            requirePositive(op, "maxT", maxT);
        }
        requireLoaded();
        check(Flan4jNative.flan4j_embedding_forward(dtype.code(), out, tokens, positions, wte, wpe, B, T, C, V, maxT,
                stream));
    }

    /** dwte += scatter(dout), dwpe += scatter(dout) (fp32; either may be 0). */
    public static void embeddingBackward(KernelDType dtype, long dwte, long dwpe, long dout, long tokens,
            long positions, int B, int T, int C, int V, int maxT, long stream) {
        final String op = "embeddingBackward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        if (dwte == 0L && dwpe == 0L) {
            throw new IllegalArgumentException(op + ": arguments 'dwte' and 'dwpe' are both 0");
        }
        requirePointer(op, "dout", dout);
        requirePointer(op, "tokens", tokens);
        requirePositive(op, "B", B);
        requirePositive(op, "T", T);
        requirePositive(op, "C", C);
        requirePositive(op, "V", V);
        if (dwpe != 0L) {
            requirePositive(op, "maxT", maxT);
        }
        requireLoaded();
        check(Flan4jNative.flan4j_embedding_backward(dtype.code(), dwte, dwpe, dout, tokens, positions, B, T, C, V,
                maxT, stream));
    }

    /** out = a + b over N elements. */
    public static void add(KernelDType dtype, long out, long a, long b, long N, long stream) {
        final String op = "add";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "a", a);
        requirePointer(op, "b", b);
        requirePositive(op, "N", N);
        requireLoaded();
        check(Flan4jNative.flan4j_add(dtype.code(), out, a, b, N, stream));
    }

    /** x *= alpha. */
    public static void scale(KernelDType dtype, long x, float alpha, long N, long stream) {
        final String op = "scale";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "x", x);
        requirePositive(op, "N", N);
        requireFinite(op, "alpha", alpha);
        requireLoaded();
        check(Flan4jNative.flan4j_scale(dtype.code(), x, alpha, N, stream));
    }

    /** out[n, o] += bias[o] (out [N, OC] dtype, bias fp32). */
    public static void biasAdd(KernelDType dtype, long out, long bias, long N, int OC, long stream) {
        final String op = "biasAdd";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "bias", bias);
        requirePositive(op, "N", N);
        requirePositive(op, "OC", OC);
        requireLoaded();
        check(Flan4jNative.flan4j_bias_add(dtype.code(), out, bias, N, OC, stream));
    }

    /** dbias[o] += sum_n dout[n, o] (dbias fp32). */
    public static void biasBackward(KernelDType dtype, long dbias, long dout, long N, int OC, long stream) {
        final String op = "biasBackward";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "dbias", dbias);
        requirePointer(op, "dout", dout);
        requirePositive(op, "N", N);
        requirePositive(op, "OC", OC);
        requireLoaded();
        check(Flan4jNative.flan4j_bias_backward(dtype.code(), dbias, dout, N, OC, stream));
    }

    /** dst = (dstType) src over N elements. */
    public static void cast(KernelDType dstType, long dst, KernelDType srcType, long src, long N, long stream) {
        final String op = "cast";
        requireDType(op, "dstType", dstType, KernelDType.values());
        requireDType(op, "srcType", srcType, KernelDType.values());
        requirePointer(op, "dst", dst);
        requirePointer(op, "src", src);
        requirePositive(op, "N", N);
        requireLoaded();
        check(Flan4jNative.flan4j_cast(dstType.code(), dst, srcType.code(), src, N, stream));
    }

    /** out[0] += sum(x^2) (out fp32 device scalar). */
    public static void sumSquares(KernelDType dtype, long out, long x, long N, long stream) {
        final String op = "sumSquares";
        requireDType(op, "dtype", dtype, KernelDType.F32, KernelDType.BF16);
        requirePointer(op, "out", out);
        requirePointer(op, "x", x);
        requirePositive(op, "N", N);
        requireLoaded();
        check(Flan4jNative.flan4j_sum_squares(dtype.code(), out, x, N, stream));
    }

    /** One AdamW step on fp32 param/grad/m/v of N elements (step is 1-based). */
    public static void adamw(long param, long grad, long m, long v, long N, float lr, float beta1, float beta2,
            float eps, float weightDecay, int step, float gradScale, long stream) {
        final String op = "adamw";
        requirePointer(op, "param", param);
        requirePointer(op, "grad", grad);
        requirePointer(op, "m", m);
        requirePointer(op, "v", v);
        requirePositive(op, "N", N);
        requirePositive(op, "step", step);
        requireFinite(op, "lr", lr);
        if (!(beta1 >= 0f && beta1 < 1f)) {
            throw new IllegalArgumentException(op + ": argument 'beta1' must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException(op + ": argument 'beta2' must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0f) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(op + ": argument 'eps' must be finite and > 0, got " + eps);
        }
        if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException(op + ": argument 'weightDecay' must be finite and >= 0, got " + weightDecay);
        }
        requireFinite(op, "gradScale", gradScale);
        requireLoaded();
        check(Flan4jNative.flan4j_adamw(param, grad, m, v, N, lr, beta1, beta2, eps, weightDecay, step, gradScale,
                stream));
    }

    // ------------------------------------------------------------------ GEMM

    /** Flag for {@link #gemm}: fp32 GEMMs may use TF32 tensor cores. */
    public static final int GEMM_ALLOW_TF32 = 1;

    /**
     * Row-major batched GEMM through cuBLAS (loaded at run time): C_i[M,N] = alpha op(A_i) op(B_i) + beta C_i.
     * A is [M,K] (lda >= K) or, transposed, [K,M] (lda >= M); B is [K,N] (ldb >= N) or [N,K] (ldb >= K);
     * C is [M,N] (ldc >= N). Strides in elements. Accumulation in fp32.
     */
    public static void gemm(KernelDType dtypeAB, KernelDType dtypeC, boolean transA, boolean transB, int M, int N,
            int K, float alpha, long A, int lda, long strideA, long B, int ldb, long strideB, float beta, long C,
            int ldc, long strideC, int batch, int flags, long stream) {
        final String op = "gemm";
        requireDType(op, "dtypeAB", dtypeAB, KernelDType.values());
        requireDType(op, "dtypeC", dtypeC, KernelDType.values());
        requirePositive(op, "M", M);
        requirePositive(op, "N", N);
        requirePositive(op, "K", K);
        requirePositive(op, "batch", batch);
        requirePointer(op, "A", A);
        requirePointer(op, "B", B);
        requirePointer(op, "C", C);
        int minLda = transA ? M : K, minLdb = transB ? K : N;
        if (lda < minLda) {
            throw new IllegalArgumentException(op + ": argument 'lda' must be >= " + minLda + ", got " + lda);
        }
        if (ldb < minLdb) {
            throw new IllegalArgumentException(op + ": argument 'ldb' must be >= " + minLdb + ", got " + ldb);
        }
        if (ldc < N) {
            throw new IllegalArgumentException(op + ": argument 'ldc' must be >= N (" + N + "), got " + ldc);
        }
        requireNonNegative(op, "strideA", strideA);
        requireNonNegative(op, "strideB", strideB);
        requireNonNegative(op, "strideC", strideC);
        requireLoaded();
        check(Flan4jNative.flan4j_gemm(dtypeAB.code(), dtypeC.code(), transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha,
                A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch, flags, stream));
    }

    /**
     * Loads cuBLAS into the native library if not yet loaded; returns the library's file name
     * (libcublas.so.13 or .12). Throws {@link KernelException} (LIBRARY_NOT_FOUND, naming both) otherwise.
     */
    public static String loadBlas() {
        requireLoaded();
        check(Flan4jNative.flan4j_blas_load());
        return Flan4jNative.flan4j_blas_library();
    }

    /** Releases this thread's native resources (cuBLAS handles); optional, for worker threads that end. */
    public static void releaseThreadResources() {
        if (isLoaded()) {
            check(Flan4jNative.flan4j_release_thread_resources());
        }
    }

    // ------------------------------------------------------------------ attention for any head dim, decode, helpers

    /** Head dims the simple kernels accept (1..256); the fused kernels take 32, 64, 128. */
    public static final int GENERIC_MAX_HEAD_DIM = 256;

    private static void requireHeads(String op, int N, int NH, int HD, float scale) {
        requirePositive(op, "N", N);
        requirePositive(op, "NH", NH);
        requirePositive(op, "HD", HD);
        if (HD > GENERIC_MAX_HEAD_DIM) {
            throw new IllegalArgumentException(op + ": argument 'HD' must be <= " + GENERIC_MAX_HEAD_DIM + ", got " + HD);
        }
        if (!(scale > 0f) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException(op + ": argument 'scale' must be finite and > 0, got " + scale);
        }
    }

    /**
     * Causal attention for any head dim over a packed qkv [N, 3C] (fp32): out [N, C], lse [N, NH] (may be 0).
     * {@code docBounds} is a device int[2N]: first row of each token's document, then one past its last row.
     */
    public static void attentionGenericForward(long qkv, long out, long lse, long docBounds, int N, int NH, int HD,
            float scale, long stream) {
        final String op = "attentionGenericForward";
        requireHeads(op, N, NH, HD, scale);
        requirePointer(op, "qkv", qkv);
        requirePointer(op, "out", out);
        requirePointer(op, "docBounds", docBounds);
        requireLoaded();
        check(Flan4jNative.flan4j_attention_generic_forward(qkv, out, lse, docBounds, N, NH, HD, scale, stream));
    }

    /** Backward of {@link #attentionGenericForward}: writes dqkv [N, 3C]; delta [N, NH] fp32 is a workspace. */
    public static void attentionGenericBackward(long dqkv, long delta, long dout, long qkv, long out, long lse,
            long docBounds, int N, int NH, int HD, float scale, long stream) {
        final String op = "attentionGenericBackward";
        requireHeads(op, N, NH, HD, scale);
        requirePointer(op, "dqkv", dqkv);
        requirePointer(op, "delta", delta);
        requirePointer(op, "dout", dout);
        requirePointer(op, "qkv", qkv);
        requirePointer(op, "out", out);
        requirePointer(op, "lse", lse);
        requirePointer(op, "docBounds", docBounds);
        requireLoaded();
        check(Flan4jNative.flan4j_attention_generic_backward(dqkv, delta, dout, qkv, out, lse, docBounds, N, NH, HD,
                scale, stream));
    }

    /**
     * KV-cache decode (fp32): appends the k, v of qkvNew [n, 3C] at rows [start, start+n) of kCache, vCache
     * ([tMax, C]), then new query i attends to rows [0, start+i]; writes out [n, C].
     */
    public static void attentionDecode(long out, long qkvNew, long kCache, long vCache, int start, int n, int tMax,
            int NH, int HD, float scale, long stream) {
        final String op = "attentionDecode";
        requireHeads(op, n, NH, HD, scale);
        requirePointer(op, "out", out);
        requirePointer(op, "qkvNew", qkvNew);
        requirePointer(op, "kCache", kCache);
        requirePointer(op, "vCache", vCache);
        requireNonNegative(op, "start", start);
        if ((long) start + n > tMax) {
            throw new IllegalArgumentException(op + ": start (" + start + ") + n (" + n + ") must be <= tMax (" + tMax + ")");
        }
        requireLoaded();
        check(Flan4jNative.flan4j_attention_decode(out, qkvNew, kCache, vCache, start, n, tMax, NH, HD, scale, stream));
    }

    /** x[i] = value over N fp32 elements. */
    public static void fill(long x, float value, long N, long stream) {
        final String op = "fill";
        requirePointer(op, "x", x);
        requirePositive(op, "N", N);
        requireLoaded();
        check(Flan4jNative.flan4j_fill(x, value, N, stream));
    }

    /** dst [cols, rows] = src [rows, cols] transposed (fp32; no aliasing). */
    public static void transpose(long dst, long src, int rows, int cols, long stream) {
        final String op = "transpose";
        requirePointer(op, "dst", dst);
        requirePointer(op, "src", src);
        requirePositive(op, "rows", rows);
        requirePositive(op, "cols", cols);
        requireLoaded();
        check(Flan4jNative.flan4j_transpose(dst, src, rows, cols, stream));
    }
}
