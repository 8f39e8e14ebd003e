package dev.flan4j.kernels;

/** Element types understood by the kernels ({@code flan4j_dtype} in flan4j.h). */
public enum KernelDType {
    F32(0, 4),
    BF16(1, 2),
    F16(2, 2);

    private final int code;
    private final int bytes;

    KernelDType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The value passed as {@code int dtype} to the C API. */
    public int code() {
        return code;
    }

    /** The code of {@code d}, or -1 for null (which the C API rejects, naming the argument). */
    public static int codeOf(KernelDType d) {
        return d == null ? -1 : d.code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
