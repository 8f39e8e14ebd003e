package dev.flan4j.data;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test fixtures: the small collection under test resources and in-memory datasets. */
final class Fixtures {
    private Fixtures() {}

    static Path collectionDir() {
        try {
            return Path.of(Fixtures.class.getResource("/data/fixture-collection/collection.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Collection collection() {
        return Collection.load(collectionDir());
    }

    /** A generation dataset with n train examples and the given number of templates. */
    static Dataset synthetic(String name, String cluster, int n, int templates) {
        List<Template> ts = new ArrayList<>();
        for (int t = 0; t < templates; t++) ts.add(new Template(name + "#" + t, "T" + t + ": {text}", "{answer}", false));
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) ex.add(new Example(name + "-" + i, "train", Map.of("text", "x" + i), "y" + i, null));
        return Dataset.of(name, cluster, TaskType.GENERATION, Metric.EXACT_MATCH, null, ts, ex);
    }
}
