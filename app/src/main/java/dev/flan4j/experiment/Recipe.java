package dev.flan4j.experiment;

import dev.flan4j.data.Dataset;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.TaskType;
import dev.flan4j.experiment.repro.Paper;
import dev.flan4j.train.Schedule;
import dev.flan4j.train.TrainConfig;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A FLAN recipe: which model, how it is pretrained and instruction-tuned, and how much evaluation. The demo and the
 * reproduction run named recipes ({@link #byName}); build others with {@link #builder()} or {@link #toBuilder()}.
 *
 * @param name             recipe name
 * @param model            model preset of the main runs (the demo, and the zero-shot, clusters, instructions and
 *                         few-shot experiments)
 * @param base             the shipped pretrained model the reproduction's main runs start from (its architecture
 *                         must be {@code model}'s), or null to pretrain {@code model} here; the scale experiment
 *                         always pretrains every rung here, so the ladder compares equal budgets
 * @param scaleLadder      model presets of the scale experiment, smallest first
 * @param pretrain         pretraining settings (seed = the recipe's seed); seqLen is also the models' block size
 * @param tune             instruction-tuning settings (seed = the recipe's seed + 1)
 * @param mixture          the instruction-tuning mixture (FLAN's unless the recipe says otherwise)
 * @param tuneTasks        task types tuned on (FLAN: both; the CPU demo: classification only, see {@link #demo()})
 * @param tuneClusters     the demo's tuning clusters (empty: every cluster FLAN allows with the held-out one out)
 * @param evalExamples     test examples per template (0 = all)
 * @param evalDev          dev examples per template for the best-dev template (0 = skip: best = best on test)
 * @param maxTemplates     instruction templates scored per dataset, the first ones (0 = all)
 * @param maxNewTokens     generation budget
 * @param heldOut          held-out clusters: the demo holds out the first, the zero-shot experiment each in turn
 * @param maxTuneClusters  how far the clusters experiment goes along FLAN's order (at most 7)
 * @param baselineShots    exemplars of the untuned base's few-shot baseline
 * @param shots            exemplar counts of the few-shot experiment
 * @param curvePoints      tuning checkpoints scored for the demo's learning curve (besides step 0)
 * @param curveExamples    test examples per dataset scored at each learning-curve point (one template)
 * @param seeds            seeds a reproduction run set trains and scores (seed, seed + 1, ...): means and 95%
 *                         intervals across them go beside the first seed's tables
 * @param seed             seed of model init, data order and exemplars
 */
public record Recipe(String name, String model, String base, List<String> scaleLadder, TrainConfig pretrain, TrainConfig tune,
                     Mixture.Config mixture, Set<TaskType> tuneTasks, List<String> tuneClusters, int evalExamples, int evalDev, int maxTemplates, int maxNewTokens, List<String> heldOut,
                     int maxTuneClusters, int baselineShots, List<Integer> shots, int curvePoints, int curveExamples,
                     int seeds, long seed) {

    public Recipe {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("recipe name is empty");
        if (model == null || model.isBlank()) throw new IllegalArgumentException("recipe " + name + ": model is empty");
        scaleLadder = List.copyOf(scaleLadder);
        heldOut = List.copyOf(heldOut);
        shots = List.copyOf(shots);
        if (mixture == null) throw new IllegalArgumentException("recipe " + name + ": mixture settings missing");
        if (tuneTasks == null || tuneTasks.isEmpty()) throw new IllegalArgumentException("recipe " + name + ": no task type to tune on");
        tuneTasks = Collections.unmodifiableSet(EnumSet.copyOf(tuneTasks));
        tuneClusters = List.copyOf(tuneClusters);
        if (pretrain == null || tune == null) throw new IllegalArgumentException("recipe " + name + ": training settings missing");
        if (scaleLadder.isEmpty()) throw new IllegalArgumentException("recipe " + name + ": empty scale ladder");
        if (heldOut.isEmpty()) throw new IllegalArgumentException("recipe " + name + ": no held-out cluster");
        if (maxTuneClusters < 1 || maxTuneClusters > Paper.CLUSTER_ORDER.size()) {
            throw new IllegalArgumentException("maxTuneClusters must be 1.." + Paper.CLUSTER_ORDER.size() + ", got " + maxTuneClusters);
        }
        if (shots.isEmpty() || shots.stream().anyMatch(k -> k < 0)) throw new IllegalArgumentException("bad shots " + shots);
        nonNegative("evalExamples", evalExamples);
        nonNegative("evalDev", evalDev);
        nonNegative("maxTemplates", maxTemplates);
        nonNegative("baselineShots", baselineShots);
        nonNegative("curvePoints", curvePoints);
        nonNegative("curveExamples", curveExamples);
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
    }

    private static void nonNegative(String field, int v) {
        if (v < 0) throw new IllegalArgumentException(field + " must be >= 0, got " + v);
    }

    /** Tokens per training row, also the models' block size. */
    public int seqLen() { return pretrain.seqLen(); }

    /** Rows per optimizer step. */
    public int batchRows() { return pretrain.batchRows(); }

    /** The datasets of {@code tune} whose task type this recipe tunes on, in order. */
    public List<Dataset> tunable(List<Dataset> tune) {
        return tune.stream().filter(d -> tuneTasks.contains(d.task())).toList();
    }

    /** The pretraining settings with another seed. */
    public TrainConfig pretrainConfig(long seed) { return pretrain.toBuilder().seed(seed).build(); }

    /** The tuning settings with another seed (tuning draws seed + 1, as the pretraining it follows draws seed). */
    public TrainConfig tuneConfig(long seed) { return tune.toBuilder().seed(seed + 1).build(); }

    // -------------------------------------------------------------------------------------------------- presets

    /**
     * The demo on two CPU cores: 1,500 tuning steps of 4 x 256 tokens (lr 1e-3; rows long enough that no sequence
     * of this mixture is cut: at 128 tokens 40% of name_cloze's were) on the classification datasets of
     * the sentiment and coreference clusters, each example weighing the same in the loss, a mixing cap of 500 (below
     * most train splits, so the mixture is near-uniform over datasets as FLAN's cap of 3,000 is over its much larger
     * datasets) and no turned-around templates; then every test example x 2 templates per scored dataset for base and
     * tuned model and a 5-point learning curve on 20 examples per dataset. The departures from FLAN's mixture are
     * what a 1.35M-parameter model learns from in five CPU minutes: with every seen cluster, generation tasks,
     * turned-around templates and per-token loss the label tokens are about 2% of the gradient and the tuned model
     * answers one option everywhere (README, "What the demo shows"). {@link #demoGpu()} keeps FLAN's mixture.
     */
    public static Recipe demo() {
        return builder("demo").model("1m").batch(4, 256).pretrain(600, 3e-3).tune(1500, 1e-3).checkpoints(4, 2)
                .tune(t -> t.lossNorm(TrainConfig.LossNorm.SEQUENCE))
                .mixture(Mixture.Config.FLAN.withMaxExamples(500).withTurnedAround(false))
                .tuneTasks(TaskType.CLASSIFICATION).tuneClusters("sentiment", "coreference")
                .eval(0, 0, 2, 32).heldOut("nli").curve(4, 20).build();
    }

    /** The demo on one GPU: a larger model and more steps, every test example. */
    public static Recipe demoGpu() {
        return builder("demo-gpu").model("30m").batch(32, 512).pretrain(4000, 6e-4).tune(2000, 2e-4).checkpoints(4, 2)
                .eval(0, 0, 0, 32).heldOut("nli").curve(8, 200).build();
    }

    /** Seconds-long runs for tests and CI: the tiny model, a handful of steps, two examples per template. */
    public static Recipe tiny() {
        return builder("tiny").model("tiny").batch(2, 64).pretrain(3, 3e-3).tune(2, 1e-3).eval(2, 2, 2, 4)
                .heldOut("nli").maxTuneClusters(2).baselineShots(1).shots(0, 1).build();
    }

    /**
     * The built-in collection on a 2-core CPU: the shipped base flan4j-base-1m (preset 1m, block 512) tuned for 200
     * steps of 2 x 512 tokens on FLAN's mixture (rows of the base's whole block: FLAN's mixture needs 384-448 tokens
     * for 99% of its prompt + target pairs to fit; at 256, factbook's were cut ~80% of the time, story_continuation's a
     * third); the scale ladder (tiny, 1m, 3m) pretrained here with 512-token blocks for 200 steps each of 2 x 512;
     * every test example (the splits hold 180-440) and 50 dev examples on 3 templates per dataset; 3 seeds.
     */
    public static Recipe cpuMini() {
        return builder("cpu-mini").model("1m").base("flan4j-base-1m").scaleLadder("tiny", "1m", "3m").batch(2, 512)
                .pretrain(200, 3e-3).tune(200, 1e-3).eval(0, 50, 3, 12).heldOut("nli", "closed_book_qa", "commonsense")
                .baselineShots(1).shots(0, 1, 2).seeds(3).build();
    }

    /** One H100-class GPU: larger models and many more steps, every test example and template, 3 seeds. */
    public static Recipe gpu() {
        return builder("gpu").model("10m").scaleLadder("1m", "3m", "10m", "30m").batch(32, 512).pretrain(4000, 6e-4)
                .tune(1500, 2e-4).eval(0, 200, 0, 32).heldOut("nli", "closed_book_qa", "commonsense").baselineShots(3)
                .shots(0, 1, 3, 5).seeds(3).build();
    }

    /** The named recipes. */
    public static final Map<String, Recipe> PRESETS = presets();

    private static Map<String, Recipe> presets() {
        Map<String, Recipe> m = new LinkedHashMap<>();
        for (Recipe r : List.of(cpuMini(), gpu(), tiny(), demo(), demoGpu())) m.put(r.name(), r);
        return Collections.unmodifiableMap(m);
    }

    /** A recipe by name, or an exception listing the names. */
    public static Recipe byName(String name) {
        Recipe r = name == null ? null : PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (r == null) throw new IllegalArgumentException("unknown preset '" + name + "'; presets: " + PRESETS.keySet());
        return r;
    }

    // -------------------------------------------------------------------------------------------------- builder

    /** A builder with every field at its default (one line each below). */
    public static Builder builder(String name) { return new Builder(name); }

    /** A builder holding this recipe. */
    public Builder toBuilder() { return new Builder(this); }

    /**
     * Mutable recipe fields. {@link #pretrain(int, double)} and {@link #tune(int, double)} set steps and learning rate
     * with 5% warmup (cosine for pretraining, constant for tuning as FLAN); {@link #checkpoints(int, int)} spreads
     * checkpoints over each run; {@link #pretrain(java.util.function.UnaryOperator)} and its tune twin reach every
     * other training field.
     */
    public static final class Builder {
        private String name, model = "1m", base;
        private List<String> scaleLadder, heldOut = List.of("nli");
        private TrainConfig.Builder pretrain = TrainConfig.builder().schedule(Schedule.Kind.COSINE);
        private TrainConfig.Builder tune = TrainConfig.builder().schedule(Schedule.Kind.CONSTANT);
        private int pretrainSteps = 1000, tuneSteps = 1000, checkpointsPerRun = 2, keepCheckpoints = 1;
        private int evalExamples = 0, evalDev = 50, maxTemplates = 0, maxNewTokens = 32;
        private int maxTuneClusters = Paper.CLUSTER_ORDER.size(), baselineShots = 1, curvePoints = 0, curveExamples = 40;
        private List<Integer> shots = List.of(0, 1);
        private Mixture.Config mixture = Mixture.Config.FLAN;
        private Set<TaskType> tuneTasks = EnumSet.allOf(TaskType.class);
        private List<String> tuneClusters = List.of();
        private int seeds = 1;
        private long seed = 1234;

        private Builder(String name) { this.name = name; }

        private Builder(Recipe r) {
            name = r.name; model = r.model; base = r.base; scaleLadder = r.scaleLadder; heldOut = r.heldOut;
            pretrain = r.pretrain.toBuilder(); tune = r.tune.toBuilder();
            pretrainSteps = r.pretrain.steps(); tuneSteps = r.tune.steps(); checkpointsPerRun = 0;
            evalExamples = r.evalExamples; evalDev = r.evalDev; maxTemplates = r.maxTemplates; maxNewTokens = r.maxNewTokens;
            maxTuneClusters = r.maxTuneClusters; baselineShots = r.baselineShots; shots = r.shots;
            curvePoints = r.curvePoints; curveExamples = r.curveExamples; seeds = r.seeds; seed = r.seed;
            mixture = r.mixture; tuneTasks = r.tuneTasks; tuneClusters = r.tuneClusters;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder model(String v) { model = v; return this; }
        /** The shipped model the reproduction's main runs start from (null: pretrain {@code model} here). */
        public Builder base(String v) { base = v; return this; }
        public Builder scaleLadder(String... v) { scaleLadder = List.of(v); return this; }
        public Builder batch(int rows, int seqLen) { pretrain.batch(rows, seqLen); tune.batch(rows, seqLen); return this; }
        public Builder pretrain(int steps, double lr) { pretrainSteps = steps; pretrain.lr(lr).warmup(Math.max(1, steps / 20)); return this; }
        public Builder tune(int steps, double lr) { tuneSteps = steps; tune.lr(lr).warmup(Math.max(1, steps / 20)); return this; }
        public Builder pretrain(java.util.function.UnaryOperator<TrainConfig.Builder> f) { pretrain = f.apply(pretrain); return this; }
        public Builder tune(java.util.function.UnaryOperator<TrainConfig.Builder> f) { tune = f.apply(tune); return this; }
        /** {@code perRun} evenly spaced checkpoints per run (0 = leave checkpointEvery as set), the newest {@code keep} kept. */
        public Builder checkpoints(int perRun, int keep) { checkpointsPerRun = perRun; keepCheckpoints = keep; return this; }
        public Builder eval(int examples, int dev, int templates, int newTokens) {
            evalExamples = examples; evalDev = dev; maxTemplates = templates; maxNewTokens = newTokens; return this;
        }
        public Builder mixture(Mixture.Config v) { mixture = v; return this; }
        public Builder tuneTasks(TaskType... v) { tuneTasks = EnumSet.copyOf(List.of(v)); return this; }
        public Builder tuneClusters(String... v) { tuneClusters = List.of(v); return this; }
        public Builder heldOut(String... v) { heldOut = List.of(v); return this; }
        public Builder maxTuneClusters(int v) { maxTuneClusters = v; return this; }
        public Builder baselineShots(int v) { baselineShots = v; return this; }
        public Builder shots(Integer... v) { shots = List.of(v); return this; }
        public Builder curve(int points, int examples) { curvePoints = points; curveExamples = examples; return this; }
        public Builder seeds(int v) { seeds = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public Recipe build() {
            TrainConfig p = train(pretrain, pretrainSteps).seed(seed).build();
            TrainConfig t = train(tune, tuneSteps).seed(seed + 1).build();
            return new Recipe(name, model, base, scaleLadder == null ? List.of(model) : scaleLadder, p, t, mixture, tuneTasks, tuneClusters, evalExamples, evalDev,
                    maxTemplates, maxNewTokens, heldOut, maxTuneClusters, baselineShots, shots, curvePoints,
                    curveExamples, seeds, seed);
        }

        private TrainConfig.Builder train(TrainConfig.Builder b, int steps) {
            b.steps(steps);
            if (checkpointsPerRun > 0) b.checkpoints(Math.max(1, steps / checkpointsPerRun), keepCheckpoints);
            return b;
        }
    }
}
