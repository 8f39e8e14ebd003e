package dev.flan4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Heuristic baselines of a classification dataset: rules that read no more than option order, option length or word
 * overlap, fitted on the train split (a choice of direction or position) and scored on test. A model that does not
 * beat them has not learned the task.
 * <ul>
 *   <li>chance: the mean of 1/(number of options);</li>
 *   <li>majority: the option that is most often the answer in train;</li>
 *   <li>position: always the option at the index most often right in train;</li>
 *   <li>length: the longest or the shortest option (characters), whichever is better on train;</li>
 *   <li>overlap: per-example options: the option with the most (or fewest) of its words in the input; fixed options
 *       with two or more input fields: the train-majority answer of the word-overlap (Jaccard) of the first two
 *       fields, in ten bins; NaN for one-field datasets with fixed options;</li>
 *   <li>last field: a bag-of-words naive Bayes on the last input field alone (the hypothesis, the question, the
 *       second sentence), fixed options only: how much the answer can be read off one side of the input.</li>
 * </ul>
 * Ties go to the option listed first, so every number is deterministic.
 */
public final class Baselines {
    private Baselines() {}

    /** One dataset's test accuracies (NaN where a baseline does not apply). */
    public record Row(String dataset, String lastField, int test, double chance, double majority, double position,
                      double length, double overlap, double lastFieldNb) {}

    /** The baselines of every classification dataset, in collection order. */
    public static List<Row> rows(Collection c) {
        List<Row> out = new ArrayList<>();
        for (Dataset d : c.datasets()) if (d.task() == TaskType.CLASSIFICATION) out.add(of(d));
        return out;
    }

    /** The baselines of one classification dataset (fitted on train, scored on test). */
    public static Row of(Dataset d) {
        if (d.task() != TaskType.CLASSIFICATION)
            throw new IllegalArgumentException("dataset " + d.name() + " is " + d.task() + ", baselines need classification");
        List<Example> train = d.examples("train"), test = d.examples("test");
        if (train.isEmpty() || test.isEmpty())
            throw new IllegalArgumentException("dataset " + d.name() + " needs train and test examples, has "
                    + train.size() + " and " + test.size());
        List<String> fieldNames = new ArrayList<>(test.get(0).fields().keySet());
        String last = fieldNames.get(fieldNames.size() - 1);
        double chance = 0;
        for (Example e : test) chance += 1.0 / d.optionsFor(e).size();
        chance /= test.size();
        return new Row(d.name(), d.options() == null ? "-" : last, test.size(), chance, majority(d, train, test),
                position(d, train, test), length(d, train, test), overlap(d, train, test),
                d.options() == null ? Double.NaN : lastFieldNb(d, last, train, test));
    }

    static double majority(Dataset d, List<Example> train, List<Example> test) {
        Map<String, Integer> freq = new HashMap<>();
        for (Example e : train) freq.merge(e.answer(), 1, Integer::sum);
        return accuracy(d, test, (e, opts) -> argmax(opts, o -> freq.getOrDefault(o, 0)));
    }

    static double position(Dataset d, List<Example> train, List<Example> test) {
        int k = 0;
        for (Example e : train) k = Math.max(k, d.optionsFor(e).size());
        int best = 0;
        double bestAcc = -1;
        for (int i = 0; i < k; i++) {
            final int idx = i;
            double a = accuracy(d, train, (e, opts) -> Math.min(idx, opts.size() - 1));
            if (a > bestAcc) { bestAcc = a; best = i; }
        }
        final int pos = best;
        return accuracy(d, test, (e, opts) -> Math.min(pos, opts.size() - 1));
    }

    static double length(Dataset d, List<Example> train, List<Example> test) {
        Chooser longest = (e, opts) -> argmax(opts, String::length);
        Chooser shortest = (e, opts) -> argmax(opts, o -> -o.length());
        return accuracy(d, test, accuracy(d, train, longest) >= accuracy(d, train, shortest) ? longest : shortest);
    }

    static double overlap(Dataset d, List<Example> train, List<Example> test) {
        if (d.options() == null) { // options vary: the option that shares most (or fewest) words with the input
            Chooser most = (e, opts) -> argmaxDouble(opts, o -> optionOverlap(e, o));
            Chooser fewest = (e, opts) -> argmaxDouble(opts, o -> -optionOverlap(e, o));
            return accuracy(d, test, accuracy(d, train, most) >= accuracy(d, train, fewest) ? most : fewest);
        }
        if (train.get(0).fields().size() < 2) return Double.NaN;
        int bins = 10;
        List<Map<String, Integer>> byBin = new ArrayList<>();
        for (int i = 0; i < bins; i++) byBin.add(new HashMap<>());
        Map<String, Integer> all = new HashMap<>();
        for (Example e : train) {
            byBin.get(bin(e, bins)).merge(e.answer(), 1, Integer::sum);
            all.merge(e.answer(), 1, Integer::sum);
        }
        return accuracy(d, test, (e, opts) -> {
            Map<String, Integer> m = byBin.get(bin(e, bins)).isEmpty() ? all : byBin.get(bin(e, bins));
            return argmax(opts, o -> m.getOrDefault(o, 0));
        });
    }

