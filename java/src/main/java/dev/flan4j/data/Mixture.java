package dev.flan4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * FLAN's examples-proportional mixture of training datasets.
 * <p>
 * Each dataset contributes at most {@code trainCap} training examples (the first ones of its train split). Its mixing
 * rate is proportional to {@code min(n, maxExamples)^(1/T)} where n is its capped size.
 * <p>
 * Templates are assigned as in FLAN, once, before shuffling: example i of a dataset gets allowed template
 * {@code i mod nTemplates} (templates rotate over consecutive examples) and keeps it in every epoch. With
 * {@link Config#rotateTemplates()} an example instead moves on to the next template each time it comes round again
 * (template {@code (i + epoch) mod nTemplates}), which shows each example under more templates in multi-epoch runs.
 * With {@link Config#turnedAround()} false the turned-around templates are left out of training (FLAN keeps them).
 */
public final class Mixture {
    /**
     * Mixture settings.
     *
     * @param trainCap        training examples taken from each dataset (its first ones)
     * @param maxExamples     mixing cap: a dataset's rate is proportional to min(n, maxExamples)^(1/temperature)
     * @param temperature     mixing temperature (1 = examples-proportional)
     * @param rotateTemplates whether an example's template advances every epoch (false in FLAN: one template per
     *                        example for the whole run)
     * @param turnedAround    whether the turned-around templates are trained on (true in FLAN). Their targets are the
     *                        long inputs of the original task (a review for "write a positive review"), so at small
     *                        scale they carry most of the per-token loss; see the demo recipe.
     */
    public record Config(int trainCap, int maxExamples, double temperature, boolean rotateTemplates,
                         boolean turnedAround) {
        /** FLAN's settings: 30,000 examples per dataset, mixing cap 3,000, temperature 1, fixed templates, all templates. */
        public static final Config FLAN = new Config(30_000, 3_000, 1.0, false, true);

        /** Settings with FLAN's fixed template assignment and every template. */
        public Config(int trainCap, int maxExamples, double temperature) {
            this(trainCap, maxExamples, temperature, false, true);
        }

        public Config {
            if (trainCap <= 0) throw new IllegalArgumentException("mixture trainCap must be > 0, got " + trainCap);
            if (maxExamples <= 0) throw new IllegalArgumentException("mixture maxExamples (mixing cap) must be > 0, got " + maxExamples);
            if (!(temperature > 0)) throw new IllegalArgumentException("mixture temperature must be > 0, got " + temperature);
        }

        public Config withTemperature(double t) { return new Config(trainCap, maxExamples, t, rotateTemplates, turnedAround); }

        public Config withMaxExamples(int cap) { return new Config(trainCap, cap, temperature, rotateTemplates, turnedAround); }

        public Config withTemplateRotation(boolean rotate) { return new Config(trainCap, maxExamples, temperature, rotate, turnedAround); }

        public Config withTurnedAround(boolean keep) { return new Config(trainCap, maxExamples, temperature, rotateTemplates, keep); }
    }

    private final PromptFormat format;
    private final boolean rotate;
    private final List<Dataset> datasets = new ArrayList<>();
    private final List<List<Example>> pools = new ArrayList<>();
    private final List<List<Template>> templates = new ArrayList<>();
    private final Map<String, Double> rates = new LinkedHashMap<>();
    private final double[] cumulative;

    public Mixture(List<Dataset> datasets, PromptFormat format, Config config) {
        this.format = format;
        this.rotate = config.rotateTemplates();
        Map<Dataset, Double> weights = new LinkedHashMap<>();
        double total = 0;
        for (Dataset d : datasets) {
            List<Example> train = d.examples("train");
            List<Example> pool = train.subList(0, Math.min(train.size(), config.trainCap()));
            List<Template> ts = config.turnedAround() ? format.templates(d)
                    : format.templates(d).stream().filter(t -> !t.turnedAround()).toList();
            if (pool.isEmpty() || ts.isEmpty()) continue;
            double w = weight(pool.size(), config.maxExamples(), config.temperature());
            this.datasets.add(d);
            pools.add(pool);
            templates.add(ts);
            weights.put(d, w);
            total += w;
        }
        if (total == 0) throw new IllegalArgumentException("no training examples in " + datasets);
        cumulative = new double[this.datasets.size()];
        double acc = 0;
        int i = 0;
        for (Map.Entry<Dataset, Double> e : weights.entrySet()) {
            rates.put(e.getKey().name(), e.getValue() / total);
            acc += e.getValue() / total;
            cumulative[i++] = acc;
        }
    }

    /** FLAN's mixture: FLAN templates and {@link Config#FLAN}. */
    public static Mixture flan(List<Dataset> datasets) {
        return new Mixture(datasets, PromptFormat.FLAN, Config.FLAN);
    }

    /** The unnormalized mixing weight of a dataset of n (capped) examples: {@code min(n, maxExamples)^(1/T)}. */
    public static double weight(int n, int maxExamples, double temperature) {
        return Math.pow(Math.min(n, maxExamples), 1.0 / temperature);
    }

    /** Mixing rate per dataset name (summing to 1); datasets without training examples are left out. */
    public Map<String, Double> rates() {
        return Collections.unmodifiableMap(rates);
    }

    /** The capped training examples of each mixed dataset. */
    public Map<String, Integer> sizes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < datasets.size(); i++) out.put(datasets.get(i).name(), pools.get(i).size());
        return out;
    }

    /**
     * An endless, seeded stream of rendered instances: each draw picks a dataset by its mixing rate, then that
     * dataset's next example (each dataset is walked in a seeded order reshuffled every epoch).
     */
    public Iterator<Instance> iterator(long seed) {
        return new Iterator<>() {
            final Random pick = new Random(seed);
            final Cursor[] cursors = new Cursor[datasets.size()];

            public boolean hasNext() { return true; }

            public Instance next() {
                int d = datasetAt(pick.nextDouble());
                if (cursors[d] == null) cursors[d] = new Cursor(pools.get(d).size(), new Random(seed * 31 + d));
                Cursor c = cursors[d];
                int i = c.next();
                return format.render(datasets.get(d), pools.get(d).get(i), template(d, i, c.epoch));
            }
        };
    }

    /** The first n instances of {@link #iterator(long)}. */
    public List<Instance> sample(long seed, int n) {
        List<Instance> out = new ArrayList<>(n);
        Iterator<Instance> it = iterator(seed);
        for (int i = 0; i < n; i++) out.add(it.next());
        return out;
    }

    /** The template of example i of mixed dataset d in a given epoch (0-based). */
    private Template template(int d, int i, int epoch) {
        List<Template> ts = templates.get(d);
        return ts.get((i + (rotate ? epoch : 0)) % ts.size());
    }

    /**
     * Every capped training example of every mixed dataset rendered with the template it gets in the first epoch
     * (the one it keeps throughout unless templates rotate), dataset by dataset in file order.
     */
    public List<Instance> firstEpoch() {
        List<Instance> out = new ArrayList<>();
        for (int d = 0; d < datasets.size(); d++) {
            for (int i = 0; i < pools.get(d).size(); i++) out.add(format.render(datasets.get(d), pools.get(d).get(i), template(d, i, 0)));
        }
        return out;
    }

    private int datasetAt(double u) {
        for (int i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
        return cumulative.length - 1;
    }

    /** Walks 0..n-1 in a shuffled order, reshuffled each epoch. */
    private static final class Cursor {
        final List<Integer> order = new ArrayList<>();
        final Random rnd;
        int pos;
        int epoch = -1;

        Cursor(int n, Random rnd) {
            for (int i = 0; i < n; i++) order.add(i);
            this.rnd = rnd;
            pos = n;
        }

        int next() {
            if (pos == order.size()) {
                Collections.shuffle(order, rnd);
                pos = 0;
                epoch++;
            }
            return order.get(pos++);
        }
    }
}
