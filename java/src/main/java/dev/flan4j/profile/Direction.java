package dev.flan4j.profile;

/** Which pass of an op is timed. {@link #FWD_BWD} is one fused pass (cross-entropy) or a whole training step. */
public enum Direction {
    FWD("fwd"), BWD("bwd"), FWD_BWD("fwd+bwd");

    private final String label;

    Direction(String label) { this.label = label; }

    public String label() { return label; }

    /** Parses fwd | bwd | fwd+bwd (case-insensitive); the error names the value. */
    public static Direction parse(String s) {
        String v = s == null ? "" : s.trim();
        for (Direction d : values()) if (d.label.equalsIgnoreCase(v)) return d;
        throw new IllegalArgumentException("unknown direction '" + s + "'; use fwd, bwd or fwd+bwd");
    }

    @Override public String toString() { return label; }
}
