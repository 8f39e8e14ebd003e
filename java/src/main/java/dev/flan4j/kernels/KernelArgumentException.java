package dev.flan4j.kernels;

/**
 * A call of the flan4j native library was rejected with {@code FLAN4J_ERR_INVALID_ARGUMENT}: the message is
 * {@code flan4j_last_error()}, which names the C function, the argument and its value. The native entry points are
 * the only place where kernel arguments are checked.
 */
public class KernelArgumentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public KernelArgumentException(String message) {
        super(message);
    }

    /** Always {@link KernelStatus#INVALID_ARGUMENT}. */
    public KernelStatus status() {
        return KernelStatus.INVALID_ARGUMENT;
    }

    /** The raw status code (1). */
    public int code() {
        return KernelStatus.INVALID_ARGUMENT.code();
    }
}
