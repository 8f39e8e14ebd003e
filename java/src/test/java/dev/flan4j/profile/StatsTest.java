package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianMinP90() {
        Stats s = Stats.of(new double[]{5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
        assertEquals(5.5, s.median());
        assertEquals(1, s.min());
        assertEquals(9, s.p90()); // nearest rank: ceil(0.9 * 10) = 9th smallest
        assertEquals(10, s.runs());
        Stats odd = Stats.of(new double[]{3, 1, 2});
        assertEquals(2, odd.median());
        assertEquals(3, odd.p90());
        assertEquals(7, Stats.of(new double[]{7}).p90());
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new double[0]));
    }
}
