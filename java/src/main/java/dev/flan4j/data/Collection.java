package dev.flan4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A collection of datasets grouped into clusters, e.g. the built-in mini-FLAN collection.
 * See {@code data/FORMAT.md} for the on-disk layout ({@code collection.json} + {@code tasks/*.jsonl.gz}).
 */
public final class Collection {
    /** Classpath folder of the built-in collection (shipped by the flan4j-data artifact). */
    public static final String BUILT_IN_ROOT = "mini-flan/";

    private final String name;
    private final String version;
    private final long seed;
    private final Map<String, Cluster> clusters;
    private final Map<String, Dataset> datasets;

    /** A collection from clusters; dataset names must be unique. */
    public Collection(String name, String version, long seed, List<Cluster> clusters) {
        this.name = name;
        this.version = version;
        this.seed = seed;
        this.clusters = new LinkedHashMap<>();
        this.datasets = new LinkedHashMap<>();
        for (Cluster c : clusters) {
            if (this.clusters.put(c.name(), c) != null) throw new IllegalArgumentException("duplicate cluster " + c.name());
            for (Dataset d : c.datasets()) {
                if (this.datasets.put(d.name(), d) != null) throw new IllegalArgumentException("duplicate dataset " + d.name());
            }
        }
    }

    /** Whether the built-in collection is on the classpath. */
    public static boolean builtInAvailable() {
        return loader().getResource(BUILT_IN_ROOT + "collection.json") != null;
    }

    /**
     * Loads the built-in mini-FLAN collection from the classpath.
     *
     * @throws IllegalStateException when it is not on the classpath
     */
    public static Collection builtIn() {
        if (!builtInAvailable()) {
            throw new IllegalStateException("built-in collection " + BUILT_IN_ROOT + "collection.json is not on the classpath");
        }
        ClassLoader cl = loader();
        return CollectionReader.read(new CollectionReader.Source() {
            public InputStream open(String rel) throws IOException {
                InputStream in = cl.getResourceAsStream(BUILT_IN_ROOT + rel);
                if (in == null) throw new NoSuchFileException("classpath:" + BUILT_IN_ROOT + rel);
                return in;
            }

            public String describe(String rel) {
                return "classpath:" + BUILT_IN_ROOT + rel;
            }
        });
    }

    /** Loads a collection from a folder laid out as the built-in one. Examples are read lazily. */
    public static Collection load(Path dir) {
        if (!Files.isRegularFile(dir.resolve("collection.json"))) {
            throw new UncheckedIOException(new NoSuchFileException(dir.resolve("collection.json").toString()));
        }
        return CollectionReader.read(new CollectionReader.Source() {
            public InputStream open(String rel) throws IOException {
                return Files.newInputStream(dir.resolve(rel));
            }

            public String describe(String rel) {
                return dir.resolve(rel).toString();
            }
        });
    }

    private static ClassLoader loader() {
        ClassLoader cl = Collection.class.getClassLoader();
        return cl != null ? cl : ClassLoader.getSystemClassLoader();
    }

    public String name() { return name; }

    public String version() { return version; }

    /** The generator's seed, as recorded in collection.json. */
    public long seed() { return seed; }

    /** Clusters in collection order. */
    public List<Cluster> clusters() { return List.copyOf(clusters.values()); }

    /** All datasets in collection order (cluster by cluster). */
    public List<Dataset> datasets() { return List.copyOf(datasets.values()); }

    /** The named cluster. @throws NoSuchElementException when absent */
    public Cluster cluster(String name) {
        Cluster c = clusters.get(name);
        if (c == null) throw new NoSuchElementException("no cluster '" + name + "' in collection " + this.name + "; clusters: " + clusters.keySet());
        return c;
    }

    /** The named dataset. @throws NoSuchElementException when absent */
    public Dataset dataset(String name) {
        Dataset d = datasets.get(name);
        if (d == null) throw new NoSuchElementException("no dataset '" + name + "' in collection " + this.name);
        return d;
    }

    /** Datasets of the given clusters, in collection order. */
    public List<Dataset> datasetsIn(java.util.Collection<String> clusterNames) {
        for (String n : clusterNames) cluster(n);
        List<Dataset> out = new ArrayList<>();
        for (Cluster c : clusters.values()) if (clusterNames.contains(c.name())) out.addAll(c.datasets());
        return out;
    }

    @Override
    public String toString() {
        return "Collection[" + name + " v" + version + ", " + clusters.size() + " clusters, " + datasets.size() + " datasets]";
    }
}
