package dev.flan4j.profile;

import dev.flan4j.kernels.KernelDType;

/**
 * One thing to time: an op, its pass, dtype and sizes. {@code label} names it in reports (the op name, or e.g.
 * "matmul.qkv" in suite mode); a null direction means the op's default.
 */
public record OpSpec(String label, Op op, Direction direction, KernelDType dtype, Shape shape) {
    public OpSpec {
        if (op == null || dtype == null || shape == null) {
            throw new IllegalArgumentException("op, dtype and shape are required");
        }
        direction = op.resolve(direction);
        if (label == null || label.isBlank()) label = op.cliName();
    }

    public OpSpec(Op op, Direction direction, KernelDType dtype, Shape shape) {
        this(op.cliName(), op, direction, dtype, shape);
    }

    /** The op's FLOPs for this pass and shape, or null where undefined. */
    public Double flops() { return op.flops(shape, direction, dtype); }

    /** The bytes this pass moves, or null where undefined. */
    public Long bytes() { return op.bytes(shape, direction, dtype); }

    /** The sizes that matter for the op, as "k=v,k=v". */
    public String describe() { return op.describe(shape); }
}
