package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.experiment.Table;
import dev.flan4j.model.Gpt;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j eval}: FLAN-protocol scores of a model on clusters of the collection. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score a model zero-shot (or k-shot) on clusters: rank classification (acc, acc_norm) or "
                + "generation (EM, F1, BLEU, ROUGE-L); mean over templates, best-dev template, cluster averages.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin BackendOption backend;

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Checkpoint, run folder or Hugging Face GPT-2 folder.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "NAME") String tokenizer = "mini-bpe";

    @Option(names = "--clusters", paramLabel = "CLUSTER", split = ",", required = true, description = "Clusters to score.")
    List<String> clusters;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "flan (default), flan_no_options, gpt3_continuation (untuned models), no_template or dataset_name.")
    String format = "flan";

    @Option(names = "--shots", paramLabel = "K", description = "Exemplars from train per prompt (default 0).") int shots;
    @Option(names = "--max-examples", paramLabel = "N", description = "Test examples per template (0 = all; default 200).") int maxExamples = 200;
    @Option(names = "--max-dev", paramLabel = "N", description = "Dev examples per template for best-template choice (default 50).") int maxDev = 50;
    @Option(names = "--max-new-tokens", paramLabel = "N") int maxNewTokens = 32;
    @Option(names = "--seed", paramLabel = "N") long seed = 1;
    @Option(names = "--collection", paramLabel = "DIR") Path collection;
    @Option(names = "--out", paramLabel = "DIR", description = "Also write eval.md / eval.csv here.") Path out;

    @Override
    public Integer call() throws Exception {
        PromptFormat fmt = TuneCommand.parseFormat(format);
        Tokenizer tok = Tokenizers.byName(tokenizer);
        Collection c = Common.collection(collection);
        List<Dataset> datasets = c.datasetsIn(clusters);
        try (Backend be = backend.create(); Gpt m = ModelLoader.load(model, be)) {
            ModelLoader.requireMatch(m, tok);
            Evaluator.Report r = new Evaluator(m, tok, new Evaluator.Options(fmt, shots, maxExamples, maxDev, maxNewTokens, seed))
                    .evaluate(datasets);
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
            if (out != null) {
                Files.createDirectories(out);
                t.write(out, "eval");
            }
            return 0;
        }
    }
}
