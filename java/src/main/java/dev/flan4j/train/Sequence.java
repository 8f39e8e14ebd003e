package dev.flan4j.train;

/**
 * One training document: tokens, and the first index whose token is a target. The loss is taken on predicting
 * {@code tokens[j]} for every {@code j >= lossStart}: 1 for plain language modelling, the index of the first
 * target token for instruction tuning with loss on targets only.
 */
public record Sequence(int[] tokens, int lossStart) {
    public Sequence {
        if (tokens == null || tokens.length < 2) {
            throw new IllegalArgumentException("a sequence needs at least 2 tokens, got "
                    + (tokens == null ? "null" : tokens.length));
        }
        if (lossStart < 1 || lossStart >= tokens.length + 1) {
            throw new IllegalArgumentException("lossStart must be in [1, " + tokens.length + "], got " + lossStart);
        }
    }
}
