package dev.flan4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-worked cases of the confidence intervals and the majority baseline. */
class StatsTest {
    @Test
    void wilsonMatchesHandWorkedIntervals() {
        // 50/100: center 0.5, half-width 1.96/1.0384 * sqrt(0.0025 + 0.000096) = 0.0962.
        Stats.Interval i = Stats.wilson(50, 100, Stats.Z95);
        assertEquals(0.4038, i.low(), 1e-4);
        assertEquals(0.5962, i.high(), 1e-4);
        // 0/10: center = half = (1.92/10) / 1.384 = 0.1388 -> [0, 0.2775]; 10/10 mirrors it.
        assertEquals(0.0, Stats.wilson(0, 10, Stats.Z95).low(), 1e-12);
        assertEquals(0.2775, Stats.wilson(0, 10, Stats.Z95).high(), 1e-4);
        assertEquals(0.7225, Stats.wilson(10, 10, Stats.Z95).low(), 1e-4);
        assertEquals(1.0, Stats.wilson(10, 10, Stats.Z95).high(), 1e-12);
        // 78/100, pulled towards 1/2: center (0.78 + 0.0192) / 1.0384 = 0.7696, half 1.8875 * 0.04257 = 0.0803.
        assertEquals(0.6893, Stats.wilson95(0.78, 100).low(), 1e-4);
        assertEquals(0.8500, Stats.wilson95(0.78, 100).high(), 1e-4);
        // More examples, narrower: 500/1000 -> [0.4691, 0.5309].
        assertEquals(0.4691, Stats.wilson95(0.5, 1000).low(), 1e-4);
        assertTrue(Stats.wilson95(0.5, 100).scaled(100).contains(50));
    }

    @Test
    void wilsonRejectsBadArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stats.wilson(3, 0, Stats.Z95));
        assertTrue(e.getMessage().contains("n must be > 0, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Stats.wilson(11, 10, Stats.Z95));
        assertTrue(e.getMessage().contains("correct must be in [0, 10], got 11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Stats.wilson95(1.5, 10));
        assertTrue(e.getMessage().contains("accuracy must be in [0, 1], got 1.5"), e.getMessage());
    }

    @Test
    void majorityIsTheMostFrequentLabelsShare() {
        assertEquals(2.0 / 3, Stats.majorityShare(List.of("yes", "no", "yes")), 1e-12);
        assertEquals(0.5, Stats.majorityShare(List.of(0, 1)), 1e-12);
        assertEquals(1.0, Stats.majorityShare(List.of("a")), 1e-12);
        assertEquals(0.4, Stats.majorityShare(List.of("a", "b", "b", "c", "c")), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Stats.majorityShare(List.of()));
    }

    @Test
    void tIntervalOfAMeanUsesStudentsQuantile() {
        // {1, 2, 3}: mean 2, s = 1, t(0.975, 2) = 4.303 -> 2 +- 4.303 / sqrt(3) = [-0.4843, 4.4843].
        Stats.Interval i = Stats.tMean95(new double[]{1, 2, 3});
        assertEquals(-0.4843, i.low(), 1e-4);
        assertEquals(4.4843, i.high(), 1e-4);
        assertEquals(2.042, Stats.t975(30), 1e-12);
        assertEquals(1.984, Stats.t975(100), 2e-3);   // table value 1.984
        assertThrows(IllegalArgumentException.class, () -> Stats.tMean95(new double[]{1}));
    }

    @Test
    void bootstrapOfAMeanIsDeterministicAndNearTheAnalyticInterval() {
        List<Integer> coin = new ArrayList<>();
        for (int i = 0; i < 400; i++) coin.add(i % 2);
        Stats.Interval b = Stats.bootstrap95(coin, s -> s.stream().mapToInt(Integer::intValue).average().orElse(0), 2000, 7);
        assertEquals(b, Stats.bootstrap95(coin, s -> s.stream().mapToInt(Integer::intValue).average().orElse(0), 2000, 7));
        Stats.Interval w = Stats.wilson95(0.5, 400);   // [0.4512, 0.5488]
        assertEquals(w.low(), b.low(), 0.01);
        assertEquals(w.high(), b.high(), 0.01);
        assertEquals(3.0, Stats.percentile(new double[]{1, 2, 3, 4, 5}, 0.5), 1e-12);
        assertEquals(1.5, Stats.percentile(new double[]{1, 2}, 0.5), 1e-12);
    }
    @Test
    void weightedAccuraciesIntervalMatchesTheHandWorkedNormalApproximation() {
        // two datasets averaged (w = 1/2): 60% of 96 each; q = (57.6 + 2) / 100 = 0.596,
        // var = 2 * 0.25 * 0.596 * 0.404 / 96, half = 1.96 * sqrt(var) = 0.069408
        Stats.Interval i = Stats.weightedAccuracies95(new double[]{0.5, 0.5}, new double[]{0.6, 0.6}, new int[]{96, 96});
        assertEquals(0.530592, i.low(), 1e-6);
        assertEquals(0.669408, i.high(), 1e-6);
        // 0% of 46 and 100% of 96: the adjustment keeps a width although each p(1-p) is 0
        Stats.Interval e = Stats.weightedAccuracies95(new double[]{0.5, 0.5}, new double[]{0, 1}, new int[]{46, 96});
        assertEquals(0.468412, e.low(), 1e-6);
        assertEquals(0.531588, e.high(), 1e-6);
        // one accuracy of weight 1: its Wilson interval
        assertEquals(Stats.wilson95(0.78, 100), Stats.weightedAccuracies95(new double[]{1}, new double[]{0.78}, new int[]{100}));
        // clamped to [0, sum of weights]
        assertEquals(0.0, Stats.weightedAccuracies95(new double[]{0.5, 0.5}, new double[]{0, 0}, new int[]{5, 5}).low());
        assertThrows(IllegalArgumentException.class, () -> Stats.weightedAccuracies95(new double[]{1}, new double[]{0.5, 0.5}, new int[]{3, 3}));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Stats.weightedAccuracies95(new double[]{0.5, 0.5}, new double[]{0.5, 0.5}, new int[]{3, 0}));
        assertTrue(bad.getMessage().contains("n[1]"), bad.getMessage());
    }
}
