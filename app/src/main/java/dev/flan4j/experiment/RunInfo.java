package dev.flan4j.experiment;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.cuda.CudaBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every run records beside its results: commit, backend, device, precision (and on CUDA whether fp32 GEMMs may
 * use TF32), Java, host size, start time.
 */
public final class RunInfo {
    private RunInfo() {}

    public static Map<String, Object> describe(Backend backend) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("started", Instant.now().toString());
        m.put("commit", gitCommit());
        m.put("backend", backend.name());
        m.put("device", backend.device());
        m.put("precision", backend.precision().label());
        if (backend instanceof CudaBackend c) m.put("tf32", c.tf32());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        return m;
    }

    /** The current git commit (with "-dirty" when the tree has changes), or "unknown" outside a checkout. */
    public static String gitCommit() {
        try {
            String head = run("git", "rev-parse", "HEAD");
            if (head.isEmpty()) return "unknown";
            return run("git", "status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "-dirty";
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return "";
        return out;
    }
}
