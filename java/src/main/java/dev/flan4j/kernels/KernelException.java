package dev.flan4j.kernels;

/**
 * A nonzero status from the flan4j native library, carrying {@code flan4j_last_error()}'s message
 * (which names the function, the bad argument and its value, or the CUDA error).
 */
public class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public KernelException(int code, String message) {
        super(message);
        this.code = code;
    }

    public KernelException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The raw status code returned by the C function. */
    public int code() {
        return code;
    }

    /** The status as an enum ({@link KernelStatus#UNKNOWN} for codes this binding does not know). */
    public KernelStatus status() {
        return KernelStatus.of(code);
    }

    /** True when the failure means "no CUDA driver or device" (CUDA errors 35 or 100). */
    public boolean isNoDevice() {
        return code == KernelStatus.NO_DEVICE.code();
    }
}
