package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Corpus;
import dev.flan4j.experiment.Demo;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.PretrainedModels;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j demo}: the mini-FLAN pipeline end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Instruction-tune the shipped base LM (or one pretrained here with --from-scratch) with one cluster "
                + "held out, and score base and tuned models zero-shot on the tuned clusters' classification datasets and "
                + "on the held-out cluster, with majority baselines, 95%% intervals, verdicts and a learning curve.")
public final class DemoCommand implements Callable<Integer> {
    /** The shipped base the demo tunes by default. */
    static final String DEFAULT_BASE = "flan4j-base-1m";

    @Mixin BackendOption backend;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("results", "demo");

    @Option(names = "--base", paramLabel = "NAME_OR_PATH",
            description = "Base model to tune: a shipped model's name, a checkpoint or run folder (default: " + DEFAULT_BASE + ").")
    String base;

    @Option(names = "--from-scratch", description = "Pretrain the base here on the built-in corpus instead (the recipe's model preset).")
    boolean fromScratch;

    @Option(names = "--recipe", paramLabel = "NAME", description = "Named recipe (default: demo on CPU, demo-gpu on CUDA).")
    String recipe;

    @Option(names = "--held-out", paramLabel = "CLUSTER", description = "Cluster held out of tuning (default: nli).")
    String heldOut;

    @Option(names = "--preset", paramLabel = "NAME", description = "Model preset with --from-scratch (default: the recipe's, 1m).")
    String preset;

