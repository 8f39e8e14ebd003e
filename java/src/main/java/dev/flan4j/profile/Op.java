package dev.flan4j.profile;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The ops {@code flan4j profile} knows, with the pass they default to and whether FLOPs or bytes bound them. */
public enum Op {
    MATMUL("matmul", Bound.COMPUTE, Direction.FWD, EnumSet.of(Direction.FWD, Direction.BWD)),
    LAYERNORM("layernorm", Bound.MEMORY, Direction.FWD, EnumSet.of(Direction.FWD, Direction.BWD)),
    ATTENTION("attention", Bound.COMPUTE, Direction.FWD, EnumSet.of(Direction.FWD, Direction.BWD)),
    /** Loss and gradient in one pass (the gradient overwrites the logits); fwd alone computes only the loss. */
    CROSS_ENTROPY("cross_entropy", Bound.MEMORY, Direction.FWD_BWD, EnumSet.of(Direction.FWD, Direction.FWD_BWD)),
    GELU("gelu", Bound.MEMORY, Direction.FWD, EnumSet.of(Direction.FWD, Direction.BWD)),
    /** One optimizer update; it has a single direction, reported as fwd. */
    ADAMW("adamw", Bound.MEMORY, Direction.FWD, EnumSet.of(Direction.FWD)),
    /** Model forward + backward (fwd: forward only). */
    STEP("step", Bound.COMPUTE, Direction.FWD_BWD, EnumSet.of(Direction.FWD, Direction.FWD_BWD));

    /** Whether the roofline limit that matters is arithmetic or memory traffic. */
    public enum Bound { COMPUTE, MEMORY }

    private final String cliName;
    private final Bound bound;
    private final Direction defaultDirection;
    private final Set<Direction> directions;

    Op(String cliName, Bound bound, Direction defaultDirection, Set<Direction> directions) {
        this.cliName = cliName;
        this.bound = bound;
        this.defaultDirection = defaultDirection;
        this.directions = directions;
    }

    public String cliName() { return cliName; }
    public Bound bound() { return bound; }
    public Direction defaultDirection() { return defaultDirection; }
    public Set<Direction> directions() { return directions; }

    /**
     * The direction to run for a requested one (null: the default). For the fused ops (cross_entropy, step)
     * "bwd" means the fused fwd+bwd pass, since the backward never runs alone.
     */
    public Direction resolve(Direction requested) {
        if (requested == null) return defaultDirection;
        if (requested == Direction.BWD && directions.contains(Direction.FWD_BWD)) return Direction.FWD_BWD;
        if (!directions.contains(requested)) {
            throw new IllegalArgumentException("op " + cliName + " has no direction '" + requested + "'; use one of "
                    + directions.stream().map(Direction::label).toList());
        }
        return requested;
    }

    /** All CLI names, for help and errors. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Op::cliName).toList());
    }

    /** Parses a CLI name (case-insensitive; '-' accepted for '_'); the error names the value and lists the ops. */
    public static Op parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Op o : values()) if (o.cliName.equals(v)) return o;
        throw new IllegalArgumentException("unknown op '" + s + "'; ops: " + names() + ", suite");
    }

    @Override public String toString() { return cliName; }
}
