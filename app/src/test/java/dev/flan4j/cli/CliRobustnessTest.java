package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Param;
import dev.flan4j.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Bad input and long commands as a user meets them: one clear line naming the path or option, progress, defaults. */
class CliRobustnessTest {
    @TempDir static Path shared;
    @TempDir Path tmp;
    static Path model, nanModel;

    /** Exit code and everything printed (picocli's writers and System.out / System.err). */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Also captures System.out, where the training commands print their summary line. */
    static Run runCapturingStdout(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Run r = run(args);
            return new Run(r.code(), r.out() + buf.toString(StandardCharsets.UTF_8), r.err());
        } finally {
            System.setOut(old);
        }
    }

    @BeforeAll
    static void models() throws IOException {
        CpuBackend be = new CpuBackend();
        GptConfig c = new GptConfig(Tokenizers.byName("mini-bpe").vocabSize(), 48, 1, 2, 16);
        Gpt m = Gpt.initialized(c, be, 3);
        model = shared.resolve("tiny");
        Checkpoint.save(model, m);
        float[] w = be.toArray(m.parameterData());
        Param p = m.parameters().stream().filter(q -> q.name().equals("ln_f.weight")).findFirst().orElseThrow();
        java.util.Arrays.fill(w, (int) p.offset(), (int) (p.offset() + p.size()), Float.NaN);
        m.loadParameters(w);
        nanModel = shared.resolve("nan");
        Checkpoint.save(nanModel, m);
    }

    @Test
    void everyHelpShowsTheDefaults() {
        List<String> missing = new ArrayList<>();
        CommandLine cl = Main.commandLine();
        for (CommandLine sub : cl.getSubcommands().values()) {
            String help = run(sub.getCommandName(), "--help").out();
            for (OptionSpec o : sub.getCommandSpec().options()) {
                Object v = o.defaultValue() != null ? o.defaultValue() : o.initialValue();
                if (v == null || o.usageHelp() || o.versionHelp() || v instanceof Boolean || o.type() == boolean.class
                        || o.type() == Boolean.class || v instanceof java.util.Collection<?>) continue;
                if (!help.contains("Default: " + v) && !help.contains("default " + v)) missing.add(sub.getCommandName() + " " + o.longestName() + " (" + v + ")");
            }
        }
        assertEquals(List.of(), missing, "options whose --help does not show the default");
        String eval = run("eval", "--help").out().replaceAll("\\s+", " ");
        assertTrue(eval.contains("Default: mini-bpe, or the model folder's tokenizer.json when it holds one"), eval);
    }

    @Test
    void generateSaysWhenItClampsMaxTokens() {
        Run r = run("generate", "--model", model.toString(), "--prompt", "hello", "--max-tokens", "100000", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: --max-tokens 100000 clamped to "), r.err());
        assertTrue(r.err().contains("the model's block of 48 tokens"), r.err());
        assertEquals(47, GenerateCommand.clampMaxTokens(100000, 1, 48));
        assertEquals(1, GenerateCommand.clampMaxTokens(100000, 60, 48));
        assertEquals(5, GenerateCommand.clampMaxTokens(5, 10, 48));
    }

    @Test
    void precisionIsCheckedAgainstTheBackend() {
        Run r = run("generate", "--model", model.toString(), "--prompt", "hello", "--max-tokens", "2", "--backend", "cpu",
                "--precision", "bf16");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--precision bf16 needs the CUDA backend; the cpu backend computes in fp32"), r.err());
        r = run("generate", "--model", model.toString(), "--prompt", "hello", "--max-tokens", "2", "--backend", "cpu",
                "--precision", "half");
        assertTrue(r.code() != 0 && r.err().contains("--precision must be fp32, bf16 or auto, got 'half'"), r.err());
        for (String p : new String[] {"fp32", "auto", "FP32"}) {
            r = run("generate", "--model", model.toString(), "--prompt", "hello", "--max-tokens", "2", "--backend", "cpu",
                    "--precision", p);
            assertEquals(0, r.code(), p + ": " + r.err());
        }
    }

    @Test
    void nanWeightsAreAnErrorNamingTheTensorUnlessAllowed() {
        Run r = run("generate", "--model", nanModel.toString(), "--prompt", "hello", "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("tensor 'ln_f.weight' holds NaN at index 0 (16 of 16 values are NaN or infinite)"), r.err());
        r = run("eval", "--model", nanModel.toString(), "--clusters", "nli", "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("tensor 'ln_f.weight' holds NaN"), r.err());
        r = run("generate", "--model", nanModel.toString(), "--prompt", "hello", "--max-tokens", "2", "--allow-non-finite",
                "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertEquals(null, System.getProperty(Checkpoint.ALLOW_NON_FINITE), "the flag does not outlive the command");
    }

    @Test
    void evalShowsProgressAndWritesReadableResults() throws IOException {
        Path out = tmp.resolve("results");
        Run r = run("eval", "--model", model.toString(), "--clusters", "nli", "--max-examples", "2", "--max-dev", "1",
                "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> progress = r.err().lines().filter(l -> l.startsWith("eval: ")).toList();
        assertFalse(progress.isEmpty(), r.err());
        String last = progress.get(progress.size() - 1);
        assertTrue(last.matches("eval: (\\d+)/\\1 examples scored \\(100%\\), [0-9.]+/s, done in \\d+.*"), last);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("eval.md"))));
        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        r = run("eval", "--model", model.toString(), "--clusters", "nli", "--backend", "cpu", "--out", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot create folder " + file + ": " + file + " is a file, not a folder"), r.err());
    }

    @Test
    void tuneDataErrorsNameTheFileAndTheReason() throws IOException {
        Path out = tmp.resolve("run");
        Path missing = tmp.resolve("missing.jsonl");
        Run r = run("tune", "--from", model.toString(), "--data", missing.toString(), "--out", out.toString(), "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read " + missing + ": no such file"), r.err());
        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "\n");
        r = run("tune", "--from", model.toString(), "--data", empty.toString(), "--out", out.toString(), "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--data " + empty + " holds no flan-collection examples"), r.err());
        Path latin1 = tmp.resolve("latin1.jsonl");
        Files.write(latin1, "{\"inputs\": \"caf\u00e9\", \"targets\": \"x\", \"task_name\": \"t\", \"template_type\": \"zsopt\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        r = run("tune", "--from", model.toString(), "--data", latin1.toString(), "--out", out.toString(), "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(latin1 + ":1: invalid UTF-8"), r.err());
        Path file = tmp.resolve("outfile");
        Files.writeString(file, "x");
        Path data = tmp.resolve("data.jsonl");
        Files.writeString(data, "{\"inputs\": \"Is it? OPTIONS:\\n- yes\\n- no\", \"targets\": \"yes\", \"task_name\": \"t\", \"template_type\": \"zsopt\"}\n");
        r = run("tune", "--from", model.toString(), "--data", data.toString(), "--out", file.toString(), "--backend", "cpu",
                "--seq-len", "32");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file + " is a file, not a folder"), r.err());
    }

    @Test
    void rerunningAFinishedTuneWithFewerStepsSaysAlreadyFinished() throws IOException {
        Path data = tmp.resolve("data.jsonl");
        Files.writeString(data, "{\"inputs\": \"Is it? OPTIONS:\\n- yes\\n- no\", \"targets\": \"yes\", \"task_name\": \"t\", \"template_type\": \"zsopt\"}\n");
        Path out = tmp.resolve("run");
        String[] base = {"tune", "--from", model.toString(), "--data", data.toString(), "--out", out.toString(), "--backend", "cpu",
                "--batch", "1", "--seq-len", "32", "--no-progress", "--steps"};
        Run r = runCapturingStdout(concat(base, "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("final loss "), r.out());
        r = runCapturingStdout(concat(base, "1"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("already finished at step 2 (more than the 1 steps asked for)"), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