    @Option(names = "--pretrain-steps", paramLabel = "N") Integer pretrainSteps;
    @Option(names = "--tune-steps", paramLabel = "N") Integer tuneSteps;
    @Option(names = "--eval-examples", paramLabel = "N", description = "Test examples per template (0 = all).") Integer evalExamples;
    @Option(names = "--templates", paramLabel = "N", description = "Templates scored per dataset (0 = all).") Integer templates;
    @Option(names = "--curve", paramLabel = "POINTS", description = "Learning-curve checkpoints during tuning (0 = no curve).") Integer curvePoints;
    @Option(names = "--curve-examples", paramLabel = "N", description = "Test examples per dataset at each curve point.") Integer curveExamples;
    @Option(names = "--mixing-cap", paramLabel = "N",
            description = "Mixing cap of the tuning mixture: rates follow min(train size, N) (FLAN and default: the recipe's).")
    Integer mixingCap;
    @Option(names = "--turned-around", negatable = true, description = "Tune on the turned-around templates too "
            + "(FLAN does; the CPU demo recipe does not, see the README).")
    Boolean turnedAround;
    @Option(names = "--loss-norm", paramLabel = "HOW", description = "Tuning loss: token (every target token weighs "
            + "the same, as FLAN) or sequence (every example weighs the same; default: the recipe's).") String lossNorm;
    @Option(names = "--tune-tasks", paramLabel = "WHICH", description = "Task types tuned on: classification or all "
            + "(default: the recipe's; FLAN tunes on all).") String tuneTasks;
    @Option(names = "--tune-clusters", paramLabel = "CLUSTER", split = ",", description = "Clusters tuned on "
            + "(default: the recipe's; 'all' = every cluster FLAN allows with the held-out one out).") java.util.List<String> tuneClusters;
    @Option(names = "--seed", paramLabel = "N") Long seed;
    @Option(names = "--no-progress", description = "No progress bars.") boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (fromScratch && base != null) throw new IllegalArgumentException("--base and --from-scratch exclude each other");
        try (Backend be = backend.create()) {
            Recipe d = Recipe.byName(recipe != null ? recipe : be.name().equals("cuda") ? "demo-gpu" : "demo");
            Recipe.Builder b = d.toBuilder();
            if (preset != null) b.model(preset);
            if (heldOut != null) b.heldOut(heldOut.toLowerCase(Locale.ROOT));
            if (pretrainSteps != null) b.pretrain(pretrainSteps, d.pretrain().lr()).checkpoints(4, d.pretrain().keepCheckpoints());
            if (tuneSteps != null) b.tune(tuneSteps, d.tune().lr()).checkpoints(4, d.tune().keepCheckpoints());
            if (evalExamples != null || templates != null) {
                b.eval(evalExamples != null ? evalExamples : d.evalExamples(), d.evalDev(),
                        templates != null ? templates : d.maxTemplates(), d.maxNewTokens());
            }
            if (curvePoints != null || curveExamples != null) {
                b.curve(curvePoints != null ? curvePoints : d.curvePoints(), curveExamples != null ? curveExamples : d.curveExamples());
            }
            if (mixingCap != null || turnedAround != null) {
                b.mixture(d.mixture().withMaxExamples(mixingCap != null ? mixingCap : d.mixture().maxExamples())
                        .withTurnedAround(turnedAround != null ? turnedAround : d.mixture().turnedAround()));
            }
            if (lossNorm != null) b.tune(t -> t.lossNorm(dev.flan4j.train.TrainConfig.LossNorm.parse(lossNorm)));
            if (tuneTasks != null) {
                switch (tuneTasks.toLowerCase(Locale.ROOT)) {
                    case "all" -> b.tuneTasks(dev.flan4j.data.TaskType.values());
                    case "classification" -> b.tuneTasks(dev.flan4j.data.TaskType.CLASSIFICATION);
                    default -> throw new IllegalArgumentException("--tune-tasks must be classification or all, got '" + tuneTasks + "'");
                }
            }
            if (tuneClusters != null) {
                b.tuneClusters(tuneClusters.equals(java.util.List.of("all")) ? new String[0]
                        : tuneClusters.stream().map(x -> x.toLowerCase(Locale.ROOT)).toArray(String[]::new));
            }
            if (seed != null) b.seed(seed);
            d = b.build();
            Tokenizer tok = Tokenizers.byName("mini-bpe");
            System.out.println("flan4j demo on " + be.device() + "; results in " + out.toAbsolutePath());
            Demo.Base given = fromScratch ? null : loadBase(base, be);
            try {
                Demo.Result r = Demo.run(be, tok, Common.collection(null), Corpus.builtIn(), d, given, out, !noProgress);
                System.out.println();
                System.out.println("Zero-shot, tuned on " + (d.tuneClusters().isEmpty() ? "every cluster but '" + d.heldOut().get(0) + "'"
                        : String.join(", ", d.tuneClusters())) + (d.tuneTasks().size() == 1 ? " (" + d.tuneTasks().iterator().next()
                        .name().toLowerCase(Locale.ROOT) + " datasets)" : "") + ", '" + d.heldOut().get(0) + "' held out (scores 0-100):");
                System.out.print(r.table().text());
                System.out.println(Demo.footnote(d));
                System.out.println();
                r.verdicts().forEach(System.out::println);
                StringBuilder split = new StringBuilder();
                for (Map.Entry<String, Double> e : r.seconds().entrySet()) {
                    if (!e.getKey().equals("total")) split.append(String.format(Locale.ROOT, ", %s %.0f s", e.getKey(), e.getValue()));
                }
                System.out.printf(Locale.ROOT, "%nwall time %.0f s (%s); tables, learning curve and config written to %s%n",
                        r.totalSeconds(), split.substring(2), out.toAbsolutePath());
            } finally {
                if (given != null) given.model().close();
            }
            return 0;
        }
    }

    /**
     * The base to tune: {@code name} (a path, or a shipped model's name), or the default shipped base; null (pretrain
     * from scratch) when the default is not available in this build, which is said on the console.
     */
    private static Demo.Base loadBase(String name, Backend be) throws java.io.IOException {
        String want = name != null ? name : DEFAULT_BASE;
        Path p = Path.of(want);
        if (Files.isDirectory(p) || PretrainedModels.find(want).isPresent()) return new Demo.Base(ModelLoader.load(p, be), want);
        if (name != null) {
            throw new IllegalArgumentException("--base " + name + ": no model folder or shipped model of that name (shipped: "
                    + PretrainedModels.list().stream().map(PretrainedModels.Info::name).toList() + ")");
        }
        System.out.println("the shipped base '" + DEFAULT_BASE + "' is not in this build; pretraining one from scratch");
        return null;
    }
}
