package dev.flan4j.profile;

import java.util.Arrays;
import java.util.Locale;

/** Activation dtype of a profiled op; {@link #bytes} is the element width used by the byte formulas. */
public enum Dtype {
    FP32("fp32", 4), BF16("bf16", 2);

    private final String label;
    private final int bytes;

    Dtype(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    public String label() { return label; }

    /** Bytes per element. */
    public int bytes() { return bytes; }

    /** Parses "fp32" / "bf16" (case-insensitive); the error names the value. */
    public static Dtype parse(String s) {
        for (Dtype d : values()) if (d.label.equalsIgnoreCase(s == null ? "" : s.trim())) return d;
        throw new IllegalArgumentException("unknown dtype '" + s + "'; use one of "
                + Arrays.stream(values()).map(Dtype::label).toList());
    }

    @Override public String toString() { return label; }

    static String lower(String s) { return s.toLowerCase(Locale.ROOT); }
}
