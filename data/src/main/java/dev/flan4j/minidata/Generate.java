package dev.flan4j.minidata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the mini-FLAN collection from the fetched sources.
 * Usage: {@code java -cp ... dev.flan4j.minidata.Generate --sources DIR --out DIR [--seed 1234]}.
 */
public final class Generate {
    public static final List<String[]> CLUSTERS = List.of(
            new String[] {"nli", "nlu"}, new String[] {"reading_comprehension", "nlu"},
            new String[] {"closed_book_qa", "nlu"}, new String[] {"commonsense", "nlu"},
            new String[] {"sentiment", "nlu"}, new String[] {"paraphrase", "nlu"},
            new String[] {"coreference", "nlu"}, new String[] {"reading_comprehension_with_commonsense", "nlu"},
            new String[] {"translation", "nlg"}, new String[] {"summarization", "nlg"},
            new String[] {"struct_to_text", "nlg"}, new String[] {"misc", "nlu"});

    final Sources src;
    final long seed;
    /** Per-source corpus budget in characters (0 = unlimited) to keep the shipped collection small. */
    long corpusCharBudget = 0;

    public Generate(Sources src, long seed) {
        this.src = src;
        this.seed = seed;
    }

    /** A java.util.Random seeded from the global seed and a purpose string (stable across JVMs). */
    public Random rng(String purpose) {
        long h = 0xcbf29ce484222325L;
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return new Random(seed * 0x9E3779B97F4A7C15L ^ h);
    }

    public static void main(String[] args) throws Exception {
        Path sources = null;
        Path out = null;
        long seed = 1234;
        long budget = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sources" -> sources = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--corpus-chars" -> budget = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (sources == null || out == null) {
            System.err.println("usage: Generate --sources DIR --out DIR [--seed N] [--corpus-chars N]");
            System.exit(2);
        }
        Generate g = new Generate(new Sources(sources), seed);
        g.corpusCharBudget = budget;
        long t0 = System.nanoTime();
        g.run(out);
        System.err.printf("generated %s in %.1f s%n", out, (System.nanoTime() - t0) / 1e9);
    }

