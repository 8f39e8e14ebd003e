package dev.flan4j.backend;

import java.util.Locale;

/**
 * The arithmetic a backend computes in. Parameters, gradients and optimizer state are fp32 in every mode, and so is
 * every tensor except those made by {@link Backend#activations} on CUDA in bf16 mode; the mode says what the tensor
 * cores see.
 *
 * <ul>
 *   <li>{@link #FP32}: every op in fp32 (on CUDA GEMMs may still use TF32 tensor cores, a separate flag).</li>
 *   <li>{@link #BF16}: mixed precision in the manner of PyTorch's autocast: GEMMs and the fused attention take bf16
 *       inputs (a bf16 copy of the fp32 master weights, activations stored in bf16 or cast) and accumulate in fp32;
 *       layer norm, softmax statistics, cross-entropy, GELU, reductions and the optimizer compute in fp32. CUDA
 *       only.</li>
 * </ul>
 */
public enum Precision {
    FP32("fp32"),
    BF16("bf16");

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** The name users type and run.json records: fp32 or bf16. */
    public String label() {
        return label;
    }

    /** The precision named {@code s} (fp32 or bf16, case-insensitive), or an exception naming the choices. */
    public static Precision parse(String s) {
        if (s != null) {
            for (Precision p : values()) if (p.label.equalsIgnoreCase(s.trim())) return p;
        }
        throw new IllegalArgumentException("precision must be fp32 or bf16, got '" + s + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
