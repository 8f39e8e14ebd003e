package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command answers --help, and bad arguments get a clear message and a nonzero exit code. */
class CliTest {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "pretrain", "tune", "eval", "generate", "data", "profile", "repro"})
    void everyCommandHasHelp(String cmd) {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream trace = new java.io.ByteArrayOutputStream();
        Run r;
        try {
            System.setErr(new java.io.PrintStream(trace, true));   // picocli's own warnings (e.g. a stray % in a description)
            r = run(cmd, "--help");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: flan4j " + cmd), r.out());
        assertFalse(trace.toString().contains("picocli WARN"), trace.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "pretrain --out x", "tune --from x --out x", "eval --model x --clusters nli",
            "generate --model x --prompt p", "data", "profile matmul", "repro zero-shot"})
    void unknownOptionsAreRejected(String cmd) {
        String[] args = (cmd + " --no-such-option").split(" ");
        Run r = run(args);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.err());
    }

    @Test
    void topLevelWithoutCommandAndUnknownCommand() {
        assertTrue(run().err().contains("choose a command"));
        Run r = run("train");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unmatched argument"), r.err());
    }

    @Test
    void badValuesNameTheValue() {
        Run r = run("pretrain", "--preset", "huge", "--out", tmp.toString(), "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown model preset 'huge'"), r.err());
        r = run("pretrain", "--out", tmp.toString(), "--seq-len", "4096", "--backend", "cpu");
        assertTrue(r.err().contains("--seq-len 4096 exceeds"), r.err());
        r = run("pretrain", "--out", tmp.toString(), "--backend", "tpu");
        assertTrue(r.err().contains("unknown backend 'tpu'"), r.err());
        r = run("pretrain", "--out", tmp.toString(), "--optimizer", "sgd", "--backend", "cpu");
        assertTrue(r.err().contains("unknown optimizer 'sgd'"), r.err());
        r = run("tune", "--from", tmp.resolve("none").toString(), "--out", tmp.toString(), "--loss-on", "some");
        assertTrue(r.err().contains("--loss-on must be targets or all, got 'some'"), r.err());
        r = run("tune", "--from", tmp.resolve("none").toString(), "--out", tmp.toString(), "--format", "fancy");
        assertTrue(r.err().contains("unknown prompt format 'fancy'"), r.err());
        r = run("eval", "--model", tmp.resolve("none").toString(), "--clusters", "nli", "--backend", "cpu");
        assertTrue(r.err().contains("does not exist"), r.err());
        r = run("generate", "--model", tmp.toString(), "--prompt", "hi", "--max-tokens", "0");
        assertTrue(r.err().contains("--max-tokens must be > 0, got 0"), r.err());
        r = run("demo", "--held-out", "astrology", "--backend", "cpu", "--out", tmp.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("astrology"), r.err());
        r = run("data", "stats", "--collection", tmp.resolve("none").toString());
        assertEquals(1, r.code());
    }

    @Test
    void dataStatsPrintsTheBuiltInCollection() {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true));
        try {
            assertEquals(0, run("data", "stats").code());
        } finally {
            System.setOut(old);
        }
        String s = buf.toString();
        assertTrue(s.contains("wordnet_nli") && s.contains("total"), s);
    }
}
