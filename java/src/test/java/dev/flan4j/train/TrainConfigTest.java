package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(new TrainConfig(1000, 8, 256, 1, 1e-3, 50, Schedule.Kind.COSINE, 0.1, "adamw", 0.1, 1.0, 1234, 0, 2, TrainConfig.LossNorm.TOKEN, 10),
                TrainConfig.defaults());
    }

    @Test
    void toBuilderCopiesEveryFieldAndChangesOnlyWhatIsSet() {
        TrainConfig a = new TrainConfig(7, 3, 64, 2, 5e-4, 3, Schedule.Kind.CONSTANT, 0.2, "adafactor", 0.0, 0.5, 99, 4, 3, TrainConfig.LossNorm.SEQUENCE, 5);
        assertEquals(a, a.toBuilder().build());
        TrainConfig b = a.toBuilder().steps(8).seqLen(32).build();
        assertEquals(new TrainConfig(8, 3, 32, 2, 5e-4, 3, Schedule.Kind.CONSTANT, 0.2, "adafactor", 0.0, 0.5, 99, 4, 3, TrainConfig.LossNorm.SEQUENCE, 5), b);
        assertEquals(a, a.toBuilder().build(), "the source is unchanged");
    }

    @Test
    void badValuesNameTheFieldAndTheValue() {
        assertMessage("steps must be > 0, got 0", () -> TrainConfig.builder().steps(0).build());
        assertMessage("seqLen must be >= 2, got 1", () -> TrainConfig.builder().seqLen(1).build());
        assertMessage("lr must be > 0, got -1.0", () -> TrainConfig.builder().lr(-1).build());
        assertMessage("minLrFraction must be in [0, 1], got 2.0", () -> TrainConfig.builder().minLrFraction(2).build());
        assertMessage("unknown optimizer 'sgd'", () -> TrainConfig.builder().optimizer("sgd").build());
        assertMessage("keepCheckpoints must be > 0, got 0", () -> TrainConfig.builder().checkpoints(5, 0).build());
        assertMessage("logEvery must be >= 1, got 0", () -> TrainConfig.builder().logEvery(0).build());
        assertMessage("logEvery must be >= 1, got -3", () -> TrainConfig.builder().logEvery(-3).build());
        assertEquals("adamw", TrainConfig.builder().optimizer("AdamW").build().optimizer());
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
