package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProfileCommandTest {
    /** Small enough for a 2-core machine: every op in milliseconds. */
    private static final String[] TINY = {"--backend", "cpu", "--B", "1", "--T", "8", "--C", "16", "--NH", "2",
            "--V", "70", "--L", "1", "--runs", "2", "--warmup", "0"};

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = new CommandLine(new ProfileCommand());
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] tiny(String... args) {
        List<String> l = new ArrayList<>(List.of(args));
        l.addAll(List.of(TINY));
        return l.toArray(String[]::new);
    }

    @Test
    void help() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String s : List.of("OP", "--B", "--shape", "--direction", "--dtype", "--runs", "--warmup", "--backend",
                "--peak-gflops", "--format", "--out", "--preset", "suite")) {
            assertTrue(r.out().contains(s), "help mentions " + s);
        }
    }

    @Test
    void badArgumentsGiveClearErrorsNamingTheValue() {
        assertError(run("softmax", "--backend", "cpu"), "unknown op 'softmax'");
        assertError(run("matmul", "--B", "-4", "--backend", "cpu"), "--B must be a positive integer, got -4");
        assertError(run("matmul", "--shape", "M=0", "--backend", "cpu"), "shape M must be a positive integer, got 0");
        assertError(run("matmul", "--shape", "Z=3", "--backend", "cpu"), "unknown shape key 'Z'");
        assertError(run("matmul", "--format", "xml", "--backend", "cpu"), "unknown format 'xml'");
        assertError(run("matmul", "--dtype", "fp8", "--backend", "cpu"), "unknown dtype 'fp8'");
        assertError(run("matmul", "--runs", "0", "--backend", "cpu"), "--runs must be >= 1, got 0");
        assertError(run("adamw", "--direction", "bwd", "--backend", "cpu"), "op adamw has no direction 'bwd'");
        assertError(run("suite", "--backend", "cpu"), "suite needs --preset");
        assertError(run("suite", "--preset", "huge", "--backend", "cpu"), "unknown model preset 'huge'");
        assertError(run(tiny("layernorm", "--dtype", "bf16")),
                "--backend cpu: --precision bf16 needs the CUDA backend; the cpu backend computes in fp32");
        assertError(run("matmul", "--backend", "tpu"), "unknown backend 'tpu'");
        assertError(run(tiny("suite", "--preset", "tiny", "--dtype", "bf16")),
                "--backend cpu: --precision bf16 needs the CUDA backend");
        assertError(run(tiny("layernorm", "--dtype", "bf16", "--precision", "fp32")),
                "--dtype bf16 contradicts --precision fp32");
        assertError(run(tiny("layernorm", "--dtype", "fp16")), "--dtype fp16: the backends compute in fp32 or bf16");
        assertError(run(tiny("layernorm", "--precision", "fp8")), "--precision must be fp32, bf16 or auto, got 'fp8'");
        assertError(run(), "Missing required parameter: 'OP'");
    }

    private static void assertError(Run r, String message) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "' but was: " + r.err());
    }

    @Test
    void tinyRunPrintsATableWithTheCpuHeader() {
        Run r = run(tiny("attention", "--direction", "bwd"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("# backend: cpu"), r.out());
        assertTrue(r.out().contains("# note: CPU backend"), r.out());
        assertTrue(r.out().contains("# l2_flush: L2 flush: skipped (CPU backend)"), r.out());
        assertTrue(r.out().contains("# peak: peak unknown on CPU"), r.out());
        assertTrue(r.out().contains("# timer: System.nanoTime"), r.out());
        String[] lines = r.out().split("\n");
        String head = Stream.of(lines).filter(l -> l.startsWith("label")).findFirst().orElseThrow();
        assertTrue(head.matches("label\\s+dir\\s+dtype\\s+shape\\s+median_ms\\s+min_ms\\s+p90_ms\\s+TFLOP/s\\s+GB/s\\s+%peak\\s+tokens/s\\s+launch"), head);
        assertTrue(lines[lines.length - 1].startsWith("attention  bwd  fp32   B=1,T=8,NH=2,HD=8"), lines[lines.length - 1]);
    }

    @Test
    void autoWithoutAGpuSaysItProfilesTheCpu() {
        List<String> a = new ArrayList<>(List.of(tiny("gelu")));
        a.set(a.indexOf("cpu"), "auto");
        Run r = run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no GPU backend available here (auto chose cpu)"), r.out());
    }

    @Test
    void withoutBackendOptionTheConfiguredBackendIsUsed() {
        List<String> a = new ArrayList<>(List.of(tiny("gelu")));
        int i = a.indexOf("--backend");
        a.remove(i + 1);
        a.remove(i);
        String before = System.getProperty(dev.flan4j.backend.Backends.PROPERTY);
        System.setProperty(dev.flan4j.backend.Backends.PROPERTY, "cpu");
        try {
            Run r = run(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("# backend: cpu"), r.out());
            assertTrue(r.out().contains("# note: CPU backend (fp32 reference), not a GPU"), r.out());
            System.setProperty(dev.flan4j.backend.Backends.PROPERTY, "tpu");
            assertError(run(a.toArray(String[]::new)), "--backend tpu: unknown backend 'tpu'");
        } finally {
            if (before == null) System.clearProperty(dev.flan4j.backend.Backends.PROPERTY);
            else System.setProperty(dev.flan4j.backend.Backends.PROPERTY, before);
        }
    }

    @Test
    void jsonWithPeakOverride() throws Exception {
        Run r = run(tiny("matmul", "--shape", "M=8,N=12,K=4", "--format", "json", "--peak-gflops", "100"));
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals("flan4j-profile/1", n.get("schema").asText());
        assertEquals("cpu", n.get("header").get("backend").asText());
        JsonNode x = n.get("results").get(0);
        assertEquals("M=8,N=12,K=4", x.get("shape").asText());
        assertEquals(768.0, x.get("flops").asDouble());
        assertEquals(2, x.get("runs").asInt());
        assertTrue(x.get("peak_pct").isNumber(), x.toString());
        assertEquals("0.1 TFLOP/s fp32", x.get("peak_basis").asText());
    }

    @Test
    void suiteToCsvFileAtomically(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sub/suite.csv");
        Run r = run(tiny("suite", "--preset", "tiny", "--format", "csv", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 20 result(s) to"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.get(0).startsWith("tool,backend,device,label,op,direction,dtype,shape,runs,median_ms"), lines.get(0));
        assertEquals(21, lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.contains(",matmul.lm_head,matmul,bwd,fp32,\"M=8,N=128,K=16\",2,")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",flce,flce,fwd+bwd,fp32,\"B=")), String.join("\n", lines));
        assertTrue(lines.get(20).contains(",step,step,fwd+bwd,fp32,"), lines.get(20));
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temp file is left behind");
        }
    }
}
