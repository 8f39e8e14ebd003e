package dev.flan4j.experiment;

import dev.flan4j.data.Mixture;
import dev.flan4j.data.TaskType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.train.Schedule;
import dev.flan4j.train.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeTest {
    private static TrainConfig train(int steps, int rows, int len, double lr, Schedule.Kind kind, long seed, int every, int keep) {
        return new TrainConfig(steps, rows, len, 1, lr, Math.max(1, steps / 20), kind, 0.1, "adamw", 0.1, 1.0, seed, every, keep, TrainConfig.LossNorm.TOKEN, 10);
    }

    @Test
    void namedRecipesHoldTheTrainingSettingsTheyAlwaysHad() {
        Recipe m = Recipe.cpuMini();
        assertEquals(train(200, 2, 512, 3e-3, Schedule.Kind.COSINE, 5, 100, 1), m.pretrainConfig(5));
        assertEquals(train(200, 2, 512, 1e-3, Schedule.Kind.CONSTANT, 6, 100, 1), m.tuneConfig(5));
        assertEquals("1m", m.model());
        assertEquals("flan4j-base-1m", m.base(), "the shipped base");
        assertEquals(null, Recipe.gpu().base(), "the GPU preset pretrains its larger model");
        assertEquals(List.of("nli", "closed_book_qa", "commonsense"), m.heldOut());
        assertEquals(List.of(0, 1, 2), m.shots());
        assertEquals(0, m.evalExamples(), "every test example");
        assertEquals(50, m.evalDev());
        assertEquals(3, m.seeds());
        assertEquals(3, Recipe.gpu().seeds());
        assertEquals(1, Recipe.tiny().seeds());
        Recipe d = Recipe.demo();
        assertEquals(train(600, 4, 256, 3e-3, Schedule.Kind.COSINE, 1234, 150, 2), d.pretrain());
        assertEquals(train(1500, 4, 256, 1e-3, Schedule.Kind.CONSTANT, 1235, 375, 2).toBuilder()
                .lossNorm(TrainConfig.LossNorm.SEQUENCE).build(), d.tune());
        assertEquals(Mixture.Config.FLAN.withMaxExamples(500).withTurnedAround(false), d.mixture());
        assertEquals(java.util.Set.of(TaskType.CLASSIFICATION), d.tuneTasks());
        assertEquals(List.of("sentiment", "coreference"), d.tuneClusters());
        for (String r : List.of("cpu-mini", "gpu", "demo-gpu")) {
            Recipe p = Recipe.byName(r);
            assertEquals(Mixture.Config.FLAN, p.mixture(), r + " keeps FLAN's mixture");
            assertEquals(java.util.Set.of(TaskType.values()), p.tuneTasks(), r);
            assertEquals(List.of(), p.tuneClusters(), r);
            assertEquals(TrainConfig.LossNorm.TOKEN, p.tune().lossNorm(), r);
        }
        assertEquals("1m", d.model());
        assertEquals(256, d.seqLen());
        assertEquals(4, d.batchRows());
    }

    @Test
    void toBuilderRoundTripsAndChangesOneField() {
        for (Recipe r : Recipe.PRESETS.values()) assertEquals(r, r.toBuilder().build(), r.name());
        Recipe d = Recipe.demo(), other = d.toBuilder().seed(9).build();
        assertNotEquals(d, other);
        assertEquals(9, other.pretrain().seed());
        assertEquals(10, other.tune().seed());
        assertEquals(d.tune().toBuilder().seed(10).build(), other.tune());
    }

    @Test
    void badRecipesAndUnknownNamesAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.byName("huge"));
        assertTrue(e.getMessage().contains("unknown preset 'huge'") && e.getMessage().contains("demo"), e.getMessage());
        assertEquals(Recipe.demo(), Recipe.byName("DEMO"));
        e = assertThrows(IllegalArgumentException.class, () -> Recipe.tiny().toBuilder().maxTuneClusters(8).build());
        assertTrue(e.getMessage().contains("maxTuneClusters must be 1..7, got 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Recipe.tiny().toBuilder().eval(-1, 0, 0, 4).build());
        assertTrue(e.getMessage().contains("evalExamples must be >= 0, got -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Recipe.tiny().toBuilder().heldOut().build());
        assertTrue(e.getMessage().contains("no held-out cluster"), e.getMessage());
    }
}
