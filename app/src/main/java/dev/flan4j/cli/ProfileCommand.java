package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.kernels.KernelDType;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.GptConfig;
import dev.flan4j.profile.Direction;
import dev.flan4j.profile.Op;
import dev.flan4j.profile.OpSpec;
import dev.flan4j.profile.Profiler;
import dev.flan4j.profile.Report;
import dev.flan4j.profile.ReportWriter;
import dev.flan4j.profile.Result;
import dev.flan4j.profile.Shape;
import dev.flan4j.profile.Suite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flan4j profile <op>|suite}: times one op (or a model preset's ops) and reports throughput and % of peak. */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Times an op on a backend: median, min and p90 over --runs runs, TFLOP/s or GB/s from analytic "
                        + "formulas, and %% of the device's peak.",
                "Ops: matmul, layernorm, attention, cross_entropy, flce (fused LM head + cross-entropy), gelu, adamw, "
                        + "step (model forward+backward), "
                        + "or 'suite' for every op of a --preset at its shapes.",
                "Without a GPU the CPU backend is profiled and the header says so."},
        footer = {"", "Examples:",
                "  flan4j profile attention --B 8 --T 1024 --NH 12 --HD 64 --direction bwd",
                "  flan4j profile matmul --shape M=8192,N=2304,K=768 --format json --out mm.json",
                "  flan4j profile flce --B 8 --T 1024 --C 768 --V 50257 --shape M=333   (M=8192: one chunk)",
                "  flan4j profile suite --preset gpt2 --B 8 --T 1024 --format csv --out suite.csv"})
