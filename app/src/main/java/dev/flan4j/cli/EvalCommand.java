package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.eval.ProgressLine;
import dev.flan4j.experiment.Table;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.CausalLm;
import dev.flan4j.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flan4j eval}: FLAN-protocol scores of a model on clusters of the collection. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score a model zero-shot (or k-shot) on clusters: rank classification (acc, acc_norm) or "
                + "generation (EM, F1, BLEU, ROUGE-L); mean over templates, best-dev template, cluster averages.")
public final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOption backend;

    @Mixin ModelOptions modelOptions;

    @Option(names = "--clusters", paramLabel = "CLUSTER", split = ",", required = true, description = "Clusters to score.")
    List<String> clusters;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "flan, flan_no_options, gpt3_continuation (untuned models), no_template or dataset_name.")
    String format = "flan";

    @Option(names = "--shots", paramLabel = "K", description = "Exemplars from train per prompt.") int shots;
    @Option(names = "--max-examples", paramLabel = "N", description = "Test examples per template (0 = all).") int maxExamples = 200;
    @Option(names = "--max-dev", paramLabel = "N", description = "Dev examples per template for best-template choice.") int maxDev = 50;
    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Most tokens generated per answer (generation tasks).")
    int maxNewTokens = 32;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the few-shot exemplar choice.") long seed = 1;
    @Option(names = "--collection", paramLabel = "DIR", description = "A collection folder (default: built-in mini-FLAN).")
    Path collection;
    @Option(names = "--out", paramLabel = "DIR", description = "Also write eval.md / eval.csv here.") Path out;
    @Option(names = "--no-progress", description = "No progress lines on stderr.") boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PromptFormat fmt = TuneCommand.parseFormat(format);
        Tokenizer tok = modelOptions.tokenizer(spec.commandLine().getErr());
        Collection c = Common.collection(collection);
        List<Dataset> datasets = c.datasetsIn(clusters);
        if (out != null) AtomicFiles.createDirectories(out);   // fail before scoring, not after
        try (Backend be = backend.create(); CausalLm m = modelOptions.load(be, tok)) {
            Evaluator e = new Evaluator(m, tok, new Evaluator.Options(fmt, shots, maxExamples, maxDev, maxNewTokens, seed));
            if (!noProgress) e.onProgress(ProgressLine.to(spec.commandLine().getErr(), "eval"));
            Evaluator.Report r = e.evaluate(datasets);
            List<List<String>> rows = new ArrayList<>();
            for (Evaluator.DatasetScore d : r.datasets()) {
                rows.add(List.of(d.dataset(), d.cluster(), d.metric(), Table.num(d.mean()), Table.num(d.bestDev()),
                        d.bestTemplate(), Table.num(d.minTemplate()) + "-" + Table.num(d.maxTemplate())));
            }
            r.clusterMean().forEach((cl, v) -> rows.add(List.of("[cluster average]", cl, "", Table.num(v),
                    Table.num(r.clusterBestDev().get(cl)), "", "")));
            Table t = new Table(List.of("dataset", "cluster", "metric", "mean over templates", "best-dev template",
                    "best template", "template range"), rows);
            System.out.print(t.text());
            if (out != null) t.write(out, "eval");
            return 0;
        }
    }
}
