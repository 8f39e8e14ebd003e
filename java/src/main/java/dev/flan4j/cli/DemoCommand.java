package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.experiment.Demo;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j demo}: the mini-FLAN pipeline end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Pretrain a small LM on the built-in corpus, instruction-tune it with one cluster held out, "
                + "and score base and tuned models zero-shot on that cluster (about 10 minutes on 2 CPU cores).")
public final class DemoCommand implements Callable<Integer> {
    @Mixin BackendOption backend;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("results", "demo");

    @Option(names = "--held-out", paramLabel = "CLUSTER", description = "Cluster held out of tuning (default: nli).")
    String heldOut;

    @Option(names = "--recipe", paramLabel = "NAME", description = "Named recipe (default: demo on CPU, demo-gpu on CUDA).")
    String recipe;

    @Option(names = "--preset", paramLabel = "NAME", description = "Model preset (default: the recipe's; 1m for demo).")
    String preset;

    @Option(names = "--pretrain-steps", paramLabel = "N") Integer pretrainSteps;
    @Option(names = "--tune-steps", paramLabel = "N") Integer tuneSteps;
    @Option(names = "--eval-examples", paramLabel = "N", description = "Test examples per template (0 = all).") Integer evalExamples;
    @Option(names = "--seed", paramLabel = "N") Long seed;
    @Option(names = "--no-progress", description = "No progress bars.") boolean noProgress;

    @Override
    public Integer call() throws Exception {
        try (Backend be = backend.create()) {
            Recipe d = Recipe.byName(recipe != null ? recipe : be.name().equals("cuda") ? "demo-gpu" : "demo");
            Recipe.Builder b = d.toBuilder();
            if (preset != null) b.model(preset);
            if (heldOut != null) b.heldOut(heldOut.toLowerCase(Locale.ROOT));
            if (pretrainSteps != null) b.pretrain(pretrainSteps, d.pretrain().lr()).checkpoints(4, d.pretrain().keepCheckpoints());
            if (tuneSteps != null) b.tune(tuneSteps, d.tune().lr()).checkpoints(4, d.tune().keepCheckpoints());
            if (evalExamples != null) b.eval(evalExamples, d.evalDev(), d.maxTemplates(), d.maxNewTokens());
            if (seed != null) b.seed(seed);
            d = b.build();
            Tokenizer tok = Tokenizers.byName("mini-bpe");
            System.out.println("flan4j demo on " + be.device() + "; results in " + out.toAbsolutePath());
            Demo.Result r = Demo.run(be, tok, Common.collection(null), Corpus.builtIn(), d, out, !noProgress);
            System.out.println();
            System.out.println("Zero-shot on the held-out cluster '" + d.heldOut().get(0) + "' (scores 0-100):");
            System.out.print(r.table().text());
            System.out.printf(Locale.ROOT, "%nwall time %.0f s; table and config written to %s%n", r.seconds(), out.toAbsolutePath());
            return 0;
        }
    }
}
