package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a trainer finds in a run folder on start: a lock, leftovers of interrupted writes, replayed metrics. */
class TrainerRecoveryTest {
    private final CpuBackend be = new CpuBackend();
    private final GptConfig model = new GptConfig(24, 32, 2, 2, 16);
    private final TrainConfig cfg = TrainConfig.builder().steps(6).batch(2, 32).gradAccum(1)
            .lr(3e-3, 2, Schedule.Kind.COSINE).checkpoints(1, 2).build();
    @TempDir Path tmp;

    private Trainer.Result train(TrainConfig c, Path dir, long crashAt) throws IOException {
        return new Trainer(c, dir).quiet().train(Gpt.initialized(model, be, 1), new SyntheticSource(5, 24, crashAt), SyntheticSource.PAD);
    }

    private List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSecondTrainerOnTheSameFolderFailsAtOnceNamingTheFolderAndThePid() throws Exception {
        Path dir = tmp.resolve("run");
        try (RunLock held = RunLock.acquire(dir)) {
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> train(cfg, dir, -1));
            assertTrue((System.nanoTime() - t0) / 1e9 < 5, "fails fast");
            assertTrue(e.getMessage().contains("run folder " + dir + " is in use by another trainer (pid "
                    + ProcessHandle.current().pid() + ","), e.getMessage());
            assertFalse(Files.exists(dir.resolve("metrics.jsonl")), "the second trainer wrote nothing");
        }
        assertEquals(6, train(cfg, dir, -1).losses().size(), "the lock is released on close");
    }

    @Test
    void staleTempFoldersAreRemovedWithOneLineAndResumePrunesToKeep() throws Exception {
        Path dir = tmp.resolve("run");
        train(cfg.toBuilder().steps(3).checkpoints(1, 5).build(), dir, -1);
        Path ck = dir.resolve("checkpoints");
        assertEquals(List.of("step-00000001", "step-00000002", "step-00000003"), names(ck));
        // What kills leave: temp folders of checkpoint writes, a temp file, a folder being pruned.
        Files.createDirectories(ck.resolve(".step-00000004.8213674").resolve("x"));
        Files.createDirectories(ck.resolve(".step-00000004.123"));
        Files.writeString(dir.resolve(".metrics.jsonl.99.tmp"), "partial");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            train(cfg.toBuilder().steps(4).checkpoints(10, 2).build(), dir, -1);
        } finally {
            System.setErr(old);
        }
        assertEquals(List.of("step-00000003", "step-00000004"), names(ck), "pruned to --keep 2 on resume");
        assertFalse(Files.exists(dir.resolve(".metrics.jsonl.99.tmp")));
        List<String> lines = err.toString().lines().filter(l -> l.contains("interrupted writes")).toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).contains("removed 3 temp file(s) of interrupted writes from " + dir), lines.get(0));
    }

    @Test
    void aCheckpointLeftOnlyUnderItsOldNameIsPutBack() throws Exception {
        Path dir = tmp.resolve("run");
        train(cfg.toBuilder().steps(2).build(), dir, -1);
        Path ck = dir.resolve("checkpoints");
        Files.move(ck.resolve("step-00000002"), ck.resolve(".step-00000002.old"));   // killed between the two renames
        Trainer.Result r = train(cfg.toBuilder().steps(3).build(), dir, -1);
        assertEquals(1, r.losses().size(), "resumed from step 2");
        assertEquals(List.of("step-00000002", "step-00000003"), names(ck));
    }

    @Test
    void resumedMetricsHoldEachStepOnce() throws Exception {
        Path dir = tmp.resolve("run");
        TrainConfig c = cfg.toBuilder().checkpoints(3, 2).build();
        // Crash during step 5 (after the step-3 checkpoint and metrics rows 4 and part of 5): rows 4.. are replayed.
        assertThrows(IllegalStateException.class, () -> train(c, dir, 5L * 2 * 4 / 2 + 2));
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\": 5, \"lo", java.nio.file.StandardOpenOption.APPEND);
        train(c, dir, -1);
        ObjectMapper json = new ObjectMapper();
        List<Integer> steps = Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .map(l -> { try { return ((Number) json.readValue(l, Map.class).get("step")).intValue(); }
                            catch (IOException e) { throw new AssertionError(l, e); } }).toList();
        assertEquals(IntStream.rangeClosed(1, 6).boxed().toList(), steps);
    }

    @Test
    void rerunningAFinishedFolderWithFewerStepsSaysAlreadyFinished() throws Exception {
        Path dir = tmp.resolve("run");
        Trainer.Result first = train(cfg, dir, -1);
        Trainer.Result again = train(cfg.toBuilder().steps(4).build(), dir, -1);
        assertTrue(again.alreadyFinished());
        assertTrue(again.summary().startsWith("already finished at step 6 (more than the 4 steps asked for); checkpoint "),
                again.summary());
        assertFalse(again.summary().contains("NaN"), again.summary());
        assertEquals(first.finalLoss(), again.finalLoss(), 0, "the loss of the last step trained");
        assertTrue(train(cfg, dir, -1).summary().startsWith("already finished at step 6;"));
        assertEquals(6, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
    }

    @Test
    void aRunFolderThatIsAFileIsNamed() throws Exception {
        Path file = tmp.resolve("out");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> train(cfg, file, -1));
        assertEquals("cannot create folder " + file + ": " + file + " is a file, not a folder", e.getMessage());
    }
}
