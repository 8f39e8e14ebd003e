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
     * NaN for generation tasks.
     */
    public static double majority(Dataset d, int n) {
        if (d.task() != TaskType.CLASSIFICATION) return Double.NaN;
        List<Example> test = d.examples("test");
        if (n > 0 && test.size() > n) test = test.subList(0, n);
        boolean fixed = d.options() != null && !d.options().isEmpty();
        List<Object> labels = new ArrayList<>();
        for (Example e : test) labels.add(fixed ? e.answer() : d.optionsFor(e).indexOf(e.answer()));
        return 100 * dev.flan4j.eval.Stats.majorityShare(labels);
    }

    /** The n-weighted majority baseline (%) of a cluster's classification datasets on their first n test examples. */
    public static double majority(Collection c, String cluster, int n) {
        double s = 0;
        int total = 0;
        for (Dataset d : c.cluster(cluster).datasets()) {
            if (d.task() != TaskType.CLASSIFICATION) continue;
            int k = n > 0 ? Math.min(n, d.examples("test").size()) : d.examples("test").size();
            s += majority(d, n) * k;
            total += k;
        }
        return total == 0 ? Double.NaN : s / total;
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
        if (n <= 0 || Double.isNaN(score) || !(metric.equals("accuracy") || metric.equals("exact_match"))) return "-";
        dev.flan4j.eval.Stats.Interval i = dev.flan4j.eval.Stats.wilson95(Math.min(1, Math.max(0, score / 100)), n).scaled(100);
        return "[" + dev.flan4j.experiment.Table.num(i.low()) + ", " + dev.flan4j.experiment.Table.num(i.high()) + "]";
    }

    /** Mean over values, NaN-safe (NaN when none). */
    public static double mean(List<Double> v) {
        return v.stream().filter(x -> !x.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
