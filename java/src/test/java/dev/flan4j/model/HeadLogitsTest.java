package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flan4j.backend.CpuBackend;
import org.junit.jupiter.api.Test;

class HeadLogitsTest {
    @Test
    void growsForUnfusedPassesAndShrinksToTheChunkOfAFusedOne() {
        try (CpuBackend be = new CpuBackend(); HeadLogits h = new HeadLogits(be, 64)) {
            h.setting(FusedHead.chunk(10));
            assertEquals(0, h.begin(100, false));      // an evaluation forward: unfused
            h.rows(100);
            assertEquals(100 * 64, h.capacity());
            assertEquals(0, h.begin(50, false));
            h.rows(50);
            assertEquals(100 * 64, h.capacity(), "unfused passes keep the grown buffer");
            assertEquals(10, h.begin(100, true));      // training: fused in chunks of 10 rows
            assertEquals(10 * 64, h.rows(10).size());
            assertEquals(10 * 64, h.capacity(), "a fused pass frees the unfused pass's buffer");
            h.rows(6);                                 // the last, shorter chunk keeps it (within 2x)
            assertEquals(10 * 64, h.capacity());
            assertThrows(IllegalStateException.class, () -> h.last(100));
            assertEquals(0, h.begin(30, false));
            assertEquals(30 * 64, h.rows(30).size());
            assertEquals(30 * 64, h.capacity());
        }
    }
}
