package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReproCommandTest {
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = new CommandLine(new ReproCommand());
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsExperimentsAndPresets() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String s : new String[]{"zero-shot", "clusters", "scale", "instructions", "few-shot", "all", "report", "--preset",
                "cpu-mini", "gpu", "--out", "--seed", "--backend", "--runs"}) {
            assertTrue(r.out().contains(s), s + " missing from help:\n" + r.out());
        }
    }

    @Test
    void unknownExperimentIsAClearError() {
        Run r = run("zeroshot", "--preset", "tiny");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown experiment 'zeroshot'"), r.err());
        assertTrue(r.err().contains("zero-shot") && r.err().contains("few-shot"), r.err());
    }

    @Test
    void unknownPresetIsAClearError() {
        Run r = run("scale", "--preset", "huge");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown preset 'huge'") && r.err().contains("cpu-mini"), r.err());
    }

    @Test
    void missingExperimentAndBadSeedAreErrors() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("EXPERIMENT"), r.err());
        Run s = run("scale", "--seed", "abc");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("abc"), s.err());
    }

    @Test
    void tinyRunWritesTheExperimentFolder(@TempDir Path tmp) throws Exception {
        Run r = run("few-shot", "--preset", "tiny", "--backend", "cpu", "--no-progress", "--seed", "3", "--seeds", "2",
                "--out", tmp.resolve("out").toString(), "--runs", tmp.resolve("runs").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("few-shot:") && r.out().contains("template std"), r.out());
        assertTrue(r.out().contains("few-shot across seeds [3, 4]:"), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("out/seed-4/few-shot/run.json")), "the second seed has its own folder");
        String seeds = Files.readString(tmp.resolve("out/few-shot/seeds.csv"));
        assertTrue(seeds.startsWith("quantity,per seed (3 / 4),mean,\"95% CI (t, 2 seeds)\"") && seeds.contains("nli.mean_by_k[0]"), seeds);
        assertTrue(Files.readString(tmp.resolve("out/few-shot/REPORT.md")).contains("## Across seeds"));
        Path dir = tmp.resolve("out/few-shot");
        for (String f : new String[]{"few_shot.md", "few_shot.csv", "few_shot.png", "few_shot_spread.png", "run.json", "REPORT.md"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(tmp.resolve("out/REPORT.md")));
        assertFalse(Files.exists(tmp.resolve("out/checkpoints")), "checkpoints go to --runs, not --out");
        assertTrue(Files.isDirectory(tmp.resolve("runs")));

        Files.delete(tmp.resolve("out/REPORT.md"));
        Run rep = run("report", "--preset", "tiny", "--out", tmp.resolve("out").toString());
        assertEquals(0, rep.code(), rep.err());
        String set = Files.readString(tmp.resolve("out/REPORT.md"));
        assertTrue(set.contains("## Summary") && set.contains("| few-shot | tiny | 3 |"), set);
        assertTrue(set.contains("Not run (yet) in this run set: zero-shot, clusters, instructions, scale"), set);
    }

    @Test
    void reportOnAMissingFolderIsAnError(@TempDir Path tmp) {
        Run r = run("report", "--out", tmp.resolve("absent").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no results folder"), r.err());
    }
}