    public void run(Path out) throws IOException {
        Literature lit = new Literature(this);
        lit.load();
        List<Dataset> datasets = new ArrayList<>();
        datasets.addAll(SimpleTasks.sentiment(this));
        datasets.addAll(WordNetTasks.build(this));
        datasets.addAll(BibleTasks.build(this));
        datasets.addAll(QaTasks.build(this));
        datasets.addAll(lit.tasks());
        datasets.add(SimpleTasks.debianSummaries(this));
        datasets.addAll(GrammarTasks.build(this));
        datasets.removeIf(d -> d.examples.size() < 3);
        split(datasets);
        for (Dataset d : datasets) validate(d);
        // write
        Files.createDirectories(out.resolve("tasks"));
        try (Stream<Path> s = Files.list(out.resolve("tasks"))) {
            for (Path p : (Iterable<Path>) s::iterator) Files.delete(p);
        }
        Map<String, Object> coll = new LinkedHashMap<>();
        coll.put("name", "mini-flan");
        coll.put("version", "1");
        coll.put("seed", seed);
        List<Map<String, Object>> clusters = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Dataset d : datasets) used.add(d.cluster);
        for (String[] c : CLUSTERS) {
            if (!used.contains(c[0])) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c[0]);
            m.put("kind", c[1]);
            clusters.add(m);
        }
        coll.put("clusters", clusters);
        List<Map<String, Object>> ds = new ArrayList<>();
        for (Dataset d : datasets) {
            ds.add(CollectionWriter.datasetJson(d));
            CollectionWriter.writeTasks(out.resolve("tasks/" + d.name + ".jsonl.gz"), d);
        }
        coll.put("datasets", ds);
        List<Map<String, Object>> corpus = lit.corpus(corpusCharBudget);
        Map<String, Integer> cc = new LinkedHashMap<>();
        for (Map<String, Object> doc : corpus) cc.merge((String) doc.get("split"), 1, Integer::sum);
        long words = 0;
        for (Map<String, Object> doc : corpus) words += Text.words((String) doc.get("text"));
        CollectionWriter.writeCorpus(out.resolve("corpus.jsonl.gz"), corpus);
        CollectionWriter.writeCollection(out.resolve("collection.json"), coll);
        Files.writeString(out.resolve("NOTICE"), Notice.text(datasets), StandardCharsets.UTF_8);
        for (Dataset d : datasets)
            System.err.printf("%-28s %-40s train %5d dev %4d test %4d%n", d.name, d.cluster, d.count("train"), d.count("dev"),
                    d.count("test"));
        System.err.printf("corpus: %s documents, %d words%n", cc, words);
    }

    /**
     * Splits every dataset: dedups, orders groups at random (seeded by group name) and assigns test, then dev; then fills train
     * (capped) from the remaining groups, leaving out any example that shares a sentence ({@link Overlap}) with a test
     * example of any dataset. Each split is shuffled before ids are given, so the first N of a split are a random sample.
     */
    void split(List<Dataset> datasets) {
        Map<Dataset, List<List<Example>>> rest = new LinkedHashMap<>();
        Map<Dataset, List<List<Example>>> held = new LinkedHashMap<>(); // test, dev
        Set<String> testKeys = new HashSet<>();
        for (Dataset d : datasets) {
            LinkedHashMap<String, List<Example>> groups = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (Example e : d.examples) {
                if (e.answer == null || e.answer.isBlank()) continue;
                if (!seen.add(e.key())) continue;
                groups.computeIfAbsent(e.group != null ? e.group : "\u0000" + e.key(), k -> new ArrayList<>()).add(e);
            }
            if (groups.size() < 10) { // too few groups to split by group (tiny inputs): split by example
                LinkedHashMap<String, List<Example>> single = new LinkedHashMap<>();
                for (List<Example> g : groups.values()) for (Example e : g) single.put("\u0000" + e.key(), new ArrayList<>(List.of(e)));
                groups = single;
            }
            // groups in a random order that depends on the seed and the group's name only, so datasets that share
            // groups (a country, a chapter) put the same groups first, into test
            List<String> names = new ArrayList<>(groups.keySet());
            Map<String, Long> rank = new HashMap<>();
            for (String gname : names) rank.put(gname, rng("split/" + gname).nextLong());
            names.sort((a, b) -> Long.compare(rank.get(a), rank.get(b)));
            List<List<Example>> gl = new ArrayList<>();
            for (String gname : names) gl.add(groups.get(gname));
            int n = 0;
            for (List<Example> g : gl) n += g.size();
            int test = Math.min(d.test, Math.max(1, n / 4));
            int dev = Math.min(d.dev, Math.max(1, n / 5));
            List<Example> te = new ArrayList<>(), dv = new ArrayList<>();
            List<List<Example>> left = new ArrayList<>();
            for (List<Example> g : gl) {
                if (te.size() < test) te.addAll(g);
                else if (dv.size() < dev) dv.addAll(g);
                else left.add(g);
            }
            for (Example e : te) testKeys.addAll(Overlap.keys(e, d));
            held.put(d, List.of(te, dv));
            rest.put(d, left);
        }
        for (Dataset d : datasets) {
            List<Example> tr = new ArrayList<>();
            int dropped = 0;
            for (List<Example> g : rest.get(d)) {
                if (tr.size() >= d.maxTrain) break;
                for (Example e : g) {
                    if (Overlap.keys(e, d).stream().noneMatch(testKeys::contains)) tr.add(e);
                    else dropped++;
                }
            }
            if (dropped > 0) System.err.printf("%s: %d train candidates left out (a test sentence)%n", d.name, dropped);
            d.examples.clear();
            int id = 0;
            Object[][] splits = {{"train", tr}, {"dev", held.get(d).get(1)}, {"test", held.get(d).get(0)}};
            for (Object[] sp : splits) {
                @SuppressWarnings("unchecked")
                List<Example> l = new ArrayList<>((List<Example>) sp[1]);
                Collections.shuffle(l, rng("order/" + d.name + "/" + sp[0]));
                for (Example e : l) {
                    e.split = (String) sp[0];
                    e.id = String.format("%s-%06d", d.name, id++);
                    d.examples.add(e);
                }
            }
        }
    }

    static final Pattern SLOT = Pattern.compile("(?<!\\{)\\{([a-z_0-9]+)\\}(?!\\})");

    public static Set<String> slots(String pattern) {
        Set<String> s = new LinkedHashSet<>();
        Matcher m = SLOT.matcher(pattern.replace("{{", "\u0001").replace("}}", "\u0002"));
        while (m.find()) s.add(m.group(1));
        return s;
    }

    static void validate(Dataset d) {
        if (d.templates.size() < 5 || d.templates.size() > 10)
            throw new IllegalStateException(d.name + ": needs 5-10 templates, has " + d.templates.size());
        if (d.templates.stream().allMatch(Template::turnedAround))
            throw new IllegalStateException(d.name + ": all templates are turned around");
        for (Example e : d.examples) {
            for (Template t : d.templates) {
                for (String s : slots(t.input() + "\n" + t.target())) {
                    if (s.equals("answer") || s.equals("options_")) continue;
                    if (!e.fields.containsKey(s))
                        throw new IllegalStateException(d.name + ": slot {" + s + "} missing in " + e.id);
                }
            }
            if (d.task.equals("classification")) {
                List<String> opts = e.options != null ? e.options : d.options;
                if (opts == null || !opts.contains(e.answer))
                    throw new IllegalStateException(d.name + ": answer not among options in " + e.id + ": " + e.answer);
            }
        }
    }
}
