package dev.flan4j.train;

import java.util.Locale;

/**
 * Learning rate per step: linear warmup from 0 to {@code peak} over {@code warmup} steps, then constant or a cosine
 * decay to {@code peak * minFraction} at {@code total} steps.
 */
public record Schedule(Kind kind, double peak, int warmup, int total, double minFraction) {
    public enum Kind { COSINE, CONSTANT;
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown schedule '" + s + "'; use cosine or constant");
            }
        }
    }

    public Schedule {
        if (kind == null) throw new IllegalArgumentException("schedule kind is null");
        if (!(peak > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + peak);
        if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        if (total <= 0) throw new IllegalArgumentException("total steps must be > 0, got " + total);
        if (minFraction < 0 || minFraction > 1) throw new IllegalArgumentException("minFraction must be in [0, 1], got " + minFraction);
    }

    /** The learning rate of step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmup) return peak * (step + 1) / warmup;
        if (kind == Kind.CONSTANT) return peak;
        double progress = total <= warmup ? 1 : Math.min(1.0, (double) (step - warmup) / (total - warmup));
        double min = peak * minFraction;
        return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
    }
}
