package dev.flan4j.data;

import java.util.List;

/**
 * A task cluster (NLI, sentiment, translation...) and its datasets.
 *
 * @param name     cluster name, e.g. {@code nli}
 * @param kind     whether the cluster is language understanding or generation
 * @param datasets the datasets of the cluster, in collection order
 */
public record Cluster(String name, Kind kind, List<Dataset> datasets) {
    /** NLU or NLG cluster. */
    public enum Kind { NLU, NLG }

    public Cluster {
        datasets = List.copyOf(datasets);
    }
}
