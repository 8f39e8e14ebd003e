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
}