    static double lastFieldNb(Dataset d, String field, List<Example> train, List<Example> test) {
        List<String> opts = d.options();
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        Map<String, Integer> totals = new HashMap<>(), docs = new HashMap<>();
        Set<String> vocab = new HashSet<>();
        for (Example e : train) {
            Map<String, Integer> c = counts.computeIfAbsent(e.answer(), k -> new HashMap<>());
            for (String w : words(e.fields().getOrDefault(field, ""))) {
                c.merge(w, 1, Integer::sum);
                totals.merge(e.answer(), 1, Integer::sum);
                vocab.add(w);
            }
            docs.merge(e.answer(), 1, Integer::sum);
        }
        int v = vocab.size() + 1;
        return accuracy(d, test, (e, o) -> argmaxDouble(opts, label -> {
            double lp = Math.log((docs.getOrDefault(label, 0) + 1.0) / (train.size() + opts.size()));
            Map<String, Integer> c = counts.getOrDefault(label, Map.of());
            int total = totals.getOrDefault(label, 0);
            for (String w : words(e.fields().getOrDefault(field, "")))
                lp += Math.log((c.getOrDefault(w, 0) + 1.0) / (total + v));
            return lp;
        }));
    }

    /** Fraction of the option's words that occur in the example's input fields. */
    static double optionOverlap(Example e, String option) {
        Set<String> input = new HashSet<>();
        for (String f : e.fields().values()) input.addAll(words(f));
        List<String> ow = words(option);
        if (ow.isEmpty()) return 0;
        int n = 0;
        for (String w : ow) if (input.contains(w)) n++;
        return (double) n / ow.size();
    }

    /** Bin of the Jaccard word overlap of the first two input fields. */
    static int bin(Example e, int bins) {
        List<String> f = new ArrayList<>(e.fields().values());
        Set<String> a = new HashSet<>(words(f.get(0))), b = new HashSet<>(words(f.get(1)));
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        a.retainAll(b);
        double j = union.isEmpty() ? 0 : (double) a.size() / union.size();
        return Math.min(bins - 1, (int) (j * bins));
    }

    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    interface Chooser {
        /** Index of the chosen option. */
        int choose(Example e, List<String> options);
    }

    static double accuracy(Dataset d, List<Example> split, Chooser c) {
        int right = 0;
        for (Example e : split) {
            List<String> opts = d.optionsFor(e);
            if (opts.get(c.choose(e, opts)).equals(e.answer())) right++;
        }
        return (double) right / split.size();
    }

    private static int argmax(List<String> opts, java.util.function.ToIntFunction<String> score) {
        return argmaxDouble(opts, o -> score.applyAsInt(o));
    }

    private static int argmaxDouble(List<String> opts, java.util.function.ToDoubleFunction<String> score) {
        int best = 0;
        double bs = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < opts.size(); i++) {
            double s = score.applyAsDouble(opts.get(i));
            if (s > bs) { bs = s; best = i; }
        }
        return best;
    }

    /** The rows as an aligned text table (accuracies in percent). */
    public static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[]{"dataset", "test", "chance", "majority", "position", "length", "overlap",
                "last-field NB", "(field)"});
        for (Row r : rows)
            cells.add(new String[]{r.dataset(), Integer.toString(r.test()), pct(r.chance()), pct(r.majority()),
                    pct(r.position()), pct(r.length()), pct(r.overlap()), pct(r.lastFieldNb()), r.lastField()});
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                boolean numeric = i >= 1 && i <= 7;
                line.append(i == 0 ? "" : "  ").append(numeric ? pad + row[i] : row[i] + pad);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** The row as card fields (accuracies rounded to 3 decimals; baselines that do not apply are left out). */
    public static Map<String, Object> card(Row r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("split", "test");
        m.put("examples", r.test());
        m.put("chance", round(r.chance()));
        m.put("majority", round(r.majority()));
        m.put("position", round(r.position()));
        m.put("length", round(r.length()));
        if (!Double.isNaN(r.overlap())) m.put("word_overlap", round(r.overlap()));
        if (!Double.isNaN(r.lastFieldNb())) m.put("last_field_naive_bayes", round(r.lastFieldNb()));
        if (!Double.isNaN(r.lastFieldNb())) m.put("last_field", r.lastField());
        return m;
    }

    static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * x);
    }
}
