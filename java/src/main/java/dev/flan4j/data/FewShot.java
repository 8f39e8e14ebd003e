package dev.flan4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Few-shot prompts: k exemplars sampled from the train split, rendered with the query's template (input, newline,
 * target), joined with blank lines before the query's input. While the prompt exceeds the token budget the last
 * exemplar is dropped.
 *
 * @param k         number of exemplars wanted
 * @param maxTokens token budget for the whole prompt (FLAN: {@link #FLAN_MAX_TOKENS})
 * @param tokens    counts the tokens of a text, e.g. {@code tokenizer::count}
 */
public record FewShot(int k, int maxTokens, ToIntFunction<String> tokens) {
    /** FLAN's input budget for few-shot prompts. */
    public static final int FLAN_MAX_TOKENS = 960;
    /** Between exemplars, and between the last exemplar and the query. */
    public static final String EXEMPLAR_SEPARATOR = "\n\n";
    /** Between an exemplar's input and its target. */
    public static final String TARGET_SEPARATOR = "\n";

    /**
     * k train examples (the query itself excluded), sampled by a Random seeded from {@code seed} and the query id,
     * so each query gets its own, reproducible exemplars.
     */
    public List<Example> exemplars(Dataset d, Example query, long seed) {
        List<Example> pool = new ArrayList<>(d.examples("train"));
        pool.removeIf(e -> e.id().equals(query.id()));
        Random rnd = new Random(seed * 1_000_003L + query.id().hashCode());
        int n = Math.min(k, pool.size());
        for (int i = 0; i < n; i++) java.util.Collections.swap(pool, i, i + rnd.nextInt(pool.size() - i));
        return List.copyOf(pool.subList(0, n));
    }

    /** The few-shot instance for a query: exemplars and query rendered by {@code format} with template {@code t}. */
    public Instance render(Dataset d, Example query, Template t, PromptFormat format, long seed) {
        Instance q = format.render(d, query, t);
        List<String> shots = new ArrayList<>();
        for (Example e : exemplars(d, query, seed)) {
            Instance x = format.render(d, e, t);
            shots.add(x.input() + TARGET_SEPARATOR + x.target());
        }
        String prompt = join(shots, q.input());
        while (!shots.isEmpty() && tokens.applyAsInt(prompt) > maxTokens) {
            shots.remove(shots.size() - 1);
            prompt = join(shots, q.input());
        }
        return new Instance(q.task(), prompt, q.target(), q.options());
    }

    private static String join(List<String> shots, String query) {
        if (shots.isEmpty()) return query;
        return String.join(EXEMPLAR_SEPARATOR, shots) + EXEMPLAR_SEPARATOR + query;
    }
}
