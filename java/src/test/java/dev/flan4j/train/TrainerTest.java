package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private final CpuBackend be = new CpuBackend();
    private final GptConfig model = new GptConfig(24, 32, 2, 2, 16);
    private final TrainConfig cfg = TrainConfig.builder().steps(6).batch(2, 32).gradAccum(2)
            .lr(3e-3, 2, Schedule.Kind.COSINE).checkpoints(3, 5).build();
    @TempDir Path tmp;

    @Test
    void resumedRunContinuesBitIdentically() throws Exception {
        Gpt a = Gpt.initialized(model, be, 1);
        new Trainer(cfg, tmp.resolve("a")).quiet().train(a, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);

        // Same run, crashed while packing step 4's batches (after the step-3 checkpoint), then started again.
        Gpt b = Gpt.initialized(model, be, 1);
        Trainer tb = new Trainer(cfg, tmp.resolve("b")).quiet();
        Number consumedAt3 = (Number) Checkpoint.load(tmp.resolve("a/checkpoints/step-00000003"), be).state().get("consumed");
        long crashAt = consumedAt3.longValue() + 3;
        assertThrows(IllegalStateException.class, () -> tb.train(b, new SyntheticSource(5, 24, crashAt), SyntheticSource.PAD));
        assertEquals("step-00000003", tb.latestCheckpoint().orElseThrow().getFileName().toString());
        Gpt b2 = Gpt.initialized(model, be, 99);   // different init: everything must come from the checkpoint
        Trainer.Result r = tb.train(b2, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        assertEquals(3, r.losses().size(), "resumed run trains the remaining 3 steps");
        assertArrayEquals(be.toArray(a.parameterData()), be.toArray(b2.parameterData()), 0f);
    }

    @Test
    void resumedLlamaRunContinuesBitIdenticallyAndRefusesAnotherArchitecture() throws Exception {
        LlamaConfig llama = new LlamaConfig("qwen2", 24, 32, 2, 4, 2, 16, 4, 24, 1e-6, 10000,
                new LlamaConfig.RopeScaling("linear", 2, 0, 0, 0), false, true, false);
        TrainConfig c = cfg.toBuilder().steps(4).checkpoints(2, 5).build();
        Llama a = Llama.initialized(llama, be, 1);
        new Trainer(c, tmp.resolve("a")).quiet().train(a, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);

        // The same run stopped after its step-2 checkpoint, then started again from a different init.
        Trainer tb = new Trainer(c.toBuilder().steps(2).build(), tmp.resolve("b")).quiet();
        tb.train(Llama.initialized(llama, be, 1), new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        Llama b = Llama.initialized(llama, be, 99);
        Trainer.Result r = new Trainer(c, tmp.resolve("b")).quiet().train(b, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        assertEquals(2, r.startStep());
        assertEquals(2, r.losses().size(), "resumed run trains the remaining 2 steps");
        assertArrayEquals(be.toArray(a.parameterData()), be.toArray(b.parameterData()), 0f);

        // A run folder of a Llama is not resumed by a GPT-2 (nor by a Llama of another shape).
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer(c.toBuilder().steps(6).build(),
                tmp.resolve("b")).quiet().train(Gpt.initialized(model, be, 1), new SyntheticSource(5, 24, -1), SyntheticSource.PAD));
        assertTrue(e.getMessage().contains("holds a model LlamaConfig[modelType=qwen2") && e.getMessage().contains("this run trains GptConfig"),
                e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new Trainer(c.toBuilder().steps(6).build(), tmp.resolve("b")).quiet()
                .train(Llama.initialized(llama.withBiases(false, false), be, 1), new SyntheticSource(5, 24, -1), SyntheticSource.PAD));
        assertTrue(e.getMessage().contains("qkvBias=false"), e.getMessage());
    }

    @Test
    void lossFallsAndCheckpointsAreKeptAndPruned() throws Exception {
        TrainConfig c = cfg.toBuilder().steps(80).checkpoints(20, 2).lr(1e-2, 5, Schedule.Kind.CONSTANT).build();
        Trainer t = new Trainer(c, tmp).quiet();
        Trainer.Result r = t.train(Gpt.initialized(model, be, 2), new SyntheticSource(3, 24, -1), SyntheticSource.PAD);
        List<Double> l = r.losses();
        assertTrue(l.get(l.size() - 1) < 0.85 * l.get(0), "loss " + l.get(0) + " -> " + l.get(l.size() - 1));
        try (var s = Files.list(t.checkpointDir())) {
            assertEquals(List.of("step-00000060", "step-00000080"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(80, Files.readAllLines(tmp.resolve("metrics.jsonl")).size());
        assertTrue(Files.readAllLines(tmp.resolve("metrics.jsonl")).get(0).contains("\"tokens_per_s\""));
    }

    @Test
    void adafactorTrainsToo() throws Exception {
        TrainConfig c = cfg.toBuilder().steps(80).optimizer("adafactor").weightDecay(0).lr(1e-2, 3, Schedule.Kind.CONSTANT).checkpoints(0, 1).build();
        Trainer.Result r = new Trainer(c, tmp).quiet().train(Gpt.initialized(model, be, 2), new SyntheticSource(3, 24, -1), 0);
        assertTrue(r.finalLoss() < 0.9 * r.losses().get(0), "loss " + r.losses().get(0) + " -> " + r.finalLoss());
    }

    @Test
    void nanLossStopsWithClearMessageAndKeepsTheLastGoodCheckpoint() throws Exception {
        // {logEvery, checkpointEvery}: read back every step; every 4 steps but saved (so read back) every step; every 4
        // steps and saved every 2 (TrainerReadbackTest covers divergence between the readbacks at chosen steps).
        for (int[] k : new int[][] {{1, 1}, {4, 1}, {4, 2}}) {
            Path dir = tmp.resolve("logEvery" + k[0] + "-every" + k[1]);
            TrainConfig c = cfg.toBuilder().steps(10).lr(1e30, 0, Schedule.Kind.CONSTANT).gradClip(0)
                    .checkpoints(k[1], 3).logEvery(k[0]).build();
            Trainer t = new Trainer(c, dir).quiet();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> t.train(Gpt.initialized(model, be, 2), new SyntheticSource(3, 24, -1), 0));
            assertTrue(e.getMessage().contains("training diverged at step " + e.step()), e.getMessage());
            assertTrue(e.step() >= 1);
            assertEquals(e.step(), Files.readAllLines(dir.resolve("metrics.jsonl")).size(), "rows of the good steps");
            int lastSave = e.step() / k[1] * k[1];   // the last checkpoint step at or before the diverged one
            if (lastSave == 0) {
                assertTrue(t.latestCheckpoint().isEmpty() && e.getMessage().contains("none (none was written yet)"),
                        e.getMessage());
                continue;
            }
            Path good = t.latestCheckpoint().orElseThrow();
            assertTrue(e.getMessage().contains(good.toString()), e.getMessage());
            assertEquals(String.format("step-%08d", lastSave), good.getFileName().toString());
            Checkpoint.load(good, be).model().close();
        }
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        Schedule s = new Schedule(Schedule.Kind.COSINE, 1.0, 10, 110, 0.1);
        assertEquals(0.1, s.at(0), 1e-12);
        assertEquals(1.0, s.at(9), 1e-12);
        assertEquals(0.55, s.at(60), 1e-12);
        assertEquals(0.1, s.at(110), 1e-12);
        assertEquals(1.0, new Schedule(Schedule.Kind.CONSTANT, 1.0, 0, 5, 0).at(4), 0);
        assertThrows(IllegalArgumentException.class, () -> Schedule.Kind.parse("linear"));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().optimizer("sgd").build());
    }
}
