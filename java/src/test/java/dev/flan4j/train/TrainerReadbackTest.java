package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.FusedHead;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer's step reads nothing back: loss and gradient norm stay on the device and are read every
 * {@code logEvery} steps, before every checkpoint and at the end. The metrics are those of the per-step host path, a
 * divergence is still reported at its first step, and no checkpoint is ever written after it.
 */
class TrainerReadbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CpuBackend be = new CpuBackend();
    private final GptConfig gpt = new GptConfig(24, 32, 2, 2, 16);
    private final LlamaConfig llama = new LlamaConfig("qwen2", 24, 32, 2, 4, 2, 16, 4, 24, 1e-6, 10000,
            new LlamaConfig.RopeScaling("linear", 2, 0, 0, 0), false, true, false);
    /** 8 steps of 2 micro-batches, a clip that is active in most steps, a checkpoint at the end only. */
    private final TrainConfig cfg = TrainConfig.builder().steps(8).batch(2, 32).gradAccum(2).gradClip(0.5)
            .lr(3e-3, 2, Schedule.Kind.COSINE).checkpoints(0, 5).build();
    @TempDir Path tmp;

    private static List<Map<?, ?>> rows(Path metrics) throws Exception {
        List<Map<?, ?>> r = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) r.add(JSON.readValue(line, Map.class));
        return r;
    }

    private static double d(Map<?, ?> row, String key) { return ((Number) row.get(key)).doubleValue(); }

    /** The steps as the trainer took them before this change: a loss and a norm read back per step, host clipping. */
    private static double[][] hostPath(CausalLm model, TrainConfig c) {
        Packer packer = new Packer(c.batchRows(), c.seqLen(), SyntheticSource.PAD, c.lossNorm());
        SyntheticSource source = new SyntheticSource(5, 24, -1);
        Schedule sched = c.lrSchedule();
        double[][] out = new double[c.steps()][];
        try (AdamW opt = new AdamW(model, 0.9f, 0.95f, 1e-8f, (float) c.weightDecay())) {
            for (int step = 0; step < c.steps(); step++) {
                model.zeroGrad();
                Batch[] micro = new Batch[c.gradAccum()];
                int targets = 0;
                for (int i = 0; i < micro.length; i++) {
                    micro[i] = packer.next(source);
                    targets += micro[i].targetCount();
                }
                double lossSum = 0;
                for (Batch b : micro) {
                    if (b.targetCount() > 0) lossSum += model.forwardBackward(b, 1f / targets) * b.targetCount();
                }
                double norm = AdamW.clipGradNorm(model, c.gradClip());
                opt.step((float) sched.at(step));
                out[step] = new double[] {lossSum / targets, norm, sched.at(step)};
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TOKEN", "SEQUENCE"})
    void metricsRowsAreThoseOfThePerStepHostPathForLogEvery1And3And10(String norm) throws Exception {
        TrainConfig base = cfg.toBuilder().lossNorm(TrainConfig.LossNorm.valueOf(norm)).build();
        double[][] host = hostPath(Gpt.initialized(gpt, be, 3), base);
        assertTrue(Stream.of(host).filter(h -> h[1] > base.gradClip()).count() >= 4, "the clip is active in most steps");
        List<Map<?, ?>> first = null;
        for (int every : new int[] {1, 3, 10}) {
            TrainConfig c = base.toBuilder().logEvery(every).build();
            Path dir = tmp.resolve(norm + "-" + every);
            Trainer.Result r = new Trainer(c, dir).quiet().train(Gpt.initialized(gpt, be, 3), new SyntheticSource(5, 24, -1),
                    SyntheticSource.PAD);
            List<Map<?, ?>> rows = rows(dir.resolve("metrics.jsonl"));
            assertEquals(c.steps(), rows.size(), "one row per step, logEvery " + every);
            assertEquals(c.steps(), r.losses().size());
            for (int i = 0; i < rows.size(); i++) {
                Map<?, ?> row = rows.get(i);
                String at = "logEvery " + every + ", step " + (i + 1);
                assertEquals(List.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s"), List.copyOf(row.keySet()), at);
                assertEquals(i + 1, ((Number) row.get("step")).intValue(), at);
                assertEquals(host[i][0], d(row, "loss"), 1e-5 * host[i][0], "loss, " + at);
                assertEquals(host[i][1], d(row, "grad_norm"), 1e-5 * host[i][1], "grad_norm, " + at);
                assertEquals(host[i][2], d(row, "lr"), 0, "lr, " + at);
                assertEquals(d(row, "loss"), r.losses().get(i), 0, "Result.losses, " + at);
                assertTrue(d(row, "tokens_per_s") > 0 && d(row, "elapsed_s") > 0, at);
                if (i > 0) assertTrue(d(row, "elapsed_s") >= d(rows.get(i - 1), "elapsed_s"), "each step's own time, " + at);
                if (first != null) {   // the device-side step does not depend on when it is read back: same bits
                    for (String k : List.of("loss", "lr", "grad_norm")) assertEquals(first.get(i).get(k), row.get(k), k + ", " + at);
                }
            }
            assertEquals(r.losses().get(r.losses().size() - 1), r.finalLoss(), 0);
            if (first == null) first = rows;
        }
    }

    /** Readbacks by the number of steps done when they happened. */
    private static Map<Integer, Integer> countsByStep(List<Integer> at) {
        Map<Integer, Integer> m = new TreeMap<>();
        for (int s : at) m.merge(s, 1, Integer::sum);
        return m;
    }

    @Test
    void aStepReadsNothingBackOnlyTheReadbacksDo() throws Exception {
        // 10 steps, logEvery 3, checkpoints every 4: readbacks after 3 (logEvery), 4 (save), 7 (logEvery), 8 (save), 10 (end).
        TrainConfig c = cfg.toBuilder().steps(10).logEvery(3).checkpoints(4, 5).build();
        List<Function<Backend, CausalLm>> models = List.of(
                b -> Gpt.initialized(gpt, b, 3),
                b -> {
                    Gpt m = Gpt.initialized(gpt, b, 3);
                    m.setFusedHead(FusedHead.chunk(16));   // the fused head, chunk by chunk
                    return m;
                },
                b -> Llama.initialized(llama, b, 3));
        for (int i = 0; i < models.size(); i++) {
            CountingBackend cb = new CountingBackend();
            CausalLm m = models.get(i).apply(cb);
            cb.readbacks.clear();                          // initialisation is not training
            new Trainer(c, tmp.resolve("m" + i)).quiet().train(m, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
            String what = m.config().family() + (m.fusedHead().equals(FusedHead.chunk(16)) ? " fused head" : "");
            assertEquals(List.of(), cb.at("crossEntropy MEAN"), what);
            assertEquals(List.of(), cb.at("crossEntropy SUM"), what);
            assertEquals(List.of(), cb.at("sumOfSquares"), what);
            Map<Integer, Integer> reads = countsByStep(cb.at("toArray"));
            assertEquals(List.of(3, 4, 7, 8, 10), List.copyOf(reads.keySet()), what + ": " + reads);
            assertEquals(1, reads.get(3), what + ": one read of the stats buffer, " + reads);
            assertEquals(1, reads.get(7), what + ": " + reads);
            int save = reads.get(4) - 1;                   // the stats, then what a checkpoint reads
            assertTrue(save > 0, what + ": " + reads);
            assertEquals(1 + save, reads.get(8), what + ": " + reads);
            assertEquals(1 + save, reads.get(10), what + ": " + reads);
            assertEquals(c.steps(), rows(tmp.resolve("m" + i).resolve("metrics.jsonl")).size(), what);
        }
        // logEvery 1: one read of the stats after every step, and nothing else between the saves.
        CountingBackend cb = new CountingBackend();
        CausalLm m = Gpt.initialized(gpt, cb, 3);
        cb.readbacks.clear();
        new Trainer(cfg.toBuilder().logEvery(1).build(), tmp.resolve("every")).quiet().train(m,
                new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        Map<Integer, Integer> reads = countsByStep(cb.at("toArray"));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), List.copyOf(reads.keySet()), reads.toString());
        for (int s = 1; s < 8; s++) assertEquals(1, reads.get(s), "after step " + s + ": " + reads);
    }

    @Test
    void anAdafactorStepReadsNothingBackEither() throws Exception {
        // As above with Adafactor: readbacks after 3 (logEvery), 4 (save), 7, 8 (save) and 10 (end) only.
        TrainConfig c = cfg.toBuilder().steps(10).logEvery(3).checkpoints(4, 5).optimizer("adafactor").build();
        CountingBackend cb = new CountingBackend();
        CausalLm m = Gpt.initialized(gpt, cb, 3);
        cb.readbacks.clear();
        new Trainer(c, tmp.resolve("adafactor")).quiet().train(m, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        Map<Integer, Integer> reads = countsByStep(cb.at("toArray"));
        assertEquals(List.of(3, 4, 7, 8, 10), List.copyOf(reads.keySet()), reads.toString());
        assertEquals(1, reads.get(3), "one read of the stats buffer, " + reads);
        assertEquals(1, reads.get(7), reads.toString());
        assertTrue(reads.get(4) > 1, "a save reads the model and the optimizer state: " + reads);
    }

    @ParameterizedTest(name = "logEvery {0}")
    @ValueSource(ints = {1, 3, 10})
    void divergenceIsReportedAtItsFirstStepAndNoCheckpointFollowsIt(int every) throws Exception {
        TrainConfig c = cfg.toBuilder().steps(12).logEvery(every).checkpoints(4, 10).build();
        Path clean = tmp.resolve("clean");
        Gpt cleanModel = Gpt.initialized(gpt, be, 3);
        new Trainer(c, clean).quiet().train(cleanModel, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        List<Map<?, ?>> cleanRows = rows(clean.resolve("metrics.jsonl"));

        // Step 5 (0-based) between the checkpoints 4 and 8, and step 7, the last before checkpoint 8: both must stop
        // the run at that step, with checkpoint 4 the last good one and no checkpoint 8.
        for (int bad : new int[] {5, 7}) {
            Path dir = tmp.resolve("bad" + bad);
            Trainer t = new Trainer(c, dir).quiet();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.train(
                    Gpt.initialized(gpt, new CountingBackend(bad), 3), new SyntheticSource(5, 24, -1), SyntheticSource.PAD));
            assertEquals(bad, e.step(), e.getMessage());
            assertTrue(e.getMessage().contains("training diverged at step " + bad + ": loss ")
                    && e.getMessage().contains("gradient norm NaN"), e.getMessage());
            Path good = dir.resolve("checkpoints").resolve("step-00000004");
            assertTrue(e.getMessage().contains("The last good checkpoint is " + good), e.getMessage());
            try (var s = Files.list(dir.resolve("checkpoints"))) {
                assertEquals(List.of("step-00000004"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                        "no checkpoint after the diverged step " + bad);
            }
            List<Map<?, ?>> rows = rows(dir.resolve("metrics.jsonl"));
            assertEquals(bad, rows.size(), "the rows of the steps before the diverged one");
            for (int i = 0; i < bad; i++) {
                for (String k : List.of("step", "loss", "lr", "grad_norm")) assertEquals(cleanRows.get(i).get(k), rows.get(i).get(k));
            }
            // Resuming from the last good checkpoint (with a healthy backend) gives the clean run's weights.
            Gpt resumed = Gpt.initialized(gpt, be, 99);
            new Trainer(c, dir).quiet().train(resumed, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
            assertArrayEquals(be.toArray(cleanModel.parameterData()), be.toArray(resumed.parameterData()), 0f);
            assertEquals(cleanRows.size(), rows(dir.resolve("metrics.jsonl")).size());
        }
        // The first of several bad steps is the one named.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(
                cfg.toBuilder().steps(6).logEvery(every).lr(1e30, 0, Schedule.Kind.CONSTANT).gradClip(0).build(),
                tmp.resolve("blowup")).quiet().train(Gpt.initialized(gpt, be, 3), new SyntheticSource(5, 24, -1), 0));
        assertEquals(rows(tmp.resolve("blowup").resolve("metrics.jsonl")).size(), e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("none (none was written yet)"), e.getMessage());
    }

    @Test
    void resumeIsBitIdenticalWhateverTheLogEveryOfEachPart() throws Exception {
        TrainConfig c = cfg.toBuilder().steps(6).checkpoints(3, 5).logEvery(4).build();
        Gpt a = Gpt.initialized(gpt, be, 1);
        new Trainer(c, tmp.resolve("a")).quiet().train(a, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        // The same run in two parts: 3 steps with logEvery 2, then resumed from step 3 with logEvery 1.
        new Trainer(c.toBuilder().steps(3).logEvery(2).build(), tmp.resolve("b")).quiet()
                .train(Gpt.initialized(gpt, be, 1), new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        Gpt b = Gpt.initialized(gpt, be, 99);
        Trainer.Result r = new Trainer(c.toBuilder().logEvery(1).build(), tmp.resolve("b")).quiet()
                .train(b, new SyntheticSource(5, 24, -1), SyntheticSource.PAD);
        assertEquals(3, r.startStep());
        assertEquals(3, r.losses().size());
        assertArrayEquals(be.toArray(a.parameterData()), be.toArray(b.parameterData()), 0f);
        List<Map<?, ?>> ra = rows(tmp.resolve("a/metrics.jsonl")), rb = rows(tmp.resolve("b/metrics.jsonl"));
        assertEquals(6, rb.size());
        for (int i = 0; i < 6; i++) {
            for (String k : List.of("step", "loss", "lr", "grad_norm")) assertEquals(ra.get(i).get(k), rb.get(i).get(k), k);
        }
    }
}
