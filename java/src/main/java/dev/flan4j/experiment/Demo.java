package dev.flan4j.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Splits;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job: on the built-in collection, pretrain a small LM, instruction-tune it with one cluster held out,
 * score the base model (continuation prompts) and the tuned model (instructions) zero-shot on the held-out cluster,
 * print the table and write it with the run's configuration to the output folder.
 */
public final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the demo produced. */
    public record Result(Table table, Evaluator.Report base, Evaluator.Report tuned, double seconds) {}

    private Demo() {}

    public static Result run(Backend be, Tokenizer tok, Collection coll, Corpus corpus, Recipe c, Path out,
                             boolean progress) throws IOException {
        long t0 = System.nanoTime();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("job", "demo");
        run.put("run", RunInfo.describe(be));
        run.put("recipe", c);
        GptConfig model = GptConfig.preset(c.model()).withVocabSize(tok.vocabSize()).withBlockSize(c.seqLen());
        run.put("model", model);
        run.put("tokenizer", tok.name());
        String heldOut = c.heldOut().get(0);
        Splits.Split split = Splits.leaveOut(coll, heldOut);
        run.put("tune_clusters", split.tuneClusters());
        run.put("eval_clusters", split.evalClusters());

        Stages.Stage base = Stages.pretrain(be, model, tok, corpus, c.pretrain(), out.resolve("pretrain"), progress);
        Stages.Stage tuned = Stages.tune(base.model(), tok, split.tune(), PromptFormat.FLAN, Mixture.Config.FLAN, true,
                c.tune(), out.resolve("tune-" + heldOut), progress);
        Evaluator.Report baseReport = new Evaluator(base.model(), tok,
                new Evaluator.Options(PromptFormat.GPT3_CONTINUATION, 0, c.evalExamples(), c.evalDev(), c.maxNewTokens(), c.seed()))
                .evaluate(split.eval());
        Evaluator.Report tunedReport = new Evaluator(tuned.model(), tok,
                new Evaluator.Options(PromptFormat.FLAN, 0, c.evalExamples(), c.evalDev(), c.maxNewTokens(), c.seed()))
                .evaluate(split.eval());
        Table table = compare(baseReport, tunedReport);
        double secs = (System.nanoTime() - t0) / 1e9;
        run.put("wall_seconds", secs);
        run.put("pretrain", summary(base));
        run.put("tune", summary(tuned));
        table.write(out, "results");
        AtomicFiles.writeString(out.resolve("run.json"), JSON.writeValueAsString(run));
        base.model().close();
        tuned.model().close();
        return new Result(table, baseReport, tunedReport, secs);
    }

    private static Map<String, Object> summary(Stages.Stage s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reused_checkpoint", s.reused());
        if (s.result() != null) {
            m.put("steps", s.result().steps());
            m.put("first_loss", s.result().losses().isEmpty() ? null : s.result().losses().get(0));
            m.put("final_loss", s.result().finalLoss());
            m.put("tokens_per_s", s.result().tokensPerSecond());
            m.put("seconds", s.result().seconds());
        }
        return m;
    }

    /**
     * Dataset rows then cluster averages: base and tuned, mean over templates and best-dev template, plus acc_norm
     * (length-normalized rank classification, mean over templates) beside FLAN's acc.
     */
    public static Table compare(Evaluator.Report base, Evaluator.Report tuned) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < base.datasets().size(); i++) {
            Evaluator.DatasetScore b = base.datasets().get(i), t = tuned.datasets().get(i);
            rows.add(List.of(b.dataset(), b.cluster(), b.metric(), Table.num(b.mean()), Table.num(b.bestDev()),
                    Table.num(accNorm(base, b.dataset())), Table.num(t.mean()), Table.num(t.bestDev()),
                    Table.num(accNorm(tuned, t.dataset())), Table.num(t.minTemplate()) + "-" + Table.num(t.maxTemplate())));
        }
        base.clusterMean().forEach((cluster, bm) -> rows.add(List.of("[cluster average]", cluster, "", Table.num(bm),
                Table.num(base.clusterBestDev().get(cluster)), "", Table.num(tuned.clusterMean().get(cluster)),
                Table.num(tuned.clusterBestDev().get(cluster)), "", "")));
        return new Table(List.of("dataset", "cluster", "metric", "base (mean)", "base (best dev)", "base acc_norm",
                "tuned (mean)", "tuned (best dev)", "tuned acc_norm", "tuned template range"), rows);
    }

    /** Mean over templates of the test acc_norm of a dataset (NaN for generation tasks). */
    private static double accNorm(Evaluator.Report r, String dataset) {
        return r.templates().stream().filter(t -> t.dataset().equals(dataset) && t.split().equals("test"))
                .mapToDouble(Evaluator.TemplateScore::accNorm).average().orElse(Double.NaN);
    }
}
