package dev.flan4j.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Metric;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Splits;
import dev.flan4j.data.TaskType;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.eval.Stats;
import dev.flan4j.experiment.repro.Charts;
import dev.flan4j.experiment.repro.Lab;
import dev.flan4j.experiment.repro.Scores;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job: instruction-tune a base LM (a shipped pretrained one, or one pretrained here from scratch) on every
 * cluster but a held-out one (with FLAN's extra exclusions), then score base (continuation prompts) and tuned model
 * (instructions) zero-shot on the classification datasets of the tuned clusters (seen) and on the held-out cluster.
 * Per dataset: majority-class baseline, base and tuned scores with 95% Wilson intervals; per cluster a one-sentence
 * verdict; a learning curve (accuracy vs tuning step on a small fixed subset). Writes results.csv/.md, clusters.csv,
 * learning_curve.png/.csv and run.json (recipe, base, wall-time split) to the output folder.
 */
public final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Where the base model comes from: a loaded model and its name, or null to pretrain one from scratch. */
    public record Base(CausalLm model, String name) {}

    /**
     * One dataset's (or, with dataset "[cluster]", one cluster's pooled) scores, all 0-100. {@code majority} is the
     * accuracy of always giving the most frequent gold answer (NaN for generation metrics); CIs are NaN where the
     * metric is not a proportion.
     */
    public record Row(String dataset, String cluster, boolean seen, String metric, int n, int templates, double majority,
                      double base, double baseLow, double baseHigh, double tuned, double tunedLow, double tunedHigh) {}

    /** One learning-curve point: mean accuracy (0-100) of the seen and held-out subsets, with pooled Wilson CIs. */
    public record CurvePoint(int step, double seen, double seenLow, double seenHigh, double heldOut, double heldOutLow,
                             double heldOutHigh) {}

    /** What the demo produced; {@code seconds} splits the wall time by phase. */
    public record Result(Table table, List<Row> rows, List<Row> clusters, List<String> verdicts, List<CurvePoint> curve,
                         Evaluator.Report base, Evaluator.Report tuned, Map<String, Double> seconds, double totalSeconds) {}

    private Demo() {}

    public static Result run(Backend be, Tokenizer tok, Collection coll, Corpus corpus, Recipe c, Base given, Path out,
                             boolean progress) throws IOException {
        long t0 = System.nanoTime();
        Map<String, Double> secs = new LinkedHashMap<>();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("job", "demo");
        run.put("run", RunInfo.describe(be));
        run.put("recipe", c);
        run.put("tokenizer", tok.name());
        String heldOut = c.heldOut().get(0);
        Splits.Split split = tuneSplit(coll, c);
        run.put("tune_clusters", split.tuneClusters());
        run.put("eval_clusters", split.evalClusters());

        long t = System.nanoTime();
        Stages.Stage base;
        if (given == null) {
            GptConfig cfg = GptConfig.preset(c.model()).withVocabSize(tok.vocabSize()).withBlockSize(c.seqLen());
            base = Stages.pretrain(be, cfg, tok, corpus, c.pretrain(), out.resolve("pretrain"), progress);
            run.put("base", Map.of("source", "pretrained from scratch", "pretrain", summary(base)));
        } else {
            requireFits(given.model(), tok, c);
            base = new Stages.Stage(given.model(), null, true);
            run.put("base", Map.of("source", given.name(), "parameters", given.model().numParameters()));
        }
        run.put("model", base.model().config());
        secs.put(given == null ? "pretrain" : "load_base", since(t));

        TrainConfig tuneCfg = c.tune();
        if (c.curvePoints() > 0) {
            tuneCfg = tuneCfg.toBuilder().checkpoints(Math.max(1, tuneCfg.steps() / c.curvePoints()), c.curvePoints() + 1).build();
        }
        Path tuneDir = out.resolve("tune-" + heldOut);
        Map<String, Object> settings = new LinkedHashMap<>();   // ordered, so equal settings write equal text
        settings.put("base", given == null ? "pretrained from scratch" : given.name());
        settings.put("base_config", base.model().config());
        settings.put("tune", tuneCfg);
        settings.put("mixture", c.mixture());
        settings.put("tune_tasks", c.tuneTasks());
        settings.put("tune_clusters", split.tuneClusters());
        settings.put("held_out", heldOut);
        claim(tuneDir, JSON.writeValueAsString(settings));
        t = System.nanoTime();
        List<Dataset> tuneData = c.tunable(split.tune());
        run.put("tune_datasets", tuneData.stream().map(Dataset::name).toList());
        Stages.Stage tuned = Stages.tune(base.model(), tok, tuneData, PromptFormat.FLAN, c.mixture(), true,
                tuneCfg, tuneDir, progress);
        secs.put("tune", since(t));
        run.put("tune", summary(tuned));

        List<Dataset> seen = split.tune().stream().filter(d -> d.task() == TaskType.CLASSIFICATION).toList();
        List<Dataset> scored = new ArrayList<>();
        for (Dataset d : seen) scored.add(Lab.limitTemplates(d, c.maxTemplates()));
        for (Dataset d : split.eval()) scored.add(Lab.limitTemplates(d, c.maxTemplates()));
        t = System.nanoTime();
        Evaluator.Report baseReport = new Evaluator(base.model(), tok, new Evaluator.Options(PromptFormat.GPT3_CONTINUATION,
                0, c.evalExamples(), c.evalDev(), c.maxNewTokens(), c.seed())).evaluate(scored);
        secs.put("score_base", since(t));
        t = System.nanoTime();
        Evaluator.Report tunedReport = new Evaluator(tuned.model(), tok, new Evaluator.Options(PromptFormat.FLAN, 0,
                c.evalExamples(), c.evalDev(), c.maxNewTokens(), c.seed())).evaluate(scored);
        secs.put("score_tuned", since(t));
        run.put("scoring_truncation", Map.of("base", dev.flan4j.experiment.repro.Lab.truncationInfo(baseReport.truncation()),
                "tuned", dev.flan4j.experiment.repro.Lab.truncationInfo(tunedReport.truncation())));

        t = System.nanoTime();
        List<CurvePoint> curve = c.curvePoints() == 0 ? List.of()
                : curve(base.model(), tuned.model(), tok, scored, split.tuneClusters(), tuneCfg, tuneDir, c);
        secs.put("learning_curve", since(t));

        List<Row> rows = rows(coll, scored, split.tuneClusters(), baseReport, tunedReport);
        List<Row> clusters = clusterRows(rows);
        List<String> verdicts = clusters.stream().map(Demo::verdict).toList();
        Table table = display(rows, clusters);
        Files.createDirectories(out);
        data(rows).write(out, "results");
        AtomicFiles.writeString(out.resolve("results.md"), markdown(table, verdicts, heldOut, c, !curve.isEmpty()));
        data(clusters).write(out, "clusters");
        Files.deleteIfExists(out.resolve("clusters.md"));
        if (!curve.isEmpty()) writeCurve(curve, heldOut, out);
        double total = since(t0);
        secs.put("total", total);
        run.put("wall_seconds", total);
        run.put("seconds", secs);
        run.put("verdicts", verdicts);
        run.put("curve", curve);
        AtomicFiles.writeString(out.resolve("run.json"), JSON.writeValueAsString(run));
        if (given == null) base.model().close();
        tuned.model().close();
        return new Result(table, rows, clusters, verdicts, curve, baseReport, tunedReport, secs, total);
    }

    /**
     * Makes sure a tuning folder is resumed or reused only by a run with the same settings: the first run writes them
     * to {@code settings.json}; a later run with other settings (or a folder holding checkpoints but no settings) is
     * refused with the way out, instead of silently scoring a model tuned another way.
     */
    static void claim(Path dir, String settings) throws IOException {
        Path stamp = dir.resolve("settings.json");
        if (Files.exists(stamp)) {
            if (Files.readString(stamp).equals(settings)) return;
            throw new IllegalArgumentException(dir + " holds a tuning run with other settings (see " + stamp
                    + "); use another --out, or delete that folder to tune again");
        }
        if (Files.isDirectory(dir.resolve("checkpoints"))) {
            throw new IllegalArgumentException(dir + " holds checkpoints of a run whose settings are not recorded; use "
                    + "another --out, or delete that folder to tune again");
        }
        Files.createDirectories(dir);
        AtomicFiles.writeString(stamp, settings);
    }

    /**
     * Every cluster FLAN allows with the held-out one out, or the recipe's tuning clusters, which must be among
     * those (so FLAN's exclusions still hold).
     */
    static Splits.Split tuneSplit(Collection coll, Recipe c) {
        String heldOut = c.heldOut().get(0);
        Splits.Split all = Splits.leaveOut(coll, heldOut);
        if (c.tuneClusters().isEmpty()) return all;
        for (String t : c.tuneClusters()) {
            if (!all.tuneClusters().contains(t)) {
                throw new IllegalArgumentException("tuning cluster '" + t + "' is not allowed with '" + heldOut
                        + "' held out; allowed: " + all.tuneClusters() + " (--tune-clusters, or 'all')");
            }
        }
        return Splits.explicit(coll, c.tuneClusters(), List.of(heldOut));
    }

    private static double since(long t) { return (System.nanoTime() - t) / 1e9; }

    private static void requireFits(CausalLm m, Tokenizer tok, Recipe c) {
        if (m.config().vocabSize() != tok.vocabSize()) {
            throw new IllegalArgumentException("the base model has a vocabulary of " + m.config().vocabSize()
                    + " tokens but tokenizer '" + tok.name() + "' has " + tok.vocabSize());
        }
        if (c.tune().seqLen() > m.config().blockSize()) {
            throw new IllegalArgumentException("the recipe tunes on rows of " + c.tune().seqLen()
                    + " tokens but the base model's block size is " + m.config().blockSize());
        }
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
        if (s.truncation() != null) {
            m.put("truncation", dev.flan4j.experiment.repro.Lab.truncationInfo(s.truncation().rates()));
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------------ scores

    /** Whether a metric's score is a share of examples (so a binomial interval applies). */
    private static boolean proportion(String metric) {
        return metric.equals(Metric.ACCURACY.id()) || metric.equals(Metric.EXACT_MATCH.id());
    }

    static List<Row> rows(Collection coll, List<Dataset> scored, List<String> tuneClusters, Evaluator.Report base,
                          Evaluator.Report tuned) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            Evaluator.DatasetScore b = base.datasets().get(i), t = tuned.datasets().get(i);
            Dataset d = coll.dataset(t.dataset());
            int n = Scores.testCount(tuned, t.dataset());
            String metric = t.metric();
            Stats.Interval bi = interval(metric, b.mean(), n), ti = interval(metric, t.mean(), n);
            rows.add(new Row(t.dataset(), t.cluster(), tuneClusters.contains(t.cluster()), metric, n, t.templates(),
                    Scores.majority(d, n), b.mean(), bi.low(), bi.high(),
                    t.mean(), ti.low(), ti.high()));
        }
        return rows;
    }

    private static Stats.Interval interval(String metric, double score, int n) {
        if (!proportion(metric) || Double.isNaN(score)) return new Stats.Interval(Double.NaN, Double.NaN);
        return Stats.wilson95(Math.min(1, Math.max(0, score / 100)), n).scaled(100);
    }

    /** Per cluster, its datasets pooled: n-weighted mean scores and majority, Wilson CIs on the pooled n. */
    static List<Row> clusterRows(List<Row> rows) {
        Map<String, List<Row>> by = new LinkedHashMap<>();
        for (Row r : rows) by.computeIfAbsent(r.cluster(), k -> new ArrayList<>()).add(r);
        List<Row> out = new ArrayList<>();
        by.forEach((cluster, list) -> {
            int n = list.stream().mapToInt(Row::n).sum();
            String metric = list.stream().map(Row::metric).distinct().count() == 1 ? list.get(0).metric() : "mixed";
            double maj = pooled(list, Row::majority, n), b = pooled(list, Row::base, n), t = pooled(list, Row::tuned, n);
            Stats.Interval bi = interval(metric, b, n), ti = interval(metric, t, n);
            out.add(new Row("[cluster]", cluster, list.get(0).seen(), metric, n, list.get(0).templates(), maj, b,
                    bi.low(), bi.high(), t, ti.low(), ti.high()));
        });
        return out;
    }

    private static double pooled(List<Row> rows, java.util.function.ToDoubleFunction<Row> f, int n) {
        double s = 0;
        for (Row r : rows) s += f.applyAsDouble(r) * r.n();
        return s / n;
    }

    /** One plain sentence: how the tuned model compares with the majority baseline, given its 95% interval. */
    static String verdict(Row r) {
        String who = r.cluster() + (r.seen() ? " (seen)" : " (held out)");
        String tuned = String.format(Locale.ROOT, "tuned %s %s", Table.num(r.tuned()), ci(r.tunedLow(), r.tunedHigh()));
        String base = String.format(Locale.ROOT, "base %s %s", Table.num(r.base()), ci(r.baseLow(), r.baseHigh()));
        if (Double.isNaN(r.majority()) || Double.isNaN(r.tunedLow())) {
            return who + ": " + tuned + " against " + base + " (" + r.metric() + "; no majority baseline for generation).";
        }
        String maj = Table.num(r.majority());
        String vs;
        if (r.tunedLow() > r.majority()) {
            vs = String.format(Locale.ROOT, "beats majority %s by %.1f points", maj, r.tuned() - r.majority());
        } else if (r.tunedHigh() < r.majority()) {
            vs = String.format(Locale.ROOT, "is below majority %s by %.1f points", maj, r.majority() - r.tuned());
        } else {
            vs = "does not differ from majority " + maj + " (the interval contains it)";
        }
        return who + ": " + tuned + " " + vs + "; " + base + ".";
    }

    private static String ci(double lo, double hi) {
        return Double.isNaN(lo) ? "" : "[" + Table.num(lo) + ", " + Table.num(hi) + "]";
    }

    /** The printed table: datasets then pooled clusters, CIs in brackets. */
    static Table display(List<Row> rows, List<Row> clusters) {
        List<List<String>> cells = new ArrayList<>();
        for (List<Row> part : List.of(rows, clusters)) {
            for (Row r : part) {
                cells.add(List.of(r.dataset(), r.cluster(), r.seen() ? "seen" : "held out", String.valueOf(r.n()),
                        Table.num(r.majority()), (Table.num(r.base()) + " " + ci(r.baseLow(), r.baseHigh())).strip(),
                        (Table.num(r.tuned()) + " " + ci(r.tunedLow(), r.tunedHigh())).strip(),
                        Double.isNaN(r.majority()) ? "-" : String.format(Locale.ROOT, "%+.1f", r.tuned() - r.majority())));
            }
        }
        return new Table(List.of("dataset", "cluster", "tuned on", "n", "majority", "base [95% CI]", "tuned [95% CI]",
                "tuned - majority"), cells);
    }

    /** The machine-readable table (results.csv, clusters.csv). */
    static Table data(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(List.of(r.dataset(), r.cluster(), String.valueOf(r.seen()), r.metric(), String.valueOf(r.n()),
                    String.valueOf(r.templates()), Table.num(r.majority()), Table.num(r.base()), Table.num(r.baseLow()),
                    Table.num(r.baseHigh()), Table.num(r.tuned()), Table.num(r.tunedLow()), Table.num(r.tunedHigh())));
        }
        return new Table(List.of("dataset", "cluster", "seen", "metric", "n", "templates", "majority", "base",
                "base_ci_low", "base_ci_high", "tuned", "tuned_ci_low", "tuned_ci_high"), cells);
    }

    /** What the numbers are, in one footnote. */
    public static String footnote(Recipe c) {
        return "Scores 0-100, zero-shot, mean over " + (c.maxTemplates() == 0 ? "every instruction template"
                : "the first " + c.maxTemplates() + " instruction templates")
                + " of each dataset (base: continuation prompts; tuned: FLAN instructions) on "
                + (c.evalExamples() == 0 ? "every test example" : "the first n test examples") + ". 95% CI: Wilson score interval with "
                + "n = test examples (templates share examples, so n is not examples x templates). majority: always the "
                + "most frequent gold answer of those n examples (most frequent gold option position where options "
                + "differ per example). [cluster] rows pool the cluster's datasets (n-weighted).";
    }

    private static String markdown(Table t, List<String> verdicts, String heldOut, Recipe c, boolean curve) {
        StringBuilder sb = new StringBuilder("# flan4j demo: tuned on every cluster but ").append(heldOut).append("\n\n");
        sb.append(t.markdown()).append('\n').append(footnote(c)).append("\n\n## Verdicts\n\n");
        for (String v : verdicts) sb.append("- ").append(v).append('\n');
        if (curve) sb.append("\n![learning curve](learning_curve.png)\n");
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------ learning curve

    /**
     * Accuracy at step 0 (the base with instructions) and at each kept tuning checkpoint, on the first
     * {@code curveExamples} test examples of each scored dataset with its first template.
     */
    static List<CurvePoint> curve(CausalLm base, CausalLm tuned, Tokenizer tok, List<Dataset> scored, List<String> tuneClusters,
                                  TrainConfig tuneCfg, Path tuneDir, Recipe c) throws IOException {
        List<Dataset> sub = scored.stream().filter(d -> d.task() == TaskType.CLASSIFICATION)
                .map(d -> Lab.limitTemplates(d, 1)).toList();
        Evaluator.Options opt = new Evaluator.Options(PromptFormat.FLAN, 0, c.curveExamples(), 0, c.maxNewTokens(), c.seed());
        List<CurvePoint> points = new ArrayList<>();
        points.add(point(0, new Evaluator(base, tok, opt).evaluate(sub), tuneClusters));
        for (int step = tuneCfg.checkpointEvery(); step <= tuneCfg.steps(); step += tuneCfg.checkpointEvery()) {
            if (step == tuneCfg.steps()) {
                points.add(point(step, new Evaluator(tuned, tok, opt).evaluate(sub), tuneClusters));
                break;
            }
            Path ckpt = tuneDir.resolve("checkpoints").resolve(String.format("step-%08d", step));
            if (!Files.isDirectory(ckpt)) continue;
            try (CausalLm m = Checkpoint.load(ckpt, base.backend()).model()) {
                points.add(point(step, new Evaluator(m, tok, opt).evaluate(sub), tuneClusters));
            }
        }
        if (points.get(points.size() - 1).step() != tuneCfg.steps()) {
            points.add(point(tuneCfg.steps(), new Evaluator(tuned, tok, opt).evaluate(sub), tuneClusters));
        }
        return points;
    }

    private static CurvePoint point(int step, Evaluator.Report r, List<String> tuneClusters) {
        double[] s = pool(r, tuneClusters, true), h = pool(r, tuneClusters, false);
        return new CurvePoint(step, s[0], s[1], s[2], h[0], h[1], h[2]);
    }

    /** Example-pooled accuracy and Wilson CI of the seen (or held-out) test scores of a report. */
    private static double[] pool(Evaluator.Report r, List<String> tuneClusters, boolean seen) {
        double correct = 0;
        int n = 0;
        for (Evaluator.TemplateScore t : r.templates()) {
            if (!t.split().equals("test") || tuneClusters.contains(t.cluster()) != seen) continue;
            correct += t.score() / 100 * t.n();
            n += t.n();
        }
        if (n == 0) return new double[]{Double.NaN, Double.NaN, Double.NaN};
        Stats.Interval i = Stats.wilson(Math.min(n, correct), n, Stats.Z95).scaled(100);
        return new double[]{100 * correct / n, i.low(), i.high()};
    }

    private static void writeCurve(List<CurvePoint> curve, String heldOut, Path out) throws IOException {
        List<Double> x = new ArrayList<>(), s = new ArrayList<>(), sl = new ArrayList<>(), sh = new ArrayList<>(),
                h = new ArrayList<>(), hl = new ArrayList<>(), hh = new ArrayList<>();
        List<List<String>> cells = new ArrayList<>();
        for (CurvePoint p : curve) {
            x.add((double) p.step());
            s.add(p.seen());
            sl.add(p.seenLow());
            sh.add(p.seenHigh());
            h.add(p.heldOut());
            hl.add(p.heldOutLow());
            hh.add(p.heldOutHigh());
            cells.add(List.of(String.valueOf(p.step()), Table.num(p.seen()), Table.num(p.seenLow()), Table.num(p.seenHigh()),
                    Table.num(p.heldOut()), Table.num(p.heldOutLow()), Table.num(p.heldOutHigh())));
        }
        new Table(List.of("step", "seen", "seen_ci_low", "seen_ci_high", "held_out", "held_out_ci_low", "held_out_ci_high"),
                cells).write(out, "learning_curve");
        Files.deleteIfExists(out.resolve("learning_curve.md"));
        Charts.write(Charts.lines("Zero-shot accuracy vs tuning step (first template, fixed subset; dotted: 95% Wilson CI)",
                "tuning step", "accuracy (%)", List.of(new Charts.Line("seen clusters", x, s, false, sl, sh),
                        new Charts.Line("held out: " + heldOut, x, h, false, hl, hh)), false), out, "learning_curve");
    }
}
