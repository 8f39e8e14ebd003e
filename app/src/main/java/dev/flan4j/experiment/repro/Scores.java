package dev.flan4j.experiment.repro;

import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Example;
import dev.flan4j.data.TaskType;
import dev.flan4j.eval.Evaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Arithmetic on evaluation reports: merging per-cluster reports, held-out averages, template spread, chance. */
public final class Scores {
    private Scores() {}

    /** One report from several (clusters concatenated in order). */
    public static Evaluator.Report merge(List<Evaluator.Report> parts) {
        List<Evaluator.TemplateScore> t = new ArrayList<>();
        List<Evaluator.DatasetScore> d = new ArrayList<>();
        Map<String, Double> mean = new LinkedHashMap<>(), best = new LinkedHashMap<>();
        for (Evaluator.Report r : parts) {
            t.addAll(r.templates());
            d.addAll(r.datasets());
            mean.putAll(r.clusterMean());
            best.putAll(r.clusterBestDev());
        }
        return new Evaluator.Report(t, d, mean, best);
    }

    /** The mean over {@code clusters} of their cluster averages (mean over templates, or best-dev template). */
    public static double average(Evaluator.Report r, List<String> clusters, boolean bestDev) {
        Map<String, Double> m = bestDev ? r.clusterBestDev() : r.clusterMean();
        return clusters.stream().mapToDouble(c -> m.getOrDefault(c, Double.NaN)).average().orElse(Double.NaN);
    }

    public static double cluster(Evaluator.Report r, String cluster, boolean bestDev) {
        return (bestDev ? r.clusterBestDev() : r.clusterMean()).getOrDefault(cluster, Double.NaN);
    }

    /** Population standard deviation of a dataset's test scores across its templates. */
    public static double templateStd(Evaluator.Report r, String dataset) {
        List<Double> s = r.templates().stream().filter(t -> t.dataset().equals(dataset) && t.split().equals("test"))
                .map(Evaluator.TemplateScore::score).toList();
        if (s.isEmpty()) return Double.NaN;
        double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return Math.sqrt(s.stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElse(0));
    }

    /** Mean of a per-dataset quantity over a cluster's datasets in the report. */
    public static double clusterMeanOf(Evaluator.Report r, String cluster, java.util.function.ToDoubleFunction<Evaluator.DatasetScore> f) {
        return r.datasets().stream().filter(d -> d.cluster().equals(cluster)).mapToDouble(f).average().orElse(Double.NaN);
    }

    /**
     * The score of guessing: for classification the mean of 100 / options over the scored test examples, for
     * generation 0.
     */
    public static double chance(Dataset d, int maxExamples) {
        if (d.task() != TaskType.CLASSIFICATION) return 0;
        List<Example> test = d.examples("test");
        if (maxExamples > 0 && test.size() > maxExamples) test = test.subList(0, maxExamples);
        return test.stream().mapToDouble(e -> 100.0 / Math.max(1, d.optionsFor(e).size())).average().orElse(Double.NaN);
    }

    /** The mean chance score of a cluster's datasets. */
    public static double chance(Collection c, String cluster, int maxExamples) {
        return c.cluster(cluster).datasets().stream().mapToDouble(d -> chance(d, maxExamples)).average().orElse(Double.NaN);
    }

    /**
     * The majority-class baseline (%) on the first {@code n} test examples (0 = all; the ones scored): the share of the
     * most frequent gold answer; where the options differ per example, of the most frequent gold option position.
     * For exact-match generation tasks: the exact match of always answering the most frequent train answer; NaN for
     * other generation metrics.
     */
    public static double majority(Dataset d, int n) {
        List<Example> test = d.examples("test");
        if (n > 0 && test.size() > n) test = test.subList(0, n);
        if (d.task() != TaskType.CLASSIFICATION) return d.metric() == dev.flan4j.data.Metric.EXACT_MATCH
                ? mostFrequentAnswer(d, test) : Double.NaN;
        boolean fixed = d.options() != null && !d.options().isEmpty();
        List<Object> labels = new ArrayList<>();
        for (Example e : test) labels.add(fixed ? e.answer() : d.optionsFor(e).indexOf(e.answer()));
        return 100 * dev.flan4j.eval.Stats.majorityShare(labels);
    }

