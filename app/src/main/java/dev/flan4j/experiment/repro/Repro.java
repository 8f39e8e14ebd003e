package dev.flan4j.experiment.repro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.experiment.RunInfo;
import dev.flan4j.experiment.Table;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.PretrainedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Runs the paper's experiments on a {@link Lab} and writes, per experiment, into {@code out/<experiment>/}: the tables
 * (Markdown and CSV), the figures (PNG), run.json (config, seed, commit, backend, device, wall time, stages) and
 * REPORT.md; and {@code out/REPORT.md}, the run set's report gathering every experiment found under {@code out}.
 */
public final class Repro {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The experiments, in the order {@code all} runs them (few-shot reuses zero-shot's models; scale is the longest). */
    public enum Experiment {
        ZERO_SHOT("zero-shot", "Zero-shot on held-out clusters"),
        FEW_SHOT("few-shot", "Few-shot exemplars with the tuned model"),
        CLUSTERS("clusters", "Number of tuning clusters (ablation 1)"),
        INSTRUCTIONS("instructions", "Role of instructions (ablation 3)"),
        SCALE("scale", "Model scale (ablation 2)");

        public final String id;
        public final String title;

        Experiment(String id, String title) {
            this.id = id;
            this.title = title;
        }

        /** By id (e.g. {@code zero-shot}), or an exception listing the ids. */
        public static Experiment byId(String id) {
            for (Experiment e : values()) if (e.id.equalsIgnoreCase(id)) return e;
            throw new IllegalArgumentException("unknown experiment '" + id + "'; experiments: " + ids() + " (or all)");
        }

        public static List<String> ids() {
            return java.util.Arrays.stream(values()).map(e -> e.id).toList();
        }

        Experiments.Outcome run(Lab lab) throws IOException {
            return switch (this) {
                case ZERO_SHOT -> Experiments.zeroShot(lab);
                case FEW_SHOT -> Experiments.fewShot(lab);
                case CLUSTERS -> Experiments.clusters(lab);
                case INSTRUCTIONS -> Experiments.instructions(lab);
                case SCALE -> Experiments.scale(lab);
            };
        }
    }

    /** What one experiment wrote. */
    public record Result(Experiment experiment, Path dir, Map<String, Table> tables, double seconds) {}

    private Repro() {}

    /** Runs one experiment and writes its folder and the run set's REPORT.md. */
    public static Result run(Experiment e, Lab lab, Path out) throws IOException {
        long t0 = System.nanoTime();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("experiment", e.id);
        Map<String, Object> run = new LinkedHashMap<>(RunInfo.describe(lab.backend()));
        run.put("commit", lab.launchCommit());
        info.put("run", run);
        info.put("seed", lab.seed());
        info.put("preset", lab.preset());
        info.put("models", modelInfo(lab));
        info.put("tokenizer", lab.tokenizer().name());
        info.put("collection", lab.collection().name() + " v" + lab.collection().version());
        int before = lab.stages().size(), scoredBefore = lab.scoring().size();
        Map<String, Integer> evalsBefore = lab.evalCounts();
        Experiments.Outcome o = e.run(lab);
        double secs = (System.nanoTime() - t0) / 1e9;
        Path dir = out.resolve(e.id);
        Files.createDirectories(dir);
        for (Map.Entry<String, Table> t : o.tables().entrySet()) t.getValue().write(dir, t.getKey());
        for (Map.Entry<String, Chart<?, ?>> f : o.figures().entrySet()) Charts.write(f.getValue(), dir, f.getKey());
        info.put("wall_seconds", secs);
        info.put("stages", lab.stages().subList(before, lab.stages().size()));
        Map<String, Integer> evals = new LinkedHashMap<>();
        lab.evalCounts().forEach((k, v) -> evals.put(k, v - evalsBefore.getOrDefault(k, 0)));
        info.put("evaluations", evals);
        info.put("scoring", lab.scoring().subList(scoredBefore, lab.scoring().size()));
        info.put("numbers", o.numbers());
        info.put("tables", o.tables().keySet().stream().flatMap(n -> java.util.stream.Stream.of(n + ".md", n + ".csv")).toList());
        info.put("figures", o.figures().keySet().stream().map(n -> n + ".png").toList());
        AtomicFiles.writeString(dir.resolve("run.json"), JSON.writeValueAsString(info));
        AtomicFiles.writeString(dir.resolve("REPORT.md"), report(e, lab, o, info, secs));
        writeRunSetReport(out);
        return new Result(e, dir, o.tables(), secs);
    }

    /**
     * Across-seed statistics of one experiment: every number of its run.json ({@code numbers}) in each seed's folder
     * ({@code seedDirs}, the first being {@code out}), with the mean and the 95% Student-t interval over seeds.
     * Writes {@code out/<experiment>/seeds.md/.csv} and appends the table to that experiment's REPORT.md.
     */
    public static Table writeSeedSummary(Experiment e, Path out, List<Path> seedDirs, List<Long> seeds) throws IOException {
        List<Map<String, Double>> perSeed = new ArrayList<>();
        for (Path d : seedDirs) {
            Map<String, Double> flat = new LinkedHashMap<>();
            flatten("", JSON.readTree(d.resolve(e.id).resolve("run.json").toFile()).path("numbers"), flat);
            perSeed.add(flat);
        }
        List<List<String>> rows = new ArrayList<>();
        for (String key : perSeed.get(0).keySet()) {
            double[] v = new double[perSeed.size()];
            boolean all = true;
            for (int i = 0; i < v.length; i++) {
                Double x = perSeed.get(i).get(key);
                all &= x != null && !x.isNaN();
                v[i] = x == null ? Double.NaN : x;
            }
            if (!all) continue;
            StringBuilder vals = new StringBuilder();
            for (double x : v) vals.append(vals.length() == 0 ? "" : " / ").append(Table.num(x));
            String ci = "-";
            if (v.length >= 2) {
                dev.flan4j.eval.Stats.Interval i = dev.flan4j.eval.Stats.tMean95(v);
                ci = "[" + Table.num(i.low()) + ", " + Table.num(i.high()) + "]";
            }
            rows.add(List.of(key, vals.toString(), Table.num(dev.flan4j.eval.Stats.mean(v)), ci));
        }
        Table t = new Table(List.of("quantity", "per seed (" + seeds.stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(" / ")) + ")", "mean", "95% CI (t, " + seeds.size() + " seeds)"), rows);
        Path dir = out.resolve(e.id);
        t.write(dir, "seeds");
        Path report = dir.resolve("REPORT.md");
        String text = Files.isRegularFile(report) ? Files.readString(report) : "";
        int cut = text.indexOf("\n## Across seeds");
        if (cut >= 0) text = text.substring(0, cut + 1);
        text += "\n## Across seeds\n\nThe experiment's numbers for each of " + seeds.size() + " seeds (the tables above are "
                + "the first seed's; the other seeds' folders are seed-<n>/ beside this run set's REPORT.md), their mean and the 95% Student-t interval of the mean.\n\n"
                + t.markdown();
        AtomicFiles.writeString(report, text);
        writeRunSetReport(out);
        return t;
    }

