package dev.flan4j.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * Element types of flan4j: {@code flan4j_dtype} of the C API (its {@link #code()}), the width the profiler's byte
 * formulas use ({@link #bytes()}) and the name users type ({@link #label()}: fp32, bf16, fp16).
 */
public enum KernelDType {
    F32(0, 4, "fp32"),
    BF16(1, 2, "bf16"),
    F16(2, 2, "fp16");

    private final int code;
    private final int bytes;
    private final String label;

    KernelDType(int code, int bytes, String label) {
        this.code = code;
        this.bytes = bytes;
        this.label = label;
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

    /** The name users type and reports print: fp32, bf16 or fp16. */
    public String label() {
        return label;
    }

    /** Parses a label (case-insensitive); the error names the value and lists the labels. */
    public static KernelDType parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (KernelDType d : values()) if (d.label.equals(v)) return d;
        throw new IllegalArgumentException("unknown dtype '" + s + "'; use one of "
                + Arrays.stream(values()).map(KernelDType::label).toList());
    }

    @Override
    public String toString() {
        return label;
    }
}
