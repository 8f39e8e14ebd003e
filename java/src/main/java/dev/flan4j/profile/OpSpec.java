package dev.flan4j.profile;

/**
 * One thing to time: an op, its pass, dtype and sizes. {@code label} names it in reports (the op name, or e.g.
 * "matmul.qkv" in suite mode); a null direction means the op's default.
 */
public record OpSpec(String label, Op op, Direction direction, Dtype dtype, Shape shape) {
    public OpSpec {
        if (op == null || dtype == null || shape == null) {
            throw new IllegalArgumentException("op, dtype and shape are required");
        }
        direction = op.resolve(direction);
        if (label == null || label.isBlank()) label = op.cliName();
    }

    public OpSpec(Op op, Direction direction, Dtype dtype, Shape shape) {
        this(op.cliName(), op, direction, dtype, shape);
    }
}