    /** Exact match (%) of always answering the most frequent (normalised) train answer: generation's majority class. */
    private static double mostFrequentAnswer(Dataset d, List<Example> test) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Example e : d.examples("train")) {
            counts.merge(dev.flan4j.eval.metrics.ExactMatch.normalizeAnswer(e.answer()), 1, Integer::sum);
        }
        if (counts.isEmpty() || test.isEmpty()) return Double.NaN;
        String top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        long hits = test.stream().filter(e -> dev.flan4j.eval.metrics.ExactMatch.normalizeAnswer(e.answer()).equals(top)).count();
        return 100.0 * hits / test.size();
    }

    /**
     * The majority baseline (%) of a cluster as its score is formed: the mean over the cluster's datasets of their
     * majority baselines on the first n test examples. NaN when a dataset of the cluster has none (a BLEU or ROUGE
     * score), so a baseline never averages over part of what the score covers.
     */
    public static double majority(Collection c, String cluster, int n) {
        return clusterBaseline(c, cluster, d -> majority(d, n));
    }

    /**
     * The best heuristic (%) of a classification dataset: the highest of the answer-prior (the option most often the
     * answer in train), position, length, word-overlap and last-field naive-Bayes baselines of {@link dev.flan4j.data.Baselines} (fitted on train, scored on the whole test
     * split). Chosen on test, so it is an optimistic bar: a score above it is not explained by these cues. For
     * generation tasks the most-frequent-answer baseline of {@link #majority} (NaN for BLEU/ROUGE).
     */
    public static double heuristic(Dataset d) {
        if (d.task() != TaskType.CLASSIFICATION) return majority(d, 0);
        dev.flan4j.data.Baselines.Row r = HEURISTICS.computeIfAbsent(d, dev.flan4j.data.Baselines::of);
        double best = Double.NaN;
        for (double v : new double[]{r.majority(), r.position(), r.length(), r.overlap(), r.lastFieldNb()}) {
            if (!Double.isNaN(v) && (Double.isNaN(best) || v > best)) best = v;
        }
        return 100 * best;
    }

    private static final Map<Dataset, dev.flan4j.data.Baselines.Row> HEURISTICS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** A cluster's best-heuristic baseline: the mean of its datasets' {@link #heuristic}; NaN as for majority. */
    public static double heuristic(Collection c, String cluster) {
        return clusterBaseline(c, cluster, Scores::heuristic);
    }

    /** The mean over clusters of a cluster baseline (NaN if any is NaN): the baseline of a held-out average. */
    public static double baselineAverage(List<String> clusters, java.util.function.ToDoubleFunction<String> perCluster) {
        double s = 0;
        for (String c : clusters) s += perCluster.applyAsDouble(c);
        return clusters.isEmpty() ? Double.NaN : s / clusters.size();
    }

    private static double clusterBaseline(Collection c, String cluster, java.util.function.ToDoubleFunction<Dataset> f) {
        List<Dataset> ds = c.cluster(cluster).datasets();
        double s = 0;
        for (Dataset d : ds) s += f.applyAsDouble(d);   // NaN where a dataset has no such baseline
        return ds.isEmpty() ? Double.NaN : s / ds.size();
    }

    /**
     * The 95% interval (0-100) of the mean over {@code clusters} of their cluster scores (each the mean of its
     * datasets' scores: over templates, or the best-dev template's), from each dataset's score and test examples
     * ({@link dev.flan4j.eval.Stats#weightedAccuracies95}: Wilson for a single dataset). Null when a dataset's metric
     * is not a share of examples (BLEU, ROUGE, F1) or a cluster has no scores: such a cell is printed without one.
     */
    public static dev.flan4j.eval.Stats.Interval interval(Evaluator.Report r, List<String> clusters, boolean bestDev) {
        List<double[]> parts = new ArrayList<>();
        for (String c : clusters) {
            List<Evaluator.DatasetScore> ds = r.datasets().stream().filter(d -> d.cluster().equals(c)).toList();
            if (ds.isEmpty()) return null;
            for (Evaluator.DatasetScore d : ds) {
                int n = testCount(r, d.dataset());
                double v = bestDev ? d.bestDev() : d.mean();
                if (!isShare(d.metric()) || n <= 0 || Double.isNaN(v)) return null;
                parts.add(new double[]{1.0 / clusters.size() / ds.size(), Math.min(1, Math.max(0, v / 100)), n});
            }
        }
        if (parts.isEmpty()) return null;
        double[] w = new double[parts.size()], p = new double[parts.size()];
        int[] n = new int[parts.size()];
        for (int i = 0; i < n.length; i++) {
            w[i] = parts.get(i)[0];
            p[i] = parts.get(i)[1];
            n[i] = (int) parts.get(i)[2];
        }
        return dev.flan4j.eval.Stats.weightedAccuracies95(w, p, n).scaled(100);
    }

    /** {@link #interval} of one cluster. */
    public static dev.flan4j.eval.Stats.Interval interval(Evaluator.Report r, String cluster, boolean bestDev) {
        return interval(r, List.of(cluster), bestDev);
    }

    /** "v [low, high]", or "v" alone without an interval. */
    public static String cell(double v, dev.flan4j.eval.Stats.Interval ci) {
        String s = dev.flan4j.experiment.Table.num(v);
        if (ci == null || Double.isNaN(v)) return s;
        return s + " [" + dev.flan4j.experiment.Table.num(ci.low()) + ", " + dev.flan4j.experiment.Table.num(ci.high()) + "]";
    }

    /** Half the width of an interval (for symmetric error bars in charts), NaN without one. */
    public static double halfWidth(dev.flan4j.eval.Stats.Interval ci) {
        return ci == null ? Double.NaN : (ci.high() - ci.low()) / 2;
    }

    private static boolean isShare(String metric) {
        return metric.equals("accuracy") || metric.equals("exact_match");
    }

    /** Test examples a dataset was scored on (per template) in a report, 0 when absent. */
    public static int testCount(Evaluator.Report r, String dataset) {
        return r.templates().stream().filter(s -> s.dataset().equals(dataset) && s.split().equals("test"))
                .mapToInt(Evaluator.TemplateScore::n).findFirst().orElse(0);
    }

    /**
     * "[low, high]": the 95% Wilson interval (0-100) of an accuracy-like score measured on n examples, or "-" for
     * a metric that is not a share of examples (BLEU, ROUGE, F1) or no examples.
     */
    public static String wilsonCell(String metric, double score, int n) {
        if (n <= 0 || Double.isNaN(score) || !isShare(metric)) return "-";
        dev.flan4j.eval.Stats.Interval i = dev.flan4j.eval.Stats.wilson95(Math.min(1, Math.max(0, score / 100)), n).scaled(100);
        return "[" + dev.flan4j.experiment.Table.num(i.low()) + ", " + dev.flan4j.experiment.Table.num(i.high()) + "]";
    }

    /** Mean over values, NaN-safe (NaN when none). */
    public static double mean(List<Double> v) {
        return v.stream().filter(x -> !x.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
