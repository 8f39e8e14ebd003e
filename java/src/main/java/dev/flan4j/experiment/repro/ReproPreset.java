package dev.flan4j.experiment.repro;

import dev.flan4j.train.Schedule;
import dev.flan4j.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The knobs of a reproduction run set: model sizes, training steps and how much evaluation. One preset serves all
 * five experiments, so they share the pretrained base and the tuned models they have in common.
 *
 * @param name             preset name
 * @param model            model preset of the main experiments (zero-shot, clusters, instructions, few-shot)
 * @param scaleLadder      model presets of the scale experiment, smallest first
 * @param seqLen           tokens per training row, also the models' block size
 * @param batchRows        rows per optimizer step
 * @param pretrainSteps    pretraining steps of each base model
 * @param tuneSteps        instruction-tuning steps of each tuned model
 * @param pretrainLr       peak pretraining learning rate (cosine)
 * @param tuneLr           tuning learning rate (constant after warmup)
 * @param evalExamples     test examples per template (0 = all)
 * @param evalDev          dev examples per template for the best-dev template (0 = skip: best = best on test)
 * @param maxTemplates     instruction templates scored per dataset, the first ones (0 = all)
 * @param maxNewTokens     generation budget
 * @param zeroShotClusters held-out clusters of the zero-shot experiment, one tuned model each
 * @param maxTuneClusters  how far the clusters experiment goes along FLAN's order (at most 7)
 * @param baselineShots    exemplars of the untuned base's few-shot baseline
 * @param shots            exemplar counts of the few-shot experiment
 */
public record ReproPreset(String name, String model, List<String> scaleLadder, int seqLen, int batchRows,
                          int pretrainSteps, int tuneSteps, double pretrainLr, double tuneLr, int evalExamples,
                          int evalDev, int maxTemplates, int maxNewTokens, List<String> zeroShotClusters,
                          int maxTuneClusters, int baselineShots, List<Integer> shots) {

    public ReproPreset {
        scaleLadder = List.copyOf(scaleLadder);
        zeroShotClusters = List.copyOf(zeroShotClusters);
        shots = List.copyOf(shots);
        if (scaleLadder.isEmpty()) throw new IllegalArgumentException("empty scale ladder");
        if (zeroShotClusters.isEmpty()) throw new IllegalArgumentException("no zero-shot cluster");
        if (maxTuneClusters < 1 || maxTuneClusters > Paper.CLUSTER_ORDER.size()) {
            throw new IllegalArgumentException("maxTuneClusters must be 1.." + Paper.CLUSTER_ORDER.size());
        }
        if (shots.isEmpty() || shots.stream().anyMatch(k -> k < 0)) throw new IllegalArgumentException("bad shots " + shots);
    }

    /** Seconds-long runs for tests and CI: the tiny model, a handful of steps, two examples per template. */
    public static ReproPreset tiny() {
        return new ReproPreset("tiny", "tiny", List.of("tiny"), 64, 2, 3, 2, 3e-3, 1e-3, 2, 2, 2, 4,
                List.of("nli"), 2, 1, List.of(0, 1));
    }

    /**
     * The built-in collection on a 2-core CPU: the tiny model (1m and 3m in the scale ladder), 200 pretraining and
     * 60 tuning steps of 4 x 128 tokens, 30 test and 10 dev examples on 3 templates per dataset. All five experiments
     * in 45-60 minutes on a shared 2-core machine (the 3m base of the scale ladder is the largest part).
     */
    public static ReproPreset cpuMini() {
        return new ReproPreset("cpu-mini", "tiny", List.of("tiny", "1m", "3m"), 128, 4, 200, 60, 3e-3, 1e-3, 30, 10, 3,
                12, List.of("nli", "closed_book_qa", "commonsense"), 7, 1, List.of(0, 1, 2));
    }

    /** One H100-class GPU: larger models and many more steps, every test example and template. */
    public static ReproPreset gpu() {
        return new ReproPreset("gpu", "10m", List.of("1m", "3m", "10m", "30m"), 512, 32, 4000, 1500, 6e-4, 2e-4, 0, 200,
                0, 32, List.of("nli", "closed_book_qa", "commonsense"), 7, 3, List.of(0, 1, 3, 5));
    }

    public static final Map<String, ReproPreset> PRESETS = presets();

    private static Map<String, ReproPreset> presets() {
        Map<String, ReproPreset> m = new LinkedHashMap<>();
        for (ReproPreset p : List.of(cpuMini(), gpu(), tiny())) m.put(p.name(), p);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A preset by name, or an exception listing the names. */
    public static ReproPreset byName(String name) {
        ReproPreset p = name == null ? null : PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (p == null) throw new IllegalArgumentException("unknown preset '" + name + "'; presets: " + PRESETS.keySet());
        return p;
    }

    /** The base model's training settings (as the demo: warmup 5%, cosine). */
    public TrainConfig pretrainConfig(long seed) {
        return TrainConfig.defaults().withSteps(pretrainSteps).withBatch(batchRows, seqLen)
                .withLr(pretrainLr, Math.max(1, pretrainSteps / 20), Schedule.Kind.COSINE).withSeed(seed)
                .withCheckpoints(Math.max(1, pretrainSteps / 2), 1);
    }

    /** A tuned model's training settings (as the demo: warmup 5%, constant, FLAN's last checkpoint). */
    public TrainConfig tuneConfig(long seed) {
        return TrainConfig.defaults().withSteps(tuneSteps).withBatch(batchRows, seqLen)
                .withLr(tuneLr, Math.max(1, tuneSteps / 20), Schedule.Kind.CONSTANT).withSeed(seed + 1)
                .withCheckpoints(Math.max(1, tuneSteps / 2), 1);
    }
}
