package dev.flan4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A dataset (task) of the collection: its cluster, task type, metric, options, templates, card, and examples by split.
 * Examples are loaded lazily on first access and then kept.
 */
public final class Dataset {
    private final String name;
    private final String cluster;
    private final TaskType task;
    private final Metric metric;
    private final List<String> options;
    private final List<Template> templates;
    private final Map<String, String> card;
    private final Supplier<List<Example>> loader;
    private volatile Map<String, List<Example>> bySplit;

    /**
     * @param options fixed answer options (classification), or null when options vary per example
     * @param card    free-form description: source, version, license, how labels were made...
     * @param loader  produces all examples (called at most once, on first access)
     */
    public Dataset(String name, String cluster, TaskType task, Metric metric, List<String> options,
                   List<Template> templates, Map<String, String> card, Supplier<List<Example>> loader) {
        this.name = Objects.requireNonNull(name);
        this.cluster = Objects.requireNonNull(cluster);
        this.task = Objects.requireNonNull(task);
        this.metric = Objects.requireNonNull(metric);
        this.options = options == null ? null : List.copyOf(options);
        this.templates = List.copyOf(templates);
        this.card = Collections.unmodifiableMap(new LinkedHashMap<>(card));
        this.loader = Objects.requireNonNull(loader);
        if (this.templates.isEmpty()) throw new IllegalArgumentException("dataset " + name + " has no templates");
    }

    /** A dataset whose examples are given up front. */
    public static Dataset of(String name, String cluster, TaskType task, Metric metric, List<String> options,
                             List<Template> templates, List<Example> examples) {
        List<Example> copy = List.copyOf(examples);
        return new Dataset(name, cluster, task, metric, options, templates, Map.of(), () -> copy);
    }

    public String name() { return name; }

    public String cluster() { return cluster; }

    public TaskType task() { return task; }

    public Metric metric() { return metric; }

    /** The dataset-wide options, or null when they vary per example. */
    public List<String> options() { return options; }

    public List<Template> templates() { return templates; }

    public Map<String, String> card() { return card; }

    /** The options that apply to an example: its own, else the dataset's; empty for generation tasks. */
    public List<String> optionsFor(Example e) {
        if (task != TaskType.CLASSIFICATION) return List.of();
        if (e.options() != null) return e.options();
        return options == null ? List.of() : options;
    }

    /** Examples of one split ({@code train}, {@code dev}, {@code test}); empty when the split is absent. */
    public List<Example> examples(String split) {
        return splits().getOrDefault(split, List.of());
    }

    /** The split names present, in file order. */
    public Set<String> splitNames() {
        return splits().keySet();
    }

    private Map<String, List<Example>> splits() {
        Map<String, List<Example>> m = bySplit;
        if (m == null) {
            synchronized (this) {
                if (bySplit == null) {
                    Map<String, List<Example>> build = new LinkedHashMap<>();
                    for (Example e : loader.get()) build.computeIfAbsent(e.split(), k -> new ArrayList<>()).add(e);
                    build.replaceAll((k, v) -> List.copyOf(v));
                    bySplit = Collections.unmodifiableMap(build);
                }
                m = bySplit;
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", cluster=" + cluster + ", " + task.name().toLowerCase() + "]";
    }
}
