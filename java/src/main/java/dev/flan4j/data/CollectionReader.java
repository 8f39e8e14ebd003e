package dev.flan4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses and validates {@code collection.json} and the task files (see data/FORMAT.md). */
final class CollectionReader {
    /** Where the collection's files come from: the classpath or a folder. */
    interface Source {
        InputStream open(String relativePath) throws IOException;

        String describe(String relativePath);
    }

    private static final Set<String> DATASET_KEYS =
            Set.of("name", "cluster", "task", "metric", "options", "file", "counts", "templates", "card");
    private static final Set<String> TEMPLATE_KEYS = Set.of("input", "target", "turned_around");
    private static final Set<String> CLUSTER_KEYS = Set.of("name", "kind");
    private static final Set<String> EXAMPLE_KEYS = Set.of("id", "split", "fields", "answer", "options");
    private static final Set<String> SPLITS = Set.of("train", "dev", "test");

    private CollectionReader() {}

    static Collection read(Source source) {
        String file = source.describe("collection.json");
        JsonRecord root;
        try (InputStream in = source.open("collection.json")) {
            root = JsonLines.readObject(in, file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        Map<String, Cluster.Kind> kinds = new LinkedHashMap<>();
        for (JsonRecord c : root.objects("clusters")) {
            c.onlyKeys(CLUSTER_KEYS);
            String name = c.text("name");
            if (kinds.put(name, parseEnum(c, "kind", Cluster.Kind.class)) != null) throw c.fail("name", "duplicate cluster " + name);
        }
        Map<String, List<Dataset>> byCluster = new LinkedHashMap<>();
        kinds.keySet().forEach(k -> byCluster.put(k, new ArrayList<>()));
        Set<String> names = new HashSet<>();
        for (JsonRecord d : root.objects("datasets")) {
            Dataset ds = dataset(d, source);
            if (!names.add(ds.name())) throw d.fail("name", "duplicate dataset " + ds.name());
            List<Dataset> list = byCluster.get(ds.cluster());
            if (list == null) throw d.fail("cluster", "unknown cluster '" + ds.cluster() + "' (declared: " + kinds.keySet() + ")");
            list.add(ds);
        }
        List<Cluster> clusters = new ArrayList<>();
        kinds.forEach((name, kind) -> clusters.add(new Cluster(name, kind, byCluster.get(name))));
        long seed = root.has("seed") ? root.node().get("seed").asLong() : 0;
        return new Collection(root.text("name"), root.has("version") ? root.scalar("version") : "", seed, clusters);
    }

    private static Dataset dataset(JsonRecord d, Source source) {
        d.onlyKeys(DATASET_KEYS);
        String name = d.text("name");
        TaskType task = parseEnum(d, "task", TaskType.class);
        Metric metric = parseEnum(d, "metric", Metric.class);
        List<String> options = d.optTextList("options");
        if (options != null && options.isEmpty()) throw d.fail("options", "empty option list");
        List<Template> templates = new ArrayList<>();
        List<JsonRecord> ts = d.objects("templates");
        for (int i = 0; i < ts.size(); i++) {
            JsonRecord t = ts.get(i).onlyKeys(TEMPLATE_KEYS);
            try {
                templates.add(new Template(name + "#" + i, t.text("input"), t.text("target"), t.optBool("turned_around", false)));
            } catch (IllegalArgumentException e) {
                throw t.fail(null, e.getMessage());
            }
        }
        if (templates.isEmpty()) throw d.fail("templates", "no templates");
        if (templates.stream().allMatch(Template::turnedAround)) throw d.fail("templates", "every template is turned around");
        Map<String, String> card = d.has("card") ? cardText(d.object("card")) : Map.of();
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (d.has("counts")) {
            JsonRecord c = d.object("counts").onlyKeys(SPLITS);
            c.node().fields().forEachRemaining(e -> {
                if (!e.getValue().canConvertToInt()) throw c.fail(e.getKey(), "expected an integer");
                counts.put(e.getKey(), e.getValue().asInt());
            });
        }
        String rel = d.text("file");
        return new Dataset(name, d.text("cluster"), task, metric, options, templates, card,
                () -> examples(source, rel, task, options, counts, d.field("counts")));
    }

    private static Map<String, String> cardText(JsonRecord card) {
        Map<String, String> out = new LinkedHashMap<>();
        card.node().fields().forEachRemaining(e ->
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private static List<Example> examples(Source source, String rel, TaskType task, List<String> datasetOptions,
                                          Map<String, Integer> counts, String countsField) {
        String file = source.describe(rel);
        List<Example> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        try (InputStream in = source.open(rel)) {
            JsonLines.forEach(in, file, r -> {
                Example e = example(r, task, datasetOptions);
                if (!ids.add(e.id())) throw r.fail("id", "duplicate id " + e.id());
                seen.merge(e.split(), 1, Integer::sum);
                out.add(e);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        counts.forEach((split, n) -> {
            int actual = seen.getOrDefault(split, 0);
            if (actual != n) {
                throw new MalformedDataException(file, 0, countsField + "." + split,
                        "collection.json declares " + n + " examples, the file has " + actual);
            }
        });
        return out;
    }

    private static Example example(JsonRecord r, TaskType task, List<String> datasetOptions) {
        r.onlyKeys(EXAMPLE_KEYS);
        String id = r.scalar("id");
        String split = r.text("split");
        if (!SPLITS.contains(split)) throw r.fail("split", "unknown split '" + split + "' (expected train, dev or test)");
        Map<String, String> fields = r.object("fields").textMap();
        String answer = r.text("answer");
        List<String> options = r.optTextList("options");
        if (task == TaskType.CLASSIFICATION) {
            List<String> effective = options != null ? options : datasetOptions;
            if (effective == null || effective.isEmpty()) throw r.fail("options", "classification example without options");
            if (!effective.contains(answer)) throw r.fail("answer", "'" + answer + "' is not one of the options " + effective);
        }
        return new Example(id, split, fields, answer, options);
    }

    private static <E extends Enum<E>> E parseEnum(JsonRecord r, String key, Class<E> type) {
        String v = r.text(key);
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(v)) return e;
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) allowed.add(e.name().toLowerCase());
        throw r.fail(key, "unknown value '" + v + "' (expected one of " + allowed + ")");
    }
}
