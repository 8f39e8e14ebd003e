package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Corpus;
import dev.flan4j.experiment.repro.Lab;
import dev.flan4j.experiment.repro.Repro;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flan4j repro}: the paper's experiments, with tables, figures, run.json and REPORT.md. */
@Command(name = "repro", mixinStandardHelpOptions = true,
        description = {"Reproduce the FLAN paper's experiments on the built-in collection:",
                "  zero-shot     held-out clusters: untuned base (0-shot, few-shot) vs instruction-tuned, per dataset and cluster",
                "  clusters      number of tuning clusters 1..7 vs the held-out average (ablation 1)",
                "  scale         a ladder of model sizes, tuned vs untuned (ablation 2)",
                "  instructions  tuning with no template / dataset name / FLAN instructions (ablation 3)",
                "  few-shot      k exemplars with the tuned model and the spread across templates",
                "  all           the five in turn",
                "  report        only rewrite OUT/REPORT.md from the experiment folders present (no training)",
                "Writes OUT/<experiment>/ (tables .md/.csv, figures .png, run.json, REPORT.md) and OUT/REPORT.md;",
                "models and cached evaluations go to RUNS, shared by the experiments of a preset and seed.",
                "Presets: cpu-mini (2 CPU cores, 3 seeds), gpu (one H100-class GPU, 3 seeds), tiny (seconds; tests).",
                "With several seeds the first seed's folders are OUT/<experiment>/, the others OUT/seed-<n>/, and",
                "OUT/<experiment>/seeds.md holds every number's mean and 95%% interval across seeds."})
public final class ReproCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin BackendOption backend;

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "zero-shot, clusters, scale, instructions, few-shot, all or report.")
    String experiment;

    @Option(names = "--preset", paramLabel = "NAME", description = "cpu-mini, gpu or tiny (default: gpu on CUDA, else cpu-mini).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: repro/results/<preset>).")
    Path out;

    @Option(names = "--runs", paramLabel = "DIR",
            description = "Checkpoints and cached evaluations, kept out of git (default: runs/repro/<preset>).")
    Path runs;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of model init, data order and exemplars (default: ${DEFAULT-VALUE}).")
    long seed = 1234;

    @Option(names = "--seeds", paramLabel = "N",
            description = "Seeds to run (seed, seed+1, ...; default: the preset's, 3 for cpu-mini and gpu); means and 95%% intervals across them.")
    Integer seeds;

    @Option(names = "--no-progress", description = "No progress bars.") boolean noProgress;

    @Option(names = "--from-scratch",
            description = "Pretrain the main model here instead of starting from the preset's shipped base (cpu-mini: flan4j-base-1m).")
    boolean fromScratch;

    /** Runs {@code flan4j repro} on its own (before, or besides, its registration in {@link Main}). */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ReproCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + Main.message(ex)));
            if (Boolean.getBoolean("flan4j.debug")) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Repro.Experiment> todo = new ArrayList<>();
        try {
            if (experiment.equalsIgnoreCase("report")) {
                Recipe p = Recipe.byName(preset != null ? preset : "cpu-mini");
                Path outDir = out != null ? out : Path.of("repro", "results", p.name());
                if (!java.nio.file.Files.isDirectory(outDir)) throw new IllegalArgumentException("no results folder " + outDir);
                Repro.writeRunSetReport(outDir);
                spec.commandLine().getOut().println("wrote " + outDir.resolve("REPORT.md").toAbsolutePath());
                return 0;
            }
            if (experiment.equalsIgnoreCase("all")) todo.addAll(List.of(Repro.Experiment.values()));
            else todo.add(Repro.Experiment.byId(experiment));
            if (preset != null) Recipe.byName(preset);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (Backend be = backend.create()) {
            Recipe p = Recipe.byName(preset != null ? preset : be.name().equals("cuda") ? "gpu" : "cpu-mini");
            if (fromScratch) p = p.toBuilder().base(null).build();
            Path outDir = out != null ? out : Path.of("repro", "results", p.name());
            Path runDir = runs != null ? runs : Path.of("runs", "repro", p.name());
            Tokenizer tok = Tokenizers.byName("mini-bpe");
            var w = spec.commandLine().getOut();
            w.println("flan4j repro " + experiment + " (preset " + p.name() + ", seed " + seed + ") on " + be.device()
                    + "; results in " + outDir.toAbsolutePath() + ", models in " + runDir.toAbsolutePath());
            w.flush();
            int n = seeds != null ? seeds : p.seeds();
            if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be >= 1, got " + n);
            List<Long> seedList = new ArrayList<>();
            List<Path> seedDirs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long s = seed + i;
                Path o = i == 0 ? outDir : outDir.resolve("seed-" + s);
                seedList.add(s);
                seedDirs.add(o);
                try (Lab lab = new Lab(be, tok, Common.collection(null), Corpus.builtIn(), p, s, runDir, !noProgress)) {
                    for (Repro.Experiment e : todo) {
                        Repro.Result r = Repro.run(e, lab, o);
                        w.println();
                        w.printf(Locale.ROOT, "%s: %.0f s (seed %d), written to %s%n", e.id, r.seconds(), s, r.dir().toAbsolutePath());
                        if (i == 0) r.tables().forEach((name, t) -> {
                            w.println(name + ":");
                            w.print(t.text());
                        });
                        w.flush();
                    }
                }
            }
            if (n > 1) {
                for (Repro.Experiment e : todo) {
                    w.println();
                    w.println(e.id + " across seeds " + seedList + ":");
                    w.print(Repro.writeSeedSummary(e, outDir, seedDirs, seedList).text());
                }
                w.flush();
            }
            return 0;
        }
    }
}
