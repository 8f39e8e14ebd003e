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
}
