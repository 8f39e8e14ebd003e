package dev.flan4j.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * The statistics results tables carry: a 95% confidence interval for an accuracy (Wilson score interval), a
 * percentile-bootstrap interval for any statistic of a sample (e.g. a mean over seeds), the Student-t interval of a
 * mean, and the majority-class baseline of a set of labels. Accuracies are fractions in [0, 1] here.
 */
public final class Stats {
    /** The normal quantile of a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    private Stats() {}

    /** A closed interval [low, high]. */
    public record Interval(double low, double high) {
        public boolean contains(double v) { return v >= low && v <= high; }

        /** Both ends times {@code k} (fractions to percents). */
        public Interval scaled(double k) { return new Interval(low * k, high * k); }
    }

    /**
     * The Wilson score interval of {@code correct} successes in {@code n} trials (Wilson 1927), at normal quantile
     * {@code z}. Unlike the normal approximation it stays within [0, 1] and is not empty at 0 or n successes.
     */
    public static Interval wilson(double correct, int n, double z) {
        if (n <= 0) throw new IllegalArgumentException("n must be > 0, got " + n);
        if (!(correct >= 0 && correct <= n)) throw new IllegalArgumentException("correct must be in [0, " + n + "], got " + correct);
        if (!(z > 0)) throw new IllegalArgumentException("z must be > 0, got " + z);
        double p = correct / n, z2 = z * z, denom = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denom;
        double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Interval(Math.max(0, center - half), Math.min(1, center + half));
    }

    /** The 95% Wilson interval of an accuracy {@code p} (a fraction) measured on {@code n} examples. */
    public static Interval wilson95(double p, int n) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("accuracy must be in [0, 1], got " + p);
        return wilson(p * n, n, Z95);
    }

    /**
     * The 95% interval of a weighted sum {@code sum_i w[i] * p[i]} of independent accuracies {@code p[i]} (fractions)
     * measured on {@code n[i]} examples: an average over datasets (w = 1/D) or over clusters of dataset averages.
     * With one accuracy of weight 1 it is that accuracy's Wilson interval; otherwise the normal approximation with
     * variance {@code sum_i w[i]^2 * q[i] (1 - q[i]) / n[i]}, where {@code q[i] = (p[i] n[i] + 2) / (n[i] + 4)}
     * (Agresti-Coull's adjustment, so a 0% or 100% component still has width), clamped to [0, sum w].
     */
    public static Interval weightedAccuracies95(double[] w, double[] p, int[] n) {
        if (w.length != p.length || p.length != n.length || p.length == 0) {
            throw new IllegalArgumentException("w, p and n must have the same non-zero length, got " + w.length + ", "
                    + p.length + ", " + n.length);
        }
        if (p.length == 1 && w[0] == 1) return wilson95(p[0], n[0]);
        double mean = 0, var = 0, total = 0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) throw new IllegalArgumentException("p[" + i + "] must be in [0, 1], got " + p[i]);
            if (n[i] <= 0) throw new IllegalArgumentException("n[" + i + "] must be > 0, got " + n[i]);
            if (!(w[i] >= 0)) throw new IllegalArgumentException("w[" + i + "] must be >= 0, got " + w[i]);
            double q = (p[i] * n[i] + 2) / (n[i] + 4.0);
            mean += w[i] * p[i];
            var += w[i] * w[i] * q * (1 - q) / n[i];
            total += w[i];
        }
        double half = Z95 * Math.sqrt(var);
        return new Interval(Math.max(0, mean - half), Math.min(total, mean + half));
    }

    /**
     * The share of the most frequent label: the accuracy of always answering it. Ties do not matter (the share is
     * the same).
     */
    public static double majorityShare(List<?> labels) {
        if (labels == null || labels.isEmpty()) throw new IllegalArgumentException("labels must not be empty");
        Map<Object, Integer> counts = new HashMap<>();
        int best = 0;
        for (Object l : labels) best = Math.max(best, counts.merge(l, 1, Integer::sum));
        return (double) best / labels.size();
    }

    /** Arithmetic mean (NaN when empty). */
    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /**
     * The 95% Student-t interval of the mean of {@code v} (at least two values): mean +- t(0.975, n-1) * s / sqrt(n).
     * For the handful of seeds a run set has, where the normal quantile would be too narrow.
     */
    public static Interval tMean95(double[] v) {
        if (v.length < 2) throw new IllegalArgumentException("need at least 2 values for an interval, got " + v.length);
        double m = mean(v), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        double half = t975(v.length - 1) * Math.sqrt(ss / (v.length - 1) / v.length);
        return new Interval(m - half, m + half);
    }

    /** t(0.975, df): exact table to 30 degrees of freedom, then the normal quantile's Cornish-Fisher expansion. */
    static double t975(int df) {
        final double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
                2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
                2.045, 2.042};
        if (df < 1) throw new IllegalArgumentException("df must be >= 1, got " + df);
        if (df <= t.length) return t[df - 1];
        double z = Z95, z3 = z * z * z, z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }

    /**
     * The 95% percentile-bootstrap interval of {@code statistic} over {@code items}: {@code resamples} resamples
     * with replacement drawn from a generator seeded with {@code seed} (deterministic), the 2.5th and 97.5th
     * percentiles of the statistic.
     */
    public static <T> Interval bootstrap95(List<T> items, ToDoubleFunction<List<T>> statistic, int resamples, long seed) {
        if (items == null || items.isEmpty()) throw new IllegalArgumentException("items must not be empty");
        if (resamples < 100) throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
        Random rnd = new Random(seed);
        double[] stats = new double[resamples];
        Object[] sample = new Object[items.size()];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < sample.length; i++) sample[i] = items.get(rnd.nextInt(items.size()));
            @SuppressWarnings("unchecked")
            List<T> s = (List<T>) List.of(sample);
            stats[r] = statistic.applyAsDouble(s);
        }
        java.util.Arrays.sort(stats);
        return new Interval(percentile(stats, 0.025), percentile(stats, 0.975));
    }

    /** Linear-interpolated percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
