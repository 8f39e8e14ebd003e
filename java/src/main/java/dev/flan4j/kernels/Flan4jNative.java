package dev.flan4j.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Raw JavaCPP binding to {@code native/include/flan4j/flan4j.h} (libflan4j.so).
 *
 * <p>Device pointers are raw addresses passed as {@code long} (e.g. a JCuda allocation's
 * native pointer plus byte offset); 0 means NULL. A stream is a raw {@code cudaStream_t}/CUstream
 * handle as {@code long}; 0 is the legacy default stream. Every function returns a status
 * (0 = ok); on error {@link #flan4j_last_error()} (same thread) gives the message.
 *
 * <p>Do not use this class directly: go through {@link Kernels}, which loads the library once,
 * records whether it loaded, validates arguments and turns statuses into {@link KernelException}.
 * The static initializer throws {@link UnsatisfiedLinkError} on the first use when the native
 * library is missing (a CPU-only build) and {@link NoClassDefFoundError} afterwards.
 */
@Platform(include = "flan4j/flan4j.h", link = "flan4j")
public final class Flan4jNative {
    static {
        Loader.load();
    }

    private Flan4jNative() {}

    // ------------------------------------------------------------------ general

    public static native @Cast("const char*") String flan4j_last_error();

    public static native int flan4j_version(int[] major, int[] minor, int[] patch);

    public static native @Cast("const char*") String flan4j_build_info();

    public static native int flan4j_device_count(int[] n);

    // ------------------------------------------------------------------ layer norm

    public static native int flan4j_layernorm_forward(int dtype, @Cast("void*") long out,
            @Cast("float*") long mean, @Cast("float*") long rstd, @Cast("const void*") long inp,
            @Cast("const float*") long weight, @Cast("const float*") long bias,
            int B, int T, int C, float eps, @Cast("void*") long stream);

    public static native int flan4j_layernorm_backward(int dtype, @Cast("void*") long dinp,
            @Cast("float*") long dweight, @Cast("float*") long dbias, @Cast("const void*") long dout,
            @Cast("const void*") long inp, @Cast("const float*") long weight,
            @Cast("const float*") long mean, @Cast("const float*") long rstd,
            int B, int T, int C, int accumulate_dinp, @Cast("void*") long stream);
}
