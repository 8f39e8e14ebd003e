package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrain and tune at tiny scale: both run through the stage code, write checkpoints and reuse a finished run. */
class TrainCommandsTest {
    @TempDir Path tmp;

    private static String stdout(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            CliTest.Run r = CliTest.run(args);
            assertEquals(0, r.code(), r.err());
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test
    void pretrainThenTuneAndRerunReusesTheFinishedRun() throws Exception {
        String base = tmp.resolve("base").toString(), tuned = tmp.resolve("tuned").toString();
        String p = stdout("pretrain", "--preset", "tiny", "--steps", "2", "--batch", "2", "--seq-len", "32",
                "--backend", "cpu", "--no-progress", "--out", base);
        assertTrue(p.contains("final loss"), p);
        assertTrue(Files.isDirectory(Path.of(base, "checkpoints", "step-00000002")));
        String t = stdout("tune", "--from", base, "--clusters", "sentiment", "--steps", "2", "--batch", "2",
                "--seq-len", "32", "--backend", "cpu", "--no-progress", "--out", tuned);
        assertTrue(t.contains("tuning clusters: [sentiment]") && t.contains("final loss"), t);
        assertTrue(Files.isDirectory(Path.of(tuned, "checkpoints", "step-00000002")));
        assertEquals(2, Files.readAllLines(Path.of(tuned, "metrics.jsonl")).size());
        String again = stdout("tune", "--from", base, "--clusters", "sentiment", "--steps", "2", "--batch", "2",
                "--seq-len", "32", "--backend", "cpu", "--no-progress", "--out", tuned);
        assertTrue(again.contains("already finished at step 2: " + tuned), again);
        assertEquals(2, Files.readAllLines(Path.of(tuned, "metrics.jsonl")).size(), "nothing trained again");
    }

    @Test
    void logEveryReachesTheTrainerAndIsValidated() throws Exception {
        String base = tmp.resolve("base").toString();
        String p = stdout("pretrain", "--preset", "tiny", "--steps", "3", "--batch", "2", "--seq-len", "32",
                "--log-every", "2", "--backend", "cpu", "--no-progress", "--out", base);
        assertTrue(p.contains("final loss"), p);
        assertEquals(3, Files.readAllLines(Path.of(base, "metrics.jsonl")).size(), "every step has its row");
        try (var be = new dev.flan4j.backend.CpuBackend()) {
            var l = dev.flan4j.model.Checkpoint.load(Path.of(base, "checkpoints", "step-00000003"), be);
            l.model().close();
            assertTrue(String.valueOf(l.state().get("train_config")).contains("logEvery=2"), l.state().toString());
        }
        CliTest.Run r = CliTest.run("pretrain", "--preset", "tiny", "--steps", "3", "--log-every", "0", "--backend", "cpu",
                "--no-progress", "--out", tmp.resolve("bad").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("logEvery must be >= 1, got 0"), r.err());
    }
}
