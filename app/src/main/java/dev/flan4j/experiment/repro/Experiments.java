package dev.flan4j.experiment.repro;

import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Splits;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.experiment.Table;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.internal.chartpart.Chart;

/** The five experiments of the paper on a {@link Lab}: each returns its tables, figures and findings. */
public final class Experiments {
    private Experiments() {}

    /** What an experiment produced. {@code findings} is Markdown; {@code numbers} go to run.json. */
    public record Outcome(Map<String, Table> tables, Map<String, Chart<?, ?>> figures, List<String> findings,
                          List<String> departures, Map<String, Object> numbers) {}

    static String n(double v) { return Table.num(v); }

    static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.1f", v);
    }

    private static Evaluator.Report evalAll(Lab lab, Lab.Model m, List<String> clusters, PromptFormat f, int shots)
            throws IOException {
        List<Evaluator.Report> parts = new ArrayList<>();
        for (String c : clusters) parts.add(lab.eval(m, List.of(c), f, shots));
        return Scores.merge(parts);
    }

    private static List<String> ablationTuneClusters(Lab lab) {
        return Paper.CLUSTER_ORDER.subList(0, lab.preset().maxTuneClusters());
    }

    // ---------------------------------------------------------------------------------------------- 1. zero-shot

    /** Leave-one-cluster-out: untuned base (continuation, zero- and few-shot) against the tuned model, per cluster. */
    public static Outcome zeroShot(Lab lab) throws IOException {
        Recipe p = lab.preset();
        Collection coll = lab.collection();
        Lab.Model base = lab.base(p.model());
        int k = p.baselineShots();
        List<List<String>> dsRows = new ArrayList<>(), clRows = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        List<Double> b0 = new ArrayList<>(), bk = new ArrayList<>(), tm = new ArrayList<>(), tb = new ArrayList<>(),
                pg0 = new ArrayList<>(), pgk = new ArrayList<>(), pf = new ArrayList<>(), ch = new ArrayList<>(),
                maj = new ArrayList<>(), heu = new ArrayList<>(), e0 = new ArrayList<>(), ek = new ArrayList<>(),
                et = new ArrayList<>();
        List<Evaluator.Report> all0 = new ArrayList<>(), allK = new ArrayList<>(), allT = new ArrayList<>();
        int better = 0, total = 0;
        Map<String, Object> numbers = new LinkedHashMap<>();
        for (String c : p.heldOut()) {
            Splits.Split split = Splits.leaveOut(coll, c);
            Lab.Model tuned = lab.tuned(p.model(), split.tuneClusters(), PromptFormat.FLAN);
            Evaluator.Report r0 = lab.eval(base, List.of(c), PromptFormat.GPT3_CONTINUATION, 0);
            Evaluator.Report rk = lab.eval(base, List.of(c), PromptFormat.GPT3_CONTINUATION, k);
            Evaluator.Report rt = lab.eval(tuned, List.of(c), PromptFormat.FLAN, 0);
            all0.add(r0);
            allK.add(rk);
            allT.add(rt);
            for (int i = 0; i < rt.datasets().size(); i++) {
                Evaluator.DatasetScore a = r0.datasets().get(i), f = rk.datasets().get(i), t = rt.datasets().get(i);
                Dataset d = coll.dataset(t.dataset());
                int nx = Scores.testCount(rt, t.dataset());
                dsRows.add(List.of(t.dataset(), c, t.metric(), String.valueOf(nx), n(Scores.chance(d, p.evalExamples())),
                        n(Scores.majority(d, p.evalExamples())), n(Scores.heuristic(d)), n(a.mean()),
                        Scores.wilsonCell(a.metric(), a.mean(), nx), n(a.bestDev()), n(f.mean()), n(f.bestDev()), n(t.mean()),
                        Scores.wilsonCell(t.metric(), t.mean(), nx), n(t.bestDev()), n(t.minTemplate()) + "-" + n(t.maxTemplate())));
                total++;
                if (t.mean() > a.mean()) better++;
            }
            Set3 s = new Set3(Scores.cluster(r0, c, false), Scores.cluster(rk, c, false), Scores.cluster(rt, c, false),
                    Scores.cluster(rt, c, true));
            Paper.Headline h = Paper.HEADLINE.get(c);
            double chance = Scores.chance(coll, c, p.evalExamples()), majority = Scores.majority(coll, c, p.evalExamples());
            double heuristic = Scores.heuristic(coll, c);
            maj.add(majority);
            heu.add(heuristic);
            cats.add(c);
            b0.add(s.base0);
            bk.add(s.baseK);
            tm.add(s.tunedMean);
            tb.add(s.tunedBest);
            ch.add(chance);
            e0.add(Scores.halfWidth(Scores.interval(r0, c, false)));
            ek.add(Scores.halfWidth(Scores.interval(rk, c, false)));
            et.add(Scores.halfWidth(Scores.interval(rt, c, false)));
            pg0.add(h == null ? Double.NaN : h.gpt3ZeroShot());
            pgk.add(h == null ? Double.NaN : h.gpt3FewShot());
            pf.add(h == null ? Double.NaN : h.flanZeroShot());
            clRows.add(List.of(c, String.join(" ", Splits.excludedFromTuning(List.of(c))),
                    String.valueOf(split.tuneClusters().size()), n(chance), n(majority), n(heuristic),
                    Scores.cell(s.base0, Scores.interval(r0, c, false)), Scores.cell(s.baseK, Scores.interval(rk, c, false)),
                    Scores.cell(s.tunedMean, Scores.interval(rt, c, false)), Scores.cell(s.tunedBest, Scores.interval(rt, c, true)),
                    signed(s.tunedMean - s.base0), h == null ? "-" : n(h.gpt3ZeroShot()),
                    h == null ? "-" : n(h.gpt3FewShot()), h == null ? "-" : n(h.flanZeroShot())));
            Map<String, Object> cn = new LinkedHashMap<>();
            cn.put("base_zero_shot", s.base0);
            cn.put("base_few_shot", s.baseK);
            cn.put("tuned_mean", s.tunedMean);
            cn.put("tuned_mean_ci95", ciList(Scores.interval(rt, c, false)));
            cn.put("tuned_best_dev", s.tunedBest);
            cn.put("chance", chance);
            cn.put("majority", majority);
            cn.put("best_heuristic", heuristic);
            numbers.put(c, cn);
        }
        Evaluator.Report m0 = Scores.merge(all0), mk = Scores.merge(allK), mt = Scores.merge(allT);
        List<String> held = p.heldOut();
        clRows.add(List.of("average", "", "", n(Scores.mean(ch)), n(Scores.mean(maj)), n(Scores.mean(heu)),
                Scores.cell(Scores.mean(b0), Scores.interval(m0, held, false)),
                Scores.cell(Scores.mean(bk), Scores.interval(mk, held, false)),
                Scores.cell(Scores.mean(tm), Scores.interval(mt, held, false)),
                Scores.cell(Scores.mean(tb), Scores.interval(mt, held, true)),
                signed(Scores.mean(tm) - Scores.mean(b0)), "", "", ""));
        for (int i = 0; i < cats.size(); i++) {
            String c = cats.get(i);
            dsRows.add(List.of("[cluster average]", c, "", "", n(ch.get(i)), n(maj.get(i)), n(heu.get(i)), n(b0.get(i)),
                    "", "", n(bk.get(i)), "", n(tm.get(i)), "", n(tb.get(i)), ""));
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("zero_shot_clusters", new Table(List.of("held-out cluster", "excluded from tuning", "tuning clusters",
                "chance", "majority", "best heuristic", "base zero-shot [95% CI]", "base " + k + "-shot [95% CI]",
                "tuned zero-shot (mean) [95% CI]", "tuned zero-shot (best dev) [95% CI]", "tuned - base",
                "paper GPT-3 0-shot", "paper GPT-3 few-shot", "paper FLAN 0-shot"), clRows));
        tables.put("zero_shot_datasets", new Table(List.of("dataset", "cluster", "metric", "n", "chance", "majority",
                "best heuristic", "base 0-shot (mean)", "base 0-shot 95% CI", "base 0-shot (best dev)", "base " + k + "-shot (mean)",
                "base " + k + "-shot (best dev)", "tuned 0-shot (mean)", "tuned 0-shot 95% CI", "tuned 0-shot (best dev)",
                "tuned template range"), dsRows));
        Map<String, Chart<?, ?>> figs = new LinkedHashMap<>();
        figs.put("zero_shot", Charts.bars("Zero-shot on held-out clusters, 95% CI bars (ours: " + p.model()
                        + "; paper: 137B/175B)", "score (0-100)", cats, List.of(new Charts.Bars("ours: untuned base, 0-shot", b0, e0),
                        new Charts.Bars("ours: untuned base, " + k + "-shot", bk, ek),
                        new Charts.Bars("ours: tuned, 0-shot (mean)", tm, et), new Charts.Bars("ours: tuned, 0-shot (best dev)", tb),
                        new Charts.Bars("chance", ch), new Charts.Bars("majority class", maj),
                        new Charts.Bars("best heuristic", heu), new Charts.Bars("paper: GPT-3 0-shot", pg0),
                        new Charts.Bars("paper: GPT-3 few-shot", pgk), new Charts.Bars("paper: FLAN 0-shot", pf))));
        List<String> f = new ArrayList<>();
        f.add(String.format(Locale.ROOT, "Held-out average (mean over templates): untuned base %s zero-shot and %s %d-shot, "
                        + "instruction-tuned %s zero-shot (%s best-dev template); tuned minus base: %s points. Chance: %s; "
                        + "majority class: %s; best heuristic: %s.",
                Scores.cell(Scores.mean(b0), Scores.interval(m0, held, false)), n(Scores.mean(bk)), k,
                Scores.cell(Scores.mean(tm), Scores.interval(mt, held, false)), n(Scores.mean(tb)),
                signed(Scores.mean(tm) - Scores.mean(b0)), n(Scores.mean(ch)), n(Scores.mean(maj)), n(Scores.mean(heu))));
        f.add(String.format(Locale.ROOT, "The tuned model beats the untuned base zero-shot on %d of %d held-out datasets "
                + "(the paper: FLAN beats GPT-3 zero-shot on 20 of 25).", better, total));
        for (int i = 0; i < cats.size(); i++) {
            Paper.Headline h = Paper.HEADLINE.get(cats.get(i));
            f.add(String.format(Locale.ROOT, "%s: base %s / %d-shot %s / tuned %s (chance %s, majority %s, best heuristic %s)%s.",
                    cats.get(i), n(b0.get(i)), k, n(bk.get(i)), n(tm.get(i)), n(ch.get(i)), n(maj.get(i)), n(heu.get(i)),
                    h == null ? "; the paper's headline table has no row for it"
                            : String.format(Locale.ROOT, "; paper: GPT-3 %s / %s, FLAN %s", n(h.gpt3ZeroShot()),
                            n(h.gpt3FewShot()), n(h.flanZeroShot()))));
        }
        numbers.put("tuned_beats_base_datasets", better + "/" + total);
        return new Outcome(tables, figs, f, List.of(
                "Each held-out cluster has its own tuned model (leave-one-cluster-out with FLAN's extra exclusions), as in "
                        + "the paper; the base few-shot baseline uses continuation prompts with " + k + " exemplar(s), "
                        + "fitted to the " + p.seqLen() + "-token block by dropping whole exemplars and trimming the end "
                        + "of the query's input, never its start or OPTIONS.", BASELINES_NOTE), numbers);
    }

    /** What the baseline columns and intervals of every table mean. */
    static final String BASELINES_NOTE = "Baselines and intervals: majority = always the most frequent gold answer of the "
            + "scored test examples (its gold position where options differ per example); best heuristic = the best of the "
            + "answer-prior, position, length, word-overlap and last-field naive-Bayes baselines (`flan4j data baselines`: fitted on train, "
            + "scored on the whole test split, the best chosen on test, so an optimistic bar); a cluster's baseline is the "
            + "mean of its datasets' as its score is, and '-' where a dataset generates text. 95% intervals: Wilson for "
            + "one dataset, otherwise the normal approximation over the independent datasets of the average "
            + "(Stats.weightedAccuracies95), n = test examples (templates share them); none for BLEU/ROUGE/F1 scores.";

    /** "a / b / c": how many prompts kept 0, 1, 2, .. exemplars; "-" when not counted. */
    private static String kept(List<Integer> counts) {
        return counts == null || counts.isEmpty() ? "-" : String.join(" / ", counts.stream().map(String::valueOf).toList());
    }

    private static List<Double> ciList(dev.flan4j.eval.Stats.Interval i) {
        return i == null ? null : List.of(i.low(), i.high());
    }

    private record Set3(double base0, double baseK, double tunedMean, double tunedBest) {}

    // ---------------------------------------------------------------------------------------------- 2. clusters

    /** Number of tuning clusters 1..N in FLAN's order against the held-out average. */
    public static Outcome clusters(Lab lab) throws IOException {
        Recipe p = lab.preset();
        Collection coll = lab.collection();
        List<String> held = Paper.ABLATION_HELD_OUT;
        Lab.Model base = lab.base(p.model());
        Evaluator.Report rb = evalAll(lab, base, held, PromptFormat.GPT3_CONTINUATION, 0);
        List<String> header = new ArrayList<>(List.of("tuning clusters", "cluster added"));
        held.forEach(c -> header.add(c + " [95% CI]"));
        header.addAll(List.of("held-out avg (mean) [95% CI]", "held-out avg (best dev) [95% CI]", "paper held-out avg"));
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("0", "(untuned base, continuation prompts)", rb, held, "-"));
        List<Double> xs = new ArrayList<>(), mean = new ArrayList<>(), best = new ArrayList<>(), lo = new ArrayList<>(),
                hi = new ArrayList<>();
        Map<String, List<Double>> perCluster = new LinkedHashMap<>();
        held.forEach(c -> perCluster.put(c, new ArrayList<>()));
        for (int i = 1; i <= p.maxTuneClusters(); i++) {
            List<String> tune = Paper.CLUSTER_ORDER.subList(0, i);
            Lab.Model m = lab.tuned(p.model(), tune, PromptFormat.FLAN);
            Evaluator.Report r = evalAll(lab, m, held, PromptFormat.FLAN, 0);
            rows.add(row(String.valueOf(i), tune.get(i - 1), r, held, n(Paper.CLUSTERS_HELD_OUT_AVG.get(i - 1))));
            xs.add((double) i);
            mean.add(Scores.average(r, held, false));
            best.add(Scores.average(r, held, true));
            dev.flan4j.eval.Stats.Interval ci = Scores.interval(r, held, false);
            lo.add(ci == null ? Double.NaN : ci.low());
            hi.add(ci == null ? Double.NaN : ci.high());
            for (String c : held) perCluster.get(c).add(Scores.cluster(r, c, false));
        }
        rows.addAll(baselineRows(coll, held, p.evalExamples(), kind -> List.of("baseline", kind), 1,
                avg -> List.of(avg, avg, "-")));
        double majority = Scores.baselineAverage(held, c -> Scores.majority(coll, c, p.evalExamples()));
        double heuristic = Scores.baselineAverage(held, c -> Scores.heuristic(coll, c));
        List<Double> paperX = new ArrayList<>();
        for (int i = 1; i <= Paper.CLUSTERS_HELD_OUT_AVG.size(); i++) paperX.add((double) i);
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("ours: held-out avg (mean over templates; dotted: 95% CI)", xs, mean, false, lo, hi));
        lines.add(new Charts.Line("ours: held-out avg (best dev)", xs, best, false));
        lines.add(new Charts.Line("ours: untuned base (continuation)", List.of(0.0), List.of(Scores.average(rb, held, false)), false));
        perCluster.forEach((c, v) -> lines.add(new Charts.Line("ours: " + c, xs, v, true)));
        lines.add(flat("majority class (held-out avg)", xs, majority));
        lines.add(flat("best heuristic (held-out avg)", xs, heuristic));
        lines.add(new Charts.Line("paper: FLAN 137B held-out avg", paperX, Paper.CLUSTERS_HELD_OUT_AVG, false));
        Map<String, Chart<?, ?>> figs = new LinkedHashMap<>();
        figs.put("clusters", Charts.lines("Held-out score vs number of tuning clusters (held out: " + String.join(", ", held) + ")",
                "tuning clusters", "score (0-100)", lines, false));
        double first = mean.get(0), last = mean.get(mean.size() - 1);
        int rises = 0;
        for (int i = 1; i < mean.size(); i++) if (mean.get(i) > mean.get(i - 1)) rises++;
        List<String> f = new ArrayList<>();
        f.add(String.format(Locale.ROOT, "Held-out average with 1 tuning cluster %s, with %d clusters %s (%s points); it rose "
                        + "on %d of %d additions. Untuned base with continuation prompts: %s. Majority class %s, best "
                        + "heuristic %s (held-out average; '-' where a held-out cluster generates text).", n(first), mean.size(),
                Scores.cell(last, lo.isEmpty() || Double.isNaN(lo.get(lo.size() - 1)) ? null
                        : new dev.flan4j.eval.Stats.Interval(lo.get(lo.size() - 1), hi.get(hi.size() - 1))),
                signed(last - first), rises, mean.size() - 1, n(Scores.average(rb, held, false)), n(majority), n(heuristic)));
        f.add("Paper (FLAN 137B): 49.9 with 1 cluster rising to 63.5 with 7 (+13.6), still rising at 7.");
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("held_out_avg_mean", mean);
        numbers.put("held_out_avg_mean_ci95_low", lo);
        numbers.put("held_out_avg_mean_ci95_high", hi);
        numbers.put("held_out_avg_best_dev", best);
        numbers.put("untuned_base", Scores.average(rb, held, false));
        numbers.put("majority", majority);
        numbers.put("best_heuristic", heuristic);
        return new Outcome(Map.of("clusters", new Table(header, rows)), figs, f, List.of(
                "As in the paper's ablation the held-out clusters (" + String.join(", ", held) + ") are fixed and the tuning "
                        + "clusters are added in FLAN's order (misc stands for the conversational-QA cluster); unlike "
                        + "Splits.leaveOut, reading comprehension is tuned on although commonsense is held out, as the paper did.",
                BASELINES_NOTE), numbers);
    }

    private static List<String> row(String a, String b, Evaluator.Report r, List<String> held, String paper) {
        List<String> row = new ArrayList<>(List.of(a, b));
        for (String c : held) row.add(Scores.cell(Scores.cluster(r, c, false), Scores.interval(r, c, false)));
        row.add(Scores.cell(Scores.average(r, held, false), Scores.interval(r, held, false)));
        row.add(Scores.cell(Scores.average(r, held, true), Scores.interval(r, held, true)));
        row.add(paper);
        return row;
    }

    /**
     * The majority and best-heuristic rows of a table: {@code labels} of the kind ("majority class" or "best
     * heuristic"), then {@code perCluster} equal cells per held-out cluster, then {@code tail} of the held-out average.
     */
    private static List<List<String>> baselineRows(Collection coll, List<String> held, int evalExamples,
                                                   java.util.function.Function<String, List<String>> labels, int perCluster,
                                                   java.util.function.Function<String, List<String>> tail) {
        List<List<String>> rows = new ArrayList<>();
        for (String kind : List.of("majority class", "best heuristic")) {
            java.util.function.ToDoubleFunction<String> f = kind.startsWith("majority")
                    ? c -> Scores.majority(coll, c, evalExamples) : c -> Scores.heuristic(coll, c);
            List<String> row = new ArrayList<>(labels.apply(kind));
            for (String c : held) for (int i = 0; i < perCluster; i++) row.add(n(f.applyAsDouble(c)));
            row.addAll(tail.apply(n(Scores.baselineAverage(held, f))));
            rows.add(row);
        }
        return rows;
    }

    private static Charts.Line flat(String name, List<Double> xs, double v) {
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) ys.add(v);
        return new Charts.Line(name, xs, ys, true);
    }

    // ---------------------------------------------------------------------------------------------- 3. scale

    /** A ladder of model sizes, tuned vs untuned on the held-out clusters. */
    public static Outcome scale(Lab lab) throws IOException {
        Recipe p = lab.preset();
        Collection coll = lab.collection();
        List<String> held = Paper.ABLATION_HELD_OUT, tune = ablationTuneClusters(lab);
        List<String> header = new ArrayList<>(List.of("model", "parameters"));
        for (String c : held) {
            header.add(c + " untuned");
            header.add(c + " tuned [95% CI]");
        }
        header.addAll(List.of("held-out avg untuned [95% CI]", "held-out avg tuned [95% CI]", "held-out avg tuned (best dev)",
                "tuned - untuned"));
        List<List<String>> rows = new ArrayList<>();
        List<Double> params = new ArrayList<>(), un = new ArrayList<>(), tu = new ArrayList<>(), unLo = new ArrayList<>(),
                unHi = new ArrayList<>(), tuLo = new ArrayList<>(), tuHi = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        for (String preset : p.scaleLadder()) {
            Lab.Model base = lab.pretrained(preset);   // every rung pretrained here: equal budgets, never the shipped base
            Lab.Model tuned = lab.tuned(base, tune, PromptFormat.FLAN);
            Evaluator.Report rb = evalAll(lab, base, held, PromptFormat.GPT3_CONTINUATION, 0);
            Evaluator.Report rt = evalAll(lab, tuned, held, PromptFormat.FLAN, 0);
            long np = base.lm().numParameters();
            List<String> row = new ArrayList<>(List.of(preset, String.format(Locale.ROOT, "%.2fM", np / 1e6)));
            for (String c : held) {
                row.add(n(Scores.cluster(rb, c, false)));
                row.add(Scores.cell(Scores.cluster(rt, c, false), Scores.interval(rt, c, false)));
            }
            double u = Scores.average(rb, held, false), t = Scores.average(rt, held, false);
            dev.flan4j.eval.Stats.Interval ui = Scores.interval(rb, held, false), ti = Scores.interval(rt, held, false);
            row.addAll(List.of(Scores.cell(u, ui), Scores.cell(t, ti), n(Scores.average(rt, held, true)), signed(t - u)));
            rows.add(row);
            params.add((double) np);
            un.add(u);
            tu.add(t);
            unLo.add(ui == null ? Double.NaN : ui.low());
            unHi.add(ui == null ? Double.NaN : ui.high());
            tuLo.add(ti == null ? Double.NaN : ti.low());
            tuHi.add(ti == null ? Double.NaN : ti.high());
            Map<String, Object> pn = new LinkedHashMap<>();
            pn.put("parameters", np);
            pn.put("untuned", u);
            pn.put("untuned_ci95", ciList(ui));
            pn.put("tuned", t);
            pn.put("tuned_ci95", ciList(ti));
            numbers.put(preset, pn);
        }
        double majority = Scores.baselineAverage(held, c -> Scores.majority(coll, c, p.evalExamples()));
        double heuristic = Scores.baselineAverage(held, c -> Scores.heuristic(coll, c));
        rows.addAll(baselineRows(coll, held, p.evalExamples(), kind -> List.of("baseline: " + kind, ""), 2,
                avg -> List.of(avg, avg, avg, "")));
        numbers.put("majority", majority);
        numbers.put("best_heuristic", heuristic);
        Map<String, Chart<?, ?>> figs = new LinkedHashMap<>();
        figs.put("scale", Charts.lines("Held-out average vs model size (tuned on " + tune.size() + " clusters; dotted: 95% CI)",
                "parameters", "score (0-100)", List.of(new Charts.Line("ours: untuned base (continuation)", params, un, false, unLo, unHi),
                        new Charts.Line("ours: instruction-tuned", params, tu, false, tuLo, tuHi),
                        flat("majority class (held-out avg)", params, majority),
                        flat("best heuristic (held-out avg)", params, heuristic)), true));
        List<String> f = new ArrayList<>();
        StringBuilder sb = new StringBuilder("Tuned minus untuned held-out average by size: ");
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(p.scaleLadder().get(i)).append(' ').append(signed(tu.get(i) - un.get(i)));
        }
        f.add(sb.append(String.format(Locale.ROOT, " (majority class %s, best heuristic %s).", n(majority), n(heuristic))).toString());
        f.add("Paper: instruction tuning hurts held-out tasks at 8B and below (422M, 2B, 8B) and helps at 68B and 137B; "
                + "our whole ladder lies far below the paper's smallest model (422M), so the paper predicts no gain here.");
        return new Outcome(Map.of("scale", new Table(header, rows)), figs, f, List.of(
                "Every size gets the same number of pretraining and tuning steps (not compute-optimal); the held-out "
                        + "clusters are evaluated with one model tuned on the ablation's " + tune.size()
                        + " clusters rather than one model per held-out cluster.", BASELINES_NOTE), numbers);
    }

    // ---------------------------------------------------------------------------------------------- 4. instructions

    /** Tuning with no template / dataset name / FLAN instructions; the paper's four settings. */
    public static Outcome instructions(Lab lab) throws IOException {
        Recipe p = lab.preset();
        List<String> held = Paper.ABLATION_HELD_OUT, tune = ablationTuneClusters(lab);
        Lab.Model flan = lab.tuned(p.model(), tune, PromptFormat.FLAN);
        Lab.Model none = lab.tuned(p.model(), tune, PromptFormat.NO_TEMPLATE);
        Lab.Model name = lab.tuned(p.model(), tune, PromptFormat.DATASET_NAME);
        Map<String, Evaluator.Report> settings = new LinkedHashMap<>();
        settings.put(Paper.NO_TEMPLATE, evalAll(lab, none, held, PromptFormat.FLAN, 0));
        settings.put(Paper.NAME_INSTR, evalAll(lab, name, held, PromptFormat.FLAN, 0));
        settings.put(Paper.NAME_NAME, evalAll(lab, name, held, PromptFormat.DATASET_NAME, 0));
        settings.put(Paper.FLAN, evalAll(lab, flan, held, PromptFormat.FLAN, 0));
        List<String> header = new ArrayList<>(List.of("setting"));
        held.forEach(c -> header.add(c + " [95% CI]"));
        header.addAll(List.of("held-out avg (mean) [95% CI]", "held-out avg (best dev) [95% CI]", "paper 4-cluster avg"));
        List<List<String>> rows = new ArrayList<>();
        List<String> cats = List.of("no template", "dataset name / instr.", "dataset name / name", "FLAN instructions");
        List<Double> ours = new ArrayList<>(), oursBest = new ArrayList<>(), paper = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<Double> err = new ArrayList<>();
        settings.forEach((s, r) -> {
            rows.add(row(s, r, held));
            ours.add(Scores.average(r, held, false));
            oursBest.add(Scores.average(r, held, true));
            paper.add(Paper.INSTRUCTIONS.get(s));
            err.add(Scores.halfWidth(Scores.interval(r, held, false)));
            Map<String, Object> sn = new LinkedHashMap<>();
            sn.put("held_out_avg", Scores.average(r, held, false));
            sn.put("held_out_avg_ci95", ciList(Scores.interval(r, held, false)));
            numbers.put(s, sn);
        });
        Collection coll = lab.collection();
        rows.addAll(baselineRows(coll, held, p.evalExamples(), kind -> List.of("baseline: " + kind), 1,
                avg -> List.of(avg, avg, "-")));
        double majority = Scores.baselineAverage(held, c -> Scores.majority(coll, c, p.evalExamples()));
        double heuristic = Scores.baselineAverage(held, c -> Scores.heuristic(coll, c));
        numbers.put("majority", majority);
        numbers.put("best_heuristic", heuristic);
        List<Double> majBars = cats.stream().map(c -> majority).toList(), heuBars = cats.stream().map(c -> heuristic).toList();
        Map<String, Chart<?, ?>> figs = new LinkedHashMap<>();
        figs.put("instructions", Charts.bars("Role of instructions: held-out average by tuning/eval format (95% CI bars)",
                "score (0-100)", cats, List.of(new Charts.Bars("ours (mean over templates)", ours, err),
                        new Charts.Bars("ours (best dev)", oursBest), new Charts.Bars("majority class", majBars),
                        new Charts.Bars("best heuristic", heuBars), new Charts.Bars("paper: FLAN 137B (4-cluster avg)", paper))));
        List<String> f = new ArrayList<>();
        f.add(String.format(Locale.ROOT, "Held-out average: no template %s, dataset name with instructions at eval %s, "
                        + "dataset name at both %s, FLAN instructions %s (paper: 37.3, 46.6, 47.0, 55.2).",
                n(ours.get(0)), n(ours.get(1)), n(ours.get(2)), n(ours.get(3))));
        int best = 0;
        for (int i = 1; i < ours.size(); i++) if (ours.get(i) > ours.get(best)) best = i;
        f.add("Best setting here: " + cats.get(best) + (best == 3 ? " (as in the paper)." : " (the paper's best is FLAN instructions)."));
        return new Outcome(Map.of("instructions", new Table(header, rows)), figs, f, List.of(
                "The paper averages 4 held-out clusters; we average " + held.size() + " (" + String.join(", ", held)
                        + "). Dataset-name and no-template prompts render the same text for every template, so they are "
                        + "scored on one template.", BASELINES_NOTE), numbers);
    }

    private static List<String> row(String setting, Evaluator.Report r, List<String> held) {
        List<String> row = new ArrayList<>(List.of(setting));
        for (String c : held) row.add(Scores.cell(Scores.cluster(r, c, false), Scores.interval(r, c, false)));
        row.add(Scores.cell(Scores.average(r, held, false), Scores.interval(r, held, false)));
        row.add(Scores.cell(Scores.average(r, held, true), Scores.interval(r, held, true)));
        row.add(n(Paper.INSTRUCTIONS.get(setting)));
        return row;
    }

    // ---------------------------------------------------------------------------------------------- 5. few-shot

    /** k exemplars with the tuned model (one per held-out cluster) and the spread across templates. */
    public static Outcome fewShot(Lab lab) throws IOException {
        Recipe p = lab.preset();
        Collection coll = lab.collection();
        List<List<String>> clRows = new ArrayList<>(), dsRows = new ArrayList<>();
        List<Double> ks = p.shots().stream().map(Integer::doubleValue).toList();
        List<Charts.Line> scoreLines = new ArrayList<>(), stdLines = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<Double> avg0 = new ArrayList<>(), avgK = new ArrayList<>(), std0 = new ArrayList<>(), stdK = new ArrayList<>();
        for (String c : p.heldOut()) {
            Lab.Model tuned = lab.tuned(p.model(), Splits.leaveOut(coll, c).tuneClusters(), PromptFormat.FLAN);
            List<Double> sc = new ArrayList<>(), sd = new ArrayList<>(), lo = new ArrayList<>(), hi = new ArrayList<>();
            Map<String, Object> kept = new LinkedHashMap<>();
            double majority = Scores.majority(coll, c, p.evalExamples()), heuristic = Scores.heuristic(coll, c);
            for (int k : p.shots()) {
                Evaluator.Report r = lab.eval(tuned, List.of(c), PromptFormat.FLAN, k);
                for (Evaluator.DatasetScore d : r.datasets()) {
                    Dataset ds = coll.dataset(d.dataset());
                    int nx = Scores.testCount(r, d.dataset());
                    dsRows.add(List.of(d.dataset(), c, String.valueOf(k), String.valueOf(nx), n(Scores.majority(ds, p.evalExamples())),
                            n(Scores.heuristic(ds)), n(d.mean()), Scores.wilsonCell(d.metric(), d.mean(), nx), n(d.bestDev()),
                            n(d.minTemplate()), n(d.maxTemplate()), n(Scores.templateStd(r, d.dataset())),
                            kept(r.exemplarsKept().get(d.dataset()))));
                }
                r.exemplarsKept().forEach((d, counts) -> kept.put(d + "@k=" + k, counts));
                double mean = Scores.cluster(r, c, false), std = Scores.clusterMeanOf(r, c, d -> Scores.templateStd(r, d.dataset()));
                dev.flan4j.eval.Stats.Interval ci = Scores.interval(r, c, false);
                clRows.add(List.of(c, String.valueOf(k), n(majority), n(heuristic), Scores.cell(mean, ci),
                        Scores.cell(Scores.cluster(r, c, true), Scores.interval(r, c, true)),
                        n(Scores.clusterMeanOf(r, c, Evaluator.DatasetScore::minTemplate)),
                        n(Scores.clusterMeanOf(r, c, Evaluator.DatasetScore::maxTemplate)), n(std)));
                sc.add(mean);
                sd.add(std);
                lo.add(ci == null ? Double.NaN : ci.low());
                hi.add(ci == null ? Double.NaN : ci.high());
            }
            scoreLines.add(new Charts.Line(c, ks, sc, false, lo, hi));
            stdLines.add(new Charts.Line(c, ks, sd, false));
            avg0.add(sc.get(0));
            avgK.add(sc.get(sc.size() - 1));
            std0.add(sd.get(0));
            stdK.add(sd.get(sd.size() - 1));
            Map<String, Object> cn = new LinkedHashMap<>();
            cn.put("mean_by_k", sc);
            cn.put("mean_ci95_low_by_k", lo);
            cn.put("mean_ci95_high_by_k", hi);
            cn.put("template_std_by_k", sd);
            cn.put("majority", majority);
            cn.put("best_heuristic", heuristic);
            cn.put("exemplars_kept", kept);
            numbers.put(c, cn);
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("few_shot", new Table(List.of("held-out cluster", "k", "majority", "best heuristic",
                "tuned (mean) [95% CI]", "tuned (best dev) [95% CI]", "worst template", "best template", "template std"), clRows));
        tables.put("few_shot_datasets", new Table(List.of("dataset", "cluster", "k", "n", "majority", "best heuristic", "mean",
                "mean 95% CI", "best dev", "min template", "max template", "template std",
                "prompts keeping 0/1/.. exemplars"), dsRows));
        Map<String, Chart<?, ?>> figs = new LinkedHashMap<>();
        figs.put("few_shot", Charts.lines("Tuned model: held-out score vs exemplars (dotted: 95% CI)", "exemplars k",
                "score (0-100)", scoreLines, false));
        figs.put("few_shot_spread", Charts.lines("Tuned model: std of the score across templates vs exemplars",
                "exemplars k", "std across templates (points)", stdLines, false));
        int kMax = p.shots().get(p.shots().size() - 1), k0 = p.shots().get(0);
        List<String> f = new ArrayList<>();
        f.add(String.format(Locale.ROOT, "Held-out average %s at k=%d and %s at k=%d (%s points); mean std across templates "
                        + "%s at k=%d and %s at k=%d.", n(Scores.mean(avg0)), k0, n(Scores.mean(avgK)), kMax,
                signed(Scores.mean(avgK) - Scores.mean(avg0)), n(Scores.mean(std0)), k0, n(Scores.mean(stdK)), kMax));
        f.add("Paper: exemplars help every cluster (most for long or structured outputs) and shrink the spread across templates.");
        return new Outcome(tables, figs, f, List.of("Few-shot prompts fit the " + p.seqLen()
                + "-token block (FLAN allows 960 tokens of exemplars) by dropping whole exemplars, so at this block "
                + "size long prompts keep fewer than k (Evaluator.Report.exemplarsKept counts them); exemplars come from the "
                + "train split and the model is the held-out cluster's leave-one-out model of the zero-shot experiment. "
                + "The last column of few_shot_datasets and run.json's exemplars_kept give, per dataset and k, how many "
                + "prompts kept 0, 1, .. exemplars.", BASELINES_NOTE), numbers);
    }
}
