package dev.flan4j.profile;

import java.util.Arrays;

/** Summary of run times: median (mean of the middle two for even counts), min, and p90 by nearest rank. */
public record Stats(double median, double min, double p90, int runs) {

    public static Stats of(double[] samples) {
        if (samples == null || samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        int rank = (int) Math.ceil(0.9 * n);
        return new Stats(median, s[0], s[Math.max(rank, 1) - 1], n);
    }
}
