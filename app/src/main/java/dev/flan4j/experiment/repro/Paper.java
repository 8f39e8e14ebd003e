package dev.flan4j.experiment.repro;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The paper's numbers the reproduction draws beside its own (from /work/shared/FLAN.md: FLAN 137B, GPT-3 175B). */
public final class Paper {
    private Paper() {}

    /** Clusters added one by one in the number-of-clusters ablation (FLAN's order; misc = conversational QA). */
    public static final List<String> CLUSTER_ORDER = List.of("summarization", "translation", "reading_comprehension",
            "sentiment", "struct_to_text", "coreference", "misc");

    /** Held-out clusters of the ablations. */
    public static final List<String> ABLATION_HELD_OUT = List.of("nli", "closed_book_qa", "commonsense");

    /** Held-out average for 1..7 tuning clusters (ablation 1). */
    public static final List<Double> CLUSTERS_HELD_OUT_AVG = List.of(49.9, 55.0, 59.3, 59.2, 60.8, 61.9, 63.5);

    /** The four instruction settings (ablation 3), paper's 4-cluster average. */
    public static final Map<String, Double> INSTRUCTIONS = instructions();

    /** Headline cluster averages: GPT-3 175B zero-shot, GPT-3 few-shot, FLAN 137B zero-shot. */
    public record Headline(double gpt3ZeroShot, double gpt3FewShot, double flanZeroShot) {}

    /** Headline rows by our cluster name (the paper gives NLI, reading comprehension and closed-book QA). */
    public static final Map<String, Headline> HEADLINE = Map.of(
            "nli", new Headline(42.9, 53.2, 56.2),
            "reading_comprehension", new Headline(63.7, 72.6, 77.4),
            "closed_book_qa", new Headline(49.8, 55.7, 56.6));

    /** Setting labels of the instructions experiment, in the paper's order. */
    public static final String NO_TEMPLATE = "FT: no template / eval: instructions";
    public static final String NAME_INSTR = "FT: dataset name / eval: instructions";
    public static final String NAME_NAME = "FT: dataset name / eval: dataset name";
    public static final String FLAN = "FT: instructions (FLAN) / eval: instructions";

    private static Map<String, Double> instructions() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(NO_TEMPLATE, 37.3);
        m.put(NAME_INSTR, 46.6);
        m.put(NAME_NAME, 47.0);
        m.put(FLAN, 55.2);
        return java.util.Collections.unmodifiableMap(m);
    }
}
