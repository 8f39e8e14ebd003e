package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer in a child JVM is killed (SIGKILL) at random points, during steps and checkpoint writes, and started again
 * each time; the final checkpoint must equal an uninterrupted run's byte for byte, metrics.jsonl must hold each step
 * once, no temp folder may be left, and no more than --keep checkpoints. While a child trains, this JVM's attempt to
 * train in the same folder must fail with the child's pid. Bounded: a fixed number of kills, each child under a minute.
 */
class KillResumeTest {
    private static final int STEPS = 40, KILLS = 5;
    @TempDir Path tmp;

    private static Process start(Path dir, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), KillableRun.class.getName(), dir.toString(), String.valueOf(STEPS));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static int finish(Process p, Path log) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child trainer did not finish in 60 s:\n" + Files.readString(log));
        }
        return p.exitValue();
    }

    private static long metricsLines(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("metrics.jsonl")).size();
        } catch (IOException e) {
            return 0;   // not there yet
        }
    }

    @Test
    void killedAndResumedRunEndsByteIdenticalToAnUninterruptedOne() throws Exception {
        long t0 = System.nanoTime();
        Path log = tmp.resolve("child.log");
        Path ref = tmp.resolve("ref");
        assertEquals(0, finish(start(ref, log), log), Files.readString(log));

        long seed = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(seed);
        Path run = tmp.resolve("run");
        List<String> kills = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            Process p = start(run, log);
            long done = metricsLines(run);
            long target = Math.min(STEPS - 1, done + 1 + rng.nextInt(Math.max(1, (int) (STEPS - done) / 2)));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (p.isAlive() && metricsLines(run) < target && System.nanoTime() < deadline) Thread.sleep(1);
            if (k == 0 && p.isAlive()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunLock.acquire(run).close());
                assertTrue(e.getMessage().contains("run folder " + run + " is in use by another trainer (pid " + p.pid() + ","),
                        e.getMessage());
            }
            Thread.sleep(rng.nextInt(15));   // land anywhere in the step or checkpoint write that follows
            if (!p.isAlive()) {
                kills.add("finished before kill " + k);
                break;
            }
            p.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            kills.add("killed after " + metricsLines(run) + " metrics rows");
        }
        assertEquals(0, finish(start(run, log), log), Files.readString(log));

        Path last = run.resolve("checkpoints").resolve(String.format("step-%08d", STEPS));
        Path refLast = ref.resolve("checkpoints").resolve(String.format("step-%08d", STEPS));
        for (String f : List.of("config.json", "model.safetensors", "optimizer.safetensors", "state.json")) {
            assertArrayEquals(Files.readAllBytes(refLast.resolve(f)), Files.readAllBytes(last.resolve(f)), f + " after " + kills);
        }
        List<Integer> steps = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> Integer.parseInt(l.replaceAll("^\\{\"step\":(\\d+),.*", "$1"))).toList();
        assertEquals(IntStream.rangeClosed(1, STEPS).boxed().toList(), steps, "each step once");
        try (var s = Files.list(run.resolve("checkpoints"))) {
            List<String> left = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(String.format("step-%08d", STEPS - 1), String.format("step-%08d", STEPS)), left);
        }
        System.out.printf("KillResumeTest: seed %d, %s, %.1f s%n", seed, kills, (System.nanoTime() - t0) / 1e9);
        assertTrue(Files.readString(log).lines().noneMatch(l -> l.contains("Exception")), Files.readString(log));
        assertTrue(new File(log.toString()).length() > 0);
    }
}