public final class ProfileCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OP",
            description = "matmul | layernorm | attention | cross_entropy | gelu | adamw | step | suite")
    String opName;

    @Option(names = "--B", paramLabel = "N", description = "Batch rows (default ${DEFAULT-VALUE}).", defaultValue = "8")
    long B;
    @Option(names = "--T", paramLabel = "N", description = "Tokens per row (default: the preset's block size, else 256).")
    Long T;
    @Option(names = "--C", paramLabel = "N", description = "Channels (default: preset, else 768).")
    Long C;
    @Option(names = "--NH", paramLabel = "N", description = "Attention heads (default: preset, else 12).")
    Long NH;
    @Option(names = "--HD", paramLabel = "N", description = "Head dim (default C/NH).")
    Long HD;
    @Option(names = "--V", paramLabel = "N", description = "Vocabulary (default: preset, else 50257); Vp = V rounded up to 64.")
    Long V;
    @Option(names = "--L", paramLabel = "N", description = "Layers, for step (default: preset, else 12).")
    Long L;
    @Option(names = "--shape", paramLabel = "k=v,...",
            description = "Sizes by key: " + Shape.KEYS + " (matmul: out[M,N] = a[M,K] @ b[K,N], default M=B*T, N=4C, "
                    + "K=C; flce: M token rows per chunk, default B*T = one chunk; adamw: P elements). "
                    + "Named options win over --shape.")
    String shape;
    @Option(names = "--preset", paramLabel = "NAME",
            description = "Model preset giving C, NH, V, L and T (required for suite): tiny, 1m, 3m, 10m, 30m, gpt2.")
    String preset;
    @Option(names = "--direction", paramLabel = "DIR",
            description = "fwd | bwd | fwd+bwd (default: fwd; fwd+bwd for cross_entropy and step, where bwd means the "
                    + "fused pass).")
    String direction;
    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "fp32 | bf16: the backend's precision to profile (bf16: CUDA mixed precision, casts "
                    + "included); sets --precision. Default: the backend's precision (--precision, else auto).")
    String dtype;
    @Option(names = "--runs", paramLabel = "N", defaultValue = "20", description = "Timed runs (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Mixin BackendOption backend;
    @Option(names = "--peak-gflops", paramLabel = "X",
            description = "Compute peak in GFLOP/s for %% of peak (needed on CPU; overrides the GPU table).")
    Double peakGflops;
    @Option(names = "--peak-gbps", paramLabel = "X",
            description = "Memory bandwidth peak in GB/s for %% of peak of memory-bound ops.")
    Double peakGbps;
    @Option(names = "--format", paramLabel = "FMT", defaultValue = "table", description = "table | json | csv (default ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the report here (atomically) instead of stdout.")
    Path out;

    @Override
    public Integer call() throws IOException {
        boolean suite = "suite".equalsIgnoreCase(opName.trim());
        Op op;
        ReportWriter.Format fmt;
        KernelDType dt;
        Direction dir;
        GptConfig cfg;
        Shape sh;
        try {
            op = suite ? null : Op.parse(opName);
            fmt = ReportWriter.Format.parse(format);
            if (dtype != null) {
                dt = KernelDType.parse(dtype);
                if (dt == KernelDType.F16) throw new IllegalArgumentException("--dtype fp16: the backends compute in fp32 or bf16");
                if (backend.precision != null && !backend.precision.trim().equalsIgnoreCase(dt.label())) {
                    throw new IllegalArgumentException("--dtype " + dtype + " contradicts --precision " + backend.precision);
                }
                backend.precision = dt.label();
            } else {
                dt = null;   // the backend's precision, once it exists
            }
            if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
            if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
            if (peakGflops != null && !(peakGflops > 0)) throw new IllegalArgumentException("--peak-gflops must be > 0, got " + peakGflops);
            if (peakGbps != null && !(peakGbps > 0)) throw new IllegalArgumentException("--peak-gbps must be > 0, got " + peakGbps);
            dir = direction == null ? null : Direction.parse(direction);
            if (suite && dir != null) throw new IllegalArgumentException("--direction does not apply to suite (it runs every pass)");
            if (suite && preset == null) throw new IllegalArgumentException("suite needs --preset; presets: " + GptConfig.PRESETS.keySet());
            cfg = preset == null ? null : GptConfig.preset(preset);
            Map<String, Long> given = Shape.parse(shape);
            named(given, "B", B);
            named(given, "T", T);
            named(given, "C", C);
            named(given, "NH", NH);
            named(given, "HD", HD);
            named(given, "V", V);
            named(given, "L", L);
            sh = Shape.resolve(given, cfg);
            if (op != null) op.resolve(dir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }

        String requested = backend.backend != null ? backend.backend : Backends.configuredName();
        Backend be;
        try {
            be = backend.create();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), "--backend " + requested + ": " + e.getMessage());
        }
        if (dt == null) dt = Profiler.dtypeOf(be);
        try (be) {
            List<OpSpec> specs = suite ? Suite.specs(sh, dt) : List.of(new OpSpec(op, dir, dt, sh));
            try (Profiler profiler = new Profiler(be, warmup, runs, peakGflops, peakGbps)) {
                List<String> skipped = new ArrayList<>();
                if (suite) {
                    // A suite runs what the backend supports in this dtype and lists the rest in the header.
                    List<OpSpec> runnable = new ArrayList<>();
                    for (OpSpec s : specs) {
                        if (profiler.supports(s)) runnable.add(s);
                        else skipped.add(s.label() + " " + s.direction() + ": " + profiler.unsupported(s));
                    }
                    if (runnable.isEmpty()) {
                        throw new ParameterException(spec.commandLine(), "no op of the suite supports dtype " + dt
                                + " on the " + be.name() + " backend");
                    }
                    specs = runnable;
                }
                try {
                    for (OpSpec s : specs) profiler.check(s);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
                Map<String, Object> header = header(be, profiler, suite, requested);
                if (!skipped.isEmpty()) {
                    header.put("skipped", String.join("; ", skipped));
                }
                List<Result> results = new ArrayList<>();
                for (OpSpec s : specs) results.add(profiler.run(s));
                String text = ReportWriter.render(new Report(header, results), fmt);
                PrintWriter o = spec.commandLine().getOut();
                if (out != null) {
                    AtomicFiles.writeString(out, text);
                    o.println("wrote " + results.size() + " result(s) to " + out);
                } else {
                    o.print(text);
                }
                o.flush();
            }
        }
        return 0;
    }

    private Map<String, Object> header(Backend be, Profiler p, boolean suite, String requested) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("tool", "flan4j");
        h.put("backend", be.name());
        h.put("device", be.device());
        h.put("gpu", p.gpuName());
        if (be.name().equals("cpu")) {
            h.put("note", requested.trim().equalsIgnoreCase("auto")
                    ? "no GPU backend available here (auto chose cpu): these are CPU backend numbers"
                    : "CPU backend (fp32 reference), not a GPU");
        }
        h.put("preset", preset);
        h.put("mode", suite ? "suite" : "op");
        h.put("timer", p.timerDescription());
        h.put("l2_flush", p.flushDescription());
        h.put("peak", p.peakDescription());
        h.put("runs", runs);
        h.put("warmup", warmup);
        h.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        String commit = System.getenv("FLAN4J_COMMIT");
        if (commit != null && !commit.isBlank()) h.put("commit", commit.trim());
        h.put("java", System.getProperty("java.version"));
        return h;
    }

    private static void named(Map<String, Long> given, String key, Long v) {
        if (v == null) return;
        if (v <= 0) throw new IllegalArgumentException("--" + key + " must be a positive integer, got " + v);
        given.put(key, v);
    }
}
