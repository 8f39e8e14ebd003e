package dev.flan4j.kernels;

/** Status codes of the flan4j C API ({@code flan4j_status} in flan4j.h). */
public enum KernelStatus {
    OK(0),
    INVALID_ARGUMENT(1),
    NO_DEVICE(2),
    CUDA(3),
    UNSUPPORTED(4),
    LIBRARY_NOT_FOUND(5),
    CUBLAS(6),
    /** A code this version of the Java binding does not know. */
    UNKNOWN(-1);

    private final int code;

    KernelStatus(int code) {
        this.code = code;
    }

    /** The numeric code returned by the C API. */
    public int code() {
        return code;
    }

    /** The status for a numeric code; {@link #UNKNOWN} for codes not listed here. */
    public static KernelStatus of(int code) {
        for (KernelStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
