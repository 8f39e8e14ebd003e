package dev.flan4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many prompts (or training sequences) of each dataset had to be cut to fit the model's block, and how many
 * tokens were dropped. Training sources and the evaluator keep one each, so every run can report its truncation rate
 * per dataset. Not thread-safe.
 */
public final class Truncation {
    /**
     * One dataset's counts.
     *
     * @param total         prompts or sequences seen
     * @param truncated     how many of them were cut
     * @param tokensDropped tokens removed in all
     */
    public record Rate(long total, long truncated, long tokensDropped) {
        /** The fraction cut, 0 when none was seen. */
        public double rate() { return total == 0 ? 0 : (double) truncated / total; }

        Rate plus(Rate o) { return new Rate(total + o.total, truncated + o.truncated, tokensDropped + o.tokensDropped); }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f%% (%d of %d, %d tokens dropped)", 100 * rate(), truncated, total, tokensDropped);
        }
    }

    private final Map<String, Rate> byDataset = new LinkedHashMap<>();

    /** Counts one prompt or sequence of {@code dataset} from which {@code dropped} tokens were cut (0: it fit). */
    public void record(String dataset, int dropped) {
        if (dropped < 0) throw new IllegalArgumentException("dropped must be >= 0, got " + dropped);
        byDataset.merge(dataset, new Rate(1, dropped > 0 ? 1 : 0, dropped), Rate::plus);
    }

    /** Adds another tally's counts to this one. */
    public void addAll(Truncation other) {
        other.byDataset.forEach((d, r) -> byDataset.merge(d, r, Rate::plus));
    }

    /** Counts per dataset, in order of first appearance. */
    public Map<String, Rate> rates() { return Collections.unmodifiableMap(byDataset); }

    /** All datasets together. */
    public Rate overall() {
        return byDataset.values().stream().reduce(new Rate(0, 0, 0), Rate::plus);
    }

    /** One line per dataset, e.g. {@code story_continuation: 12.0% (48 of 400, 961 tokens dropped)}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        byDataset.forEach((d, r) -> sb.append(d).append(": ").append(r).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() { return "Truncation" + byDataset; }
}