    private static void flatten(String prefix, com.fasterxml.jackson.databind.JsonNode n, Map<String, Double> out) {
        if (n.isNumber()) {
            out.put(prefix, n.asDouble());
        } else if (n.isObject()) {
            n.fields().forEachRemaining(f -> flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) flatten(prefix + "[" + i + "]", n.get(i), out);
        }
    }

    private static Map<String, Object> modelInfo(Lab lab) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String p : lab.preset().scaleLadder()) m.put(p, lab.modelConfig(p));
        m.putIfAbsent(lab.preset().model(), lab.modelConfig(lab.preset().model()));
        return m;
    }

    static String report(Experiment e, Lab lab, Experiments.Outcome o, Map<String, Object> info, double secs) {
        Recipe p = lab.preset();
        @SuppressWarnings("unchecked")
        Map<String, Object> run = (Map<String, Object>) info.get("run");
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(e.title).append(" (").append(e.id).append(", preset ").append(p.name()).append(")\n\n");
        sb.append("Generated by `flan4j repro ").append(e.id).append(" --preset ").append(p.name()).append(" --seed ")
                .append(lab.seed()).append("`; commit ").append(run.get("commit")).append(", ").append(run.get("device"))
                .append(", wall time ").append(String.format(Locale.ROOT, "%.0f s", secs)).append(".\n\n");
        sb.append("## What we found\n\n");
        for (String f : o.findings()) sb.append("- ").append(f).append('\n');
        sb.append('\n');
        for (Map.Entry<String, Table> t : o.tables().entrySet()) {
            sb.append("## ").append(t.getKey()).append("\n\n").append(t.getValue().markdown()).append('\n');
        }
        for (String f : o.figures().keySet()) sb.append("![").append(f).append("](").append(f).append(".png)\n\n");
        sb.append(truncationSection(info));
        sb.append("## Where this run departs from the paper\n\n");
        for (String d : departures(lab)) sb.append("- ").append(d).append('\n');
        for (String d : o.departures()) sb.append("- ").append(d).append('\n');
        sb.append('\n');
        return sb.toString();
    }

    /**
     * The share of prompts (scoring) and training sequences (tuning) cut to fit, per dataset, over everything this
     * experiment scored or trained (from run.json's {@code scoring} and {@code stages}); empty when nothing was cut.
     */
    @SuppressWarnings("unchecked")
    static String truncationSection(Map<String, Object> info) {
        Map<String, long[]> scored = new java.util.TreeMap<>(), trained = new java.util.TreeMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) info.getOrDefault("scoring", List.of())) {
            add(scored, (Map<String, Object>) e.get("truncation"));
        }
        for (Map<String, Object> st : (List<Map<String, Object>>) info.getOrDefault("stages", List.of())) {
            if (st.get("truncation") != null) add(trained, (Map<String, Object>) st.get("truncation"));
        }
        java.util.Set<String> names = new java.util.TreeSet<>(scored.keySet());
        names.addAll(trained.keySet());
        if (names.isEmpty()) return "";
        List<List<String>> rows = new ArrayList<>();
        for (String d : names) rows.add(List.of(d, cut(scored.get(d)), cut(trained.get(d))));
        return "## Truncation\n\nPrompts cut to fit the model's block when scored (FLAN's rule: the end of the input goes, "
                + "OPTIONS lists stay), and training sequences cut to fit the tuning rows, per dataset over this "
                + "experiment (run.json's `scoring` and `stages` have them per evaluation and per tuned model).\n\n"
                + new Table(List.of("dataset", "scored prompts cut", "training sequences cut"), rows).markdown() + "\n";
    }

    private static void add(Map<String, long[]> into, Map<String, Object> rates) {
        if (rates == null) return;
        rates.forEach((d, v) -> {
            Map<?, ?> r = (Map<?, ?>) v;
            long[] a = into.computeIfAbsent(d, k -> new long[2]);
            a[0] += ((Number) r.get("seen")).longValue();
            a[1] += ((Number) r.get("truncated")).longValue();
        });
    }

    private static String cut(long[] a) {
        if (a == null || a[0] == 0) return "-";
        return String.format(Locale.ROOT, "%.1f%% (%d of %d)", 100.0 * a[1] / a[0], a[1], a[0]);
    }

    /** What every run of a preset has in common against the paper's setup. */
    static List<String> departures(Lab lab) {
        Recipe p = lab.preset();
        List<String> d = new ArrayList<>();
        long params = lab.modelConfig(p.model()).parameterCount();
        String pretraining = p.base() != null
                ? String.format(Locale.ROOT, "the shipped base %s (%s; the scale experiment's rungs are pretrained here "
                        + "for %d steps of %d x %d tokens)", p.base(), PretrainedModels.find(p.base())
                        .map(i -> String.format(Locale.ROOT, "%,.0f pretraining tokens, held-out loss %.2f", i.number("tokens_seen"),
                                i.number("held_out_loss"))).orElse("not in this build"), p.pretrain().steps(), p.batchRows(), p.seqLen())
                : String.format(Locale.ROOT, "pretrained for %d steps of %d x %d tokens (%,d tokens) on the built-in corpus",
                        p.pretrain().steps(), p.batchRows(), p.seqLen(), (long) p.pretrain().steps() * p.batchRows() * p.seqLen());
        d.add(String.format(Locale.ROOT, "Scale: a %.2fM-parameter GPT (preset %s), %s, against LaMDA-PT 137B; tuned for "
                        + "%d steps (%,d tokens) against 30k steps of 8,192 tokens. The paper found instruction tuning HURTS "
                        + "held-out tasks at 8B parameters and below; at this scale nothing in the paper predicts a gain, and "
                        + "we do not tune the setup to find one.", params / 1e6, p.model(), pretraining, p.tune().steps(),
                (long) p.tune().steps() * p.batchRows() * p.seqLen()));
        d.add("Data: the built-in mini-FLAN collection (" + lab.collection().datasets().size() + " small datasets in "
                + lab.collection().clusters().size() + " clusters, derived from public sources such as WordNet and the "
                + "CIA Factbook) stands in for the paper's 62 datasets; cluster names follow the paper, the tasks are "
                + "much smaller and simpler.");
        int perTemplate = p.evalExamples();
        String templates = p.maxTemplates() == 0 ? "every template" : "the first " + p.maxTemplates() + " templates";
        double se = perTemplate == 0 ? Double.NaN
                : 100 * Math.sqrt(0.25 / (perTemplate * Math.max(1, p.maxTemplates())));
        d.add("Evaluation: " + (perTemplate == 0 ? "all test examples" : perTemplate + " test examples") + " per template on "
                + templates + " of each dataset, " + p.evalDev() + " dev examples per template to pick the best-dev template"
                + (Double.isNaN(se) ? "." : String.format(Locale.ROOT, "; a dataset's mean over templates has a sampling "
                + "error of roughly +-%.0f points near 50%% accuracy, so differences of a few points are noise.", se)));
        d.add("Generation tasks (closed-book QA) are scored by exact match on at most " + p.maxNewTokens()
                + " greedy tokens; a model this small scores near 0 there, as the chance column shows for classification.");
        return d;
    }

    /**
     * Writes {@code out/REPORT.md}: a summary (wall time, commit, first finding of each experiment) then every
     * experiment's REPORT.md found under {@code out}, in run order.
     */
    public static void writeRunSetReport(Path out) throws IOException {
        StringBuilder sb = new StringBuilder("# flan4j reproduction of FLAN: run set `").append(out.getFileName())
                .append("`\n\nGenerated; one section per experiment present (figures are in each experiment's folder). ")
                .append("The paper's numbers are FLAN 137B / GPT-3 175B from /work/shared/FLAN.md.\n\n");
        List<String> missing = new ArrayList<>();
        List<List<String>> summary = new ArrayList<>();
        StringBuilder sections = new StringBuilder();
        for (Experiment e : Experiment.values()) {
            Path r = out.resolve(e.id).resolve("REPORT.md");
            if (!Files.isRegularFile(r)) {
                missing.add(e.id);
                continue;
            }
            String text = Files.readString(r);
            summary.add(summaryRow(e, out.resolve(e.id).resolve("run.json"), text));
            text = text.replaceAll("(?m)^#", "##");
            text = text.replaceAll("!\\[([^]]*)]\\(([^)]*)\\)", "![$1](" + e.id + "/$2)");
            sections.append(text).append('\n');
        }
        if (!summary.isEmpty()) {
            sb.append("## Summary\n\n").append(new Table(List.of("experiment", "preset", "seed", "wall time", "commit",
                    "first finding"), summary).markdown()).append('\n');
        }
        if (!missing.isEmpty()) sb.append("Not run (yet) in this run set: ").append(String.join(", ", missing)).append(".\n\n");
        int n = evalExamples(out);
        if (n >= 0 && dev.flan4j.data.Collection.builtInAvailable()) {
            sb.append("## Reading the accuracies: gold-answer shares\n\n")
                    .append("A model that gives the same answer to every prompt scores the share of that answer among the ")
                    .append("scored test examples (the first ").append(n == 0 ? "all" : String.valueOf(n))
                    .append(" of each held-out classification dataset). A score equal to one of these shares for every ")
                    .append("template and model is what a constant answer gives, whatever the prompt. Rank classification ")
                    .append("without length normalization (FLAN's acc) favours short options: a model that always picks the ")
                    .append("shortest option scores the share of examples whose gold answer is a shortest one.\n\n")
                    .append(answerShares(dev.flan4j.data.Collection.builtIn(), Paper.ABLATION_HELD_OUT, n).markdown()).append('\n');
        }
        sb.append(sections);
        AtomicFiles.writeString(out.resolve("REPORT.md"), sb.toString());
    }

    /** The test-example count per template of the run set (from any run.json), or -1 when there is none. */
    private static int evalExamples(Path out) throws IOException {
        for (Experiment e : Experiment.values()) {
            Path j = out.resolve(e.id).resolve("run.json");
            if (Files.isRegularFile(j)) return JSON.readTree(j.toFile()).path("preset").path("evalExamples").asInt(-1);
        }
        return -1;
    }

    /** Per classification dataset of {@code clusters}: each gold answer's share (%) of the first n test examples. */
    public static Table answerShares(dev.flan4j.data.Collection coll, List<String> clusters, int n) {
        List<List<String>> rows = new ArrayList<>();
        for (dev.flan4j.data.Dataset d : coll.datasetsIn(clusters)) {
            if (d.task() != dev.flan4j.data.TaskType.CLASSIFICATION) continue;
            List<dev.flan4j.data.Example> test = d.examples("test");
            if (n > 0 && test.size() > n) test = test.subList(0, n);
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (dev.flan4j.data.Example x : test) counts.merge(x.answer(), 1, Integer::sum);
            StringBuilder cell = new StringBuilder();
            int total = test.size();
            counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(en -> {
                if (cell.length() > 0) cell.append("; ");
                String a = en.getKey().length() > 40 ? en.getKey().substring(0, 37) + "..." : en.getKey();
                cell.append('"').append(a.replace("|", "/").replace("\n", " ")).append("\" ")
                        .append(Table.num(100.0 * en.getValue() / total));
            });
            String shares = counts.size() > 6 ? "answers vary per example (" + counts.size() + " distinct)" : cell.toString();
            int shortest = 0;
            for (dev.flan4j.data.Example x : test) {
                List<String> opts = d.optionsFor(x);
                int min = opts.stream().mapToInt(o -> o.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).min().orElse(0);
                if (x.answer().getBytes(java.nio.charset.StandardCharsets.UTF_8).length == min) shortest++;
            }
            rows.add(List.of(d.name(), d.cluster(), String.valueOf(total), shares,
                    Table.num(100.0 * shortest / Math.max(1, total)), Table.num(Scores.chance(d, n))));
        }
        return new Table(List.of("dataset", "cluster", "scored examples", "gold answer shares (%)",
                "gold is a shortest option (%)", "chance"), rows);
    }

    private static List<String> summaryRow(Experiment e, Path runJson, String report) throws IOException {
        String preset = "-", seed = "-", wall = "-", commit = "-";
        if (Files.isRegularFile(runJson)) {
            var j = JSON.readTree(runJson.toFile());
            preset = j.path("preset").path("name").asText("-");
            seed = j.path("seed").asText("-");
            wall = String.format(Locale.ROOT, "%.0f s", j.path("wall_seconds").asDouble(Double.NaN));
            commit = j.path("run").path("commit").asText("-");
            if (commit.length() > 12) commit = commit.substring(0, 12) + (commit.endsWith("-dirty") ? "-dirty" : "");
        }
        String first = "-";
        int i = report.indexOf("## What we found");
        if (i >= 0) {
            int b = report.indexOf("\n- ", i);
            if (b >= 0) {
                int end = report.indexOf('\n', b + 3);
                first = report.substring(b + 3, end < 0 ? report.length() : end).replace("|", "/");
            }
        }
        return List.of(e.id, preset, seed, wall, commit, first);
    }
}
