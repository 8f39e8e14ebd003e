package dev.flan4j.kernels;

import dev.flan4j.backend.Reduction;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.bytedeco.javacpp.Loader;

/**
 * Entry point to the flan4j CUDA kernels: loads the native library once, reports availability, and wraps each C
 * function of {@code flan4j.h} in one line. Arguments are checked once, by the C entry point ({@code api.cu}),
 * before any CUDA call, so the checks run (and report the same message) with or without a GPU. A nonzero status
 * becomes a {@link KernelArgumentException} (an {@link IllegalArgumentException}) for a bad argument, else a
 * {@link KernelException}; either carries {@code flan4j_last_error()}, which names the function, the argument and
 * its value (or the CUDA error).
 *
 * <p>Pointers are raw device addresses ({@code long}, 0 = NULL); {@code stream} is a raw {@code cudaStream_t}
 * (0 = default stream). Calls are asynchronous on the stream. Layouts, dtypes, accepted values and "+=" semantics
 * are documented in {@code flan4j.h}; the parameters below have the same names and order. A null dtype or reduction
 * is passed as -1, which the C side rejects by name.
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

    /** Number of CUDA devices; 0 without the library, a driver or a device; other CUDA failures throw. */
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
        int[] a = new int[1], b = new int[1], c = new int[1];
        call(() -> Flan4jNative.flan4j_version(a, b, c));
        return a[0] + "." + b[0] + "." + c[0];
    }

    /** Build description (CUDA version, architectures). */
    public static String buildInfo() {
        requireLoaded();
        return Flan4jNative.flan4j_build_info();
    }

    /** 0: returns; INVALID_ARGUMENT: {@link KernelArgumentException}; else {@link KernelException} (last error). */
    public static void check(int status) {
        if (status == 0) {
            return;
        }
        String msg = Flan4jNative.flan4j_last_error();
        msg = msg == null || msg.isEmpty() ? "(no message)" : msg;
        if (status == KernelStatus.INVALID_ARGUMENT.code()) {
            throw new KernelArgumentException(msg);
        }
        throw new KernelException(status, "flan4j status " + status + " (" + KernelStatus.of(status) + "): " + msg);
    }

    /** Requires the library, runs one C call and checks its status. */
    private static void call(IntSupplier nativeCall) {
        requireLoaded();
        check(nativeCall.getAsInt());
    }

    private static int code(KernelDType d) {
        return KernelDType.codeOf(d);
    }

    private static int code(Reduction r) {
        return r == null ? -1 : r.code();
    }

    // ------------------------------------------------------------------ layer norm, RMSNorm

    /** out = (inp - mean) * rstd * weight + bias over B*T rows of C; mean, rstd, bias may be 0. */
    public static void layerNormForward(KernelDType dtype, long out, long mean, long rstd, long inp, long weight,
            long bias, int B, int T, int C, float eps, long stream) {
        call(() -> Flan4jNative.flan4j_layernorm_forward(code(dtype), out, mean, rstd, inp, weight, bias, B, T, C, eps,
                stream));
    }

    /** dinp written (or added to when {@code accumulateDinp}); dweight += and dbias += (fp32, dbias may be 0). */
    public static void layerNormBackward(KernelDType dtype, long dinp, long dweight, long dbias, long dout, long inp,
            long weight, long mean, long rstd, int B, int T, int C, boolean accumulateDinp, long stream) {
        call(() -> Flan4jNative.flan4j_layernorm_backward(code(dtype), dinp, dweight, dbias, dout, inp, weight, mean,
                rstd, B, T, C, accumulateDinp ? 1 : 0, stream));
    }

    /** residual = x + r, out = LN(residual) (residual may alias x or r). */
    public static void residualLayerNormForward(KernelDType dtype, long residual, long out, long mean, long rstd,
            long x, long r, long weight, long bias, int B, int T, int C, float eps, long stream) {
        call(() -> Flan4jNative.flan4j_residual_layernorm_forward(code(dtype), residual, out, mean, rstd, x, r, weight,
                bias, B, T, C, eps, stream));
    }

    /** out = inp * rstd * weight; rstd [B*T] fp32 may be 0. */
    public static void rmsNormForward(KernelDType dtype, long out, long rstd, long inp, long weight, int B, int T,
            int C, float eps, long stream) {
        call(() -> Flan4jNative.flan4j_rmsnorm_forward(code(dtype), out, rstd, inp, weight, B, T, C, eps, stream));
    }

    /** RMSNorm backward: dinp written (or added to), dweight += (fp32). */
    public static void rmsNormBackward(KernelDType dtype, long dinp, long dweight, long dout, long inp, long weight,
            long rstd, int B, int T, int C, boolean accumulateDinp, long stream) {
        call(() -> Flan4jNative.flan4j_rmsnorm_backward(code(dtype), dinp, dweight, dout, inp, weight, rstd, B, T, C,
                accumulateDinp ? 1 : 0, stream));
    }

    // ------------------------------------------------------------------ RoPE, SwiGLU (Llama family)

    /**
     * RoPE in place on x [N, rowWidth] (rotate-half layout): nHeads heads of headDim from column 0, row i turned by
     * position positions[i] (device int[N]) with the fp32 tables cos, sin [tMax, headDim/2].
     */
    public static void ropeForward(KernelDType dtype, long x, long cos, long sin, long positions, int N, int rowWidth,
            int nHeads, int headDim, int tMax, long stream) {
        call(() -> Flan4jNative.flan4j_rope_forward(code(dtype), x, cos, sin, positions, N, rowWidth, nHeads, headDim,
                tMax, stream));
    }

    /** Backward of {@link #ropeForward} in place on dx (the rotation by minus the angle). */
    public static void ropeBackward(KernelDType dtype, long dx, long cos, long sin, long positions, int N,
            int rowWidth, int nHeads, int headDim, int tMax, long stream) {
        call(() -> Flan4jNative.flan4j_rope_backward(code(dtype), dx, cos, sin, positions, N, rowWidth, nHeads,
                headDim, tMax, stream));
    }

    /** out [N, I] = silu(gate) * up for inp [N, 2I] (each row the gate, then the up projection). */
    public static void swigluForward(KernelDType dtype, long out, long inp, int N, int I, long stream) {
        call(() -> Flan4jNative.flan4j_swiglu_forward(code(dtype), out, inp, N, I, stream));
    }

    /** dinp [N, 2I] written (overwritten) from dout [N, I] and the forward's inp. */
    public static void swigluBackward(KernelDType dtype, long dinp, long dout, long inp, int N, int I, long stream) {
        call(() -> Flan4jNative.flan4j_swiglu_backward(code(dtype), dinp, dout, inp, N, I, stream));
    }

    // ------------------------------------------------------------------ cross-entropy

    /**
     * Fused softmax cross-entropy over B*T rows of logits [B*T, Vp] (V real classes): per-token losses, optionally
     * reduced[0..1] = (reduced loss, count), and with {@code computeGrad} the logits overwritten by their gradient.
     */
    public static void crossEntropy(KernelDType dtype, long logits, long losses, long reduced, long targets, int B,
            int T, int V, int Vp, int ignoreIndex, Reduction reduction, float labelSmoothing, float zLoss,
            float gradScale, boolean computeGrad, long stream) {
        call(() -> Flan4jNative.flan4j_cross_entropy(code(dtype), logits, losses, reduced, targets, B, T, V, Vp,
                ignoreIndex, code(reduction), labelSmoothing, zLoss, gradScale, computeGrad ? 1 : 0, stream));
    }

    // ------------------------------------------------------------------ fused attention

    /** Fused attention forward: writes o and lse. */
    public static void attentionForward(AttentionArgs args, long stream) {
        requireLoaded();
        try (Flan4jNative.AttentionParams p = args == null ? null : args.toNative()) {
            check(Flan4jNative.flan4j_attention_forward(p, stream));
        }
    }

    /** Fused attention backward: writes dq (fp32, zeroed then accumulated), dk, dv and delta. */
    public static void attentionBackward(AttentionArgs args, long stream) {
        requireLoaded();
        try (Flan4jNative.AttentionParams p = args == null ? null : args.toNative()) {
            check(Flan4jNative.flan4j_attention_backward(p, stream));
        }
    }

    // ------------------------------------------------------------------ attention for any head dim, decode, helpers

    /** Head dims the simple kernels accept (FLAN4J_ATTENTION_GENERIC_MAX_HD); the fused kernels take 32, 64, 128. */
    public static final int GENERIC_MAX_HEAD_DIM = 256;

    /** Causal attention for any head dim over a packed qkv [N, 3C] (fp32); docBounds is a device int[2N]. */
    public static void attentionGenericForward(long qkv, long out, long lse, long docBounds, int N, int NH, int HD,
            float scale, long stream) {
        call(() -> Flan4jNative.flan4j_attention_generic_forward(qkv, out, lse, docBounds, N, NH, HD, scale, stream));
    }

    /** Backward of {@link #attentionGenericForward}: writes dqkv [N, 3C]; delta [N, NH] fp32 is a workspace. */
    public static void attentionGenericBackward(long dqkv, long delta, long dout, long qkv, long out, long lse,
            long docBounds, int N, int NH, int HD, float scale, long stream) {
        call(() -> Flan4jNative.flan4j_attention_generic_backward(dqkv, delta, dout, qkv, out, lse, docBounds, N, NH,
                HD, scale, stream));
    }

    /** KV-cache decode (fp32): appends n new k, v at rows [start, start+n) of the caches, then attends; out [n, C]. */
    public static void attentionDecode(long out, long qkvNew, long kCache, long vCache, int start, int n, int tMax,
            int NH, int HD, float scale, long stream) {
        call(() -> Flan4jNative.flan4j_attention_decode(out, qkvNew, kCache, vCache, start, n, tMax, NH, HD, scale,
                stream));
    }

    /** x[i] = value over N fp32 elements. */
    public static void fill(long x, float value, long N, long stream) {
        call(() -> Flan4jNative.flan4j_fill(x, value, N, stream));
    }

    /** dst [cols, rows] = src [rows, cols] transposed (fp32; no aliasing). */
    public static void transpose(long dst, long src, int rows, int cols, long stream) {
        call(() -> Flan4jNative.flan4j_transpose(dst, src, rows, cols, stream));
    }

    // ------------------------------------------------------------------ small ops

    /** out = gelu_tanh(inp) over N elements (out may alias inp). */
    public static void geluForward(KernelDType dtype, long out, long inp, long N, long stream) {
        call(() -> Flan4jNative.flan4j_gelu_forward(code(dtype), out, inp, N, stream));
    }

    /** dinp = dout * gelu'(inp) (dinp may alias dout). */
    public static void geluBackward(KernelDType dtype, long dinp, long inp, long dout, long N, long stream) {
        call(() -> Flan4jNative.flan4j_gelu_backward(code(dtype), dinp, inp, dout, N, stream));
    }

    /** out[b,t] = wte[tokens[b,t]] + wpe[pos] (positions and wpe may be 0). */
    public static void embeddingForward(KernelDType dtype, long out, long tokens, long positions, long wte, long wpe,
            int B, int T, int C, int V, int maxT, long stream) {
        call(() -> Flan4jNative.flan4j_embedding_forward(code(dtype), out, tokens, positions, wte, wpe, B, T, C, V,
                maxT, stream));
    }

    /** dwte += scatter(dout), dwpe += scatter(dout) (fp32; either may be 0). */
    public static void embeddingBackward(KernelDType dtype, long dwte, long dwpe, long dout, long tokens,
            long positions, int B, int T, int C, int V, int maxT, long stream) {
        call(() -> Flan4jNative.flan4j_embedding_backward(code(dtype), dwte, dwpe, dout, tokens, positions, B, T, C, V,
                maxT, stream));
    }

    /** out = a + b over N elements. */
    public static void add(KernelDType dtype, long out, long a, long b, long N, long stream) {
        call(() -> Flan4jNative.flan4j_add(code(dtype), out, a, b, N, stream));
    }

    /** x *= alpha. */
    public static void scale(KernelDType dtype, long x, float alpha, long N, long stream) {
        call(() -> Flan4jNative.flan4j_scale(code(dtype), x, alpha, N, stream));
    }

    /** out[n, o] += bias[o] (out [N, OC] dtype, bias fp32). */
    public static void biasAdd(KernelDType dtype, long out, long bias, long N, int OC, long stream) {
        call(() -> Flan4jNative.flan4j_bias_add(code(dtype), out, bias, N, OC, stream));
    }

    /** dbias[o] += sum_n dout[n, o] (dbias fp32). */
    public static void biasBackward(KernelDType dtype, long dbias, long dout, long N, int OC, long stream) {
        call(() -> Flan4jNative.flan4j_bias_backward(code(dtype), dbias, dout, N, OC, stream));
    }

    /** dst = (dstType) src over N elements. */
    public static void cast(KernelDType dstType, long dst, KernelDType srcType, long src, long N, long stream) {
        call(() -> Flan4jNative.flan4j_cast(code(dstType), dst, code(srcType), src, N, stream));
    }

    /** out[0] += sum(x^2) (out fp32 device scalar). */
    public static void sumSquares(KernelDType dtype, long out, long x, long N, long stream) {
        call(() -> Flan4jNative.flan4j_sum_squares(code(dtype), out, x, N, stream));
    }

    /** Floats of device memory the workspace of {@link #reduceSum} must hold ({@code FLAN4J_REDUCE_WORKSPACE_FLOATS}). */
    public static final int REDUCE_WORKSPACE_FLOATS = 1024;

    /**
     * out[0] += sum(x), or sum(x^2) when {@code square}; deterministic (fixed-order block partials in
     * {@code workspace}, then one block), fp32 accumulation; out an fp32 device scalar.
     */
    public static void reduceSum(KernelDType dtype, long out, long workspace, long x, long N, boolean square,
            long stream) {
        call(() -> Flan4jNative.flan4j_reduce_sum(code(dtype), out, workspace, x, N, square ? 1 : 0, stream));
    }

    /** factor[0] = the clip factor of the global norm sqrt(normSq[0]) for maxNorm (fp32 device scalars). */
    public static void clipFactor(long factor, long normSq, double maxNorm, long stream) {
        call(() -> Flan4jNative.flan4j_clip_factor(factor, normSq, maxNorm, stream));
    }

    /** x *= factor[0] (an fp32 device scalar outside x). */
    public static void scaleBy(KernelDType dtype, long x, long factor, long N, long stream) {
        call(() -> Flan4jNative.flan4j_scale_by(code(dtype), x, factor, N, stream));
    }

    /** One AdamW step on fp32 param/grad/m/v of N elements (step is 1-based). */
    public static void adamw(long param, long grad, long m, long v, long N, float lr, float beta1, float beta2,
            float eps, float weightDecay, int step, float gradScale, long stream) {
        call(() -> Flan4jNative.flan4j_adamw(param, grad, m, v, N, lr, beta1, beta2, eps, weightDecay, step, gradScale,
                stream));
    }

    /**
     * One Adafactor step on an fp32 parameter of rows * cols elements: factored over {@code row} [rows] and
     * {@code col} [cols] when {@code v} is 0, else with the full second moment {@code v} (row = col = 0); the scalars
     * it needs stay in {@code workspace} ({@link #adafactorWorkspace} floats). Deterministic, nothing read back.
     */
    public static void adafactor(long param, long grad, long row, long col, long v, int rows, int cols, float lr,
            float decay, float weightDecay, float clip, float eps1, long workspace, long stream) {
        call(() -> Flan4jNative.flan4j_adafactor(param, grad, row, col, v, rows, cols, lr, decay, weightDecay, clip,
                eps1, workspace, stream));
    }

    /** Floats of workspace {@link #adafactor} needs for a [rows, cols] parameter, factored or full. */
    public static long adafactorWorkspace(int rows, int cols, boolean factored) {
        long[] n = new long[1];
        call(() -> Flan4jNative.flan4j_adafactor_workspace(rows, cols, factored ? 1 : 0, n));
        return n[0];
    }

    // ------------------------------------------------------------------ GEMM

    /** Flag for {@link #gemm}: fp32 GEMMs may use TF32 tensor cores. */
    public static final int GEMM_ALLOW_TF32 = 1;

    /** Row-major batched GEMM through cuBLAS (loaded at run time): C_i[M,N] = alpha op(A_i) op(B_i) + beta C_i. */
    public static void gemm(KernelDType dtypeAB, KernelDType dtypeC, boolean transA, boolean transB, int M, int N,
            int K, float alpha, long A, int lda, long strideA, long B, int ldb, long strideB, float beta, long C,
            int ldc, long strideC, int batch, int flags, long stream) {
        call(() -> Flan4jNative.flan4j_gemm(code(dtypeAB), code(dtypeC), transA ? 1 : 0, transB ? 1 : 0, M, N, K,
                alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch, flags, stream));
    }

    /** Loads cuBLAS if not yet loaded; returns its file name, or throws {@link KernelException} (LIBRARY_NOT_FOUND). */
    public static String loadBlas() {
        call(Flan4jNative::flan4j_blas_load);
        return Flan4jNative.flan4j_blas_library();
    }

    /** Releases this thread's native resources (cuBLAS handles); optional, for worker threads that end. */
    public static void releaseThreadResources() {
        if (isLoaded()) {
            check(Flan4jNative.flan4j_release_thread_resources());
        }
    }
}
