package dev.flan4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Which clusters a model is tuned on and which it is evaluated on, and the dev examples used to pick the best
 * template.
 * <p>
 * Leave-one-cluster-out follows FLAN ({@code flan/task_splits.py}, {@code generate_inter_cluster_splits}): the
 * held-out clusters are removed from tuning together with FLAN's extra exclusions, which are not transitive:
 * <ul>
 *   <li>nli drops paraphrase, and paraphrase drops nli;</li>
 *   <li>reading_comprehension drops reading_comprehension_with_commonsense (commonsense stays);</li>
 *   <li>commonsense drops reading_comprehension_with_commonsense (reading_comprehension stays);</li>
 *   <li>reading_comprehension_with_commonsense drops both reading_comprehension and commonsense.</li>
 * </ul>
 */
public final class Splits {
    /** Examples carved from train when a dataset has no dev split. */
    public static final int DEV_SIZE = 200;

    /** Held-out cluster -> the clusters FLAN also drops from tuning. */
    private static final Map<String, List<String>> ALSO_EXCLUDED = Map.of(
            "nli", List.of("paraphrase"),
            "paraphrase", List.of("nli"),
            "reading_comprehension", List.of("reading_comprehension_with_commonsense"),
            "commonsense", List.of("reading_comprehension_with_commonsense"),
            "reading_comprehension_with_commonsense", List.of("reading_comprehension", "commonsense"));

    private Splits() {}

    /**
     * Tuning and evaluation clusters with their datasets.
     *
     * @param tuneClusters clusters tuned on, in collection order
     * @param evalClusters clusters evaluated on
     * @param tune         datasets of the tuning clusters
     * @param eval         datasets of the evaluation clusters
     */
    public record Split(List<String> tuneClusters, List<String> evalClusters, List<Dataset> tune, List<Dataset> eval) {}

    /** The held-out clusters plus the clusters FLAN excludes along with them. */
    public static Set<String> excludedFromTuning(java.util.Collection<String> heldOut) {
        Set<String> out = new LinkedHashSet<>(heldOut);
        for (String h : heldOut) out.addAll(ALSO_EXCLUDED.getOrDefault(h, List.of()));
        return out;
    }

    /** Leave-cluster(s)-out: evaluate on {@code heldOut}, tune on every cluster not excluded by them. */
    public static Split leaveOut(Collection c, String... heldOut) {
        List<String> eval = List.of(heldOut);
        if (eval.isEmpty()) throw new IllegalArgumentException("no held-out cluster");
        eval.forEach(c::cluster);
        Set<String> excluded = excludedFromTuning(eval);
        List<String> tune = c.clusters().stream().map(Cluster::name).filter(n -> !excluded.contains(n)).toList();
        return new Split(tune, eval, c.datasetsIn(tune), c.datasetsIn(eval));
    }

    /** Explicit lists: tune on {@code tune}, evaluate on {@code eval} (no automatic exclusions; lists must not overlap). */
    public static Split explicit(Collection c, List<String> tune, List<String> eval) {
        for (String t : tune) if (eval.contains(t)) throw new IllegalArgumentException("cluster " + t + " is both tuned and evaluated on");
        return new Split(List.copyOf(tune), List.copyOf(eval), c.datasetsIn(tune), c.datasetsIn(eval));
    }

    /**
     * The dev examples of a dataset for best-template selection: its dev split, or when absent {@link #DEV_SIZE}
     * examples carved deterministically from train (a shuffle seeded by the dataset name), in train order.
     */
    public static List<Example> dev(Dataset d) {
        List<Example> dev = d.examples("dev");
        if (!dev.isEmpty()) return dev;
        List<Example> train = d.examples("train");
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) idx.add(i);
        Collections.shuffle(idx, new Random(0x5EED_DE7L ^ d.name().hashCode()));
        List<Integer> picked = new ArrayList<>(idx.subList(0, Math.min(DEV_SIZE, idx.size())));
        Collections.sort(picked);
        return picked.stream().map(train::get).toList();
    }
}
