package dev.flan4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Few-shot prompts: k exemplars sampled from the train split, rendered with the query's template, before the query.
 * Exemplars are pruned from the end until the prompt fits the token budget (FLAN's {@code prune_exemplars}: the
 * longest prefix of exemplars whose tokens fit {@code maxTokens} minus the query's), and {@link Prompt#kept()} says how
 * many stayed.
 * <p>
 * Two layouts:
 * <ul>
 *   <li>{@link Layout#SEPARATOR} for instruction-tuned models (every format but GPT-3 continuation): FLAN puts its
 *       separator between x and y and between exemplars ({@code few_shot.py}); flan4j's separator is the
 *       end-of-text token, the one between input and target in tuning, so each exemplar is laid out exactly as a
 *       training document, {@code input EOT target EOT}, and the query follows as {@code input EOT}. The tokens are
 *       built by the encoder (the separator is a special token, not text).</li>
 *   <li>{@link Layout#CONTINUATION} for untuned models (GPT-3 continuation prompts), lm-evaluation-harness's layout:
 *       {@code input + " " + target} per exemplar, exemplars and query joined by a blank line
 *       ({@link #TARGET_DELIMITER}, {@link #EXEMPLAR_SEPARATOR}); {@link Prompt#text()} is the whole prompt.</li>
 * </ul>
 *
 * @param k         number of exemplars wanted
 * @param maxTokens token budget for the whole prompt (FLAN: {@link #FLAN_MAX_TOKENS})
 * @param tokens    counts the tokens of a text, e.g. {@code tokenizer::count}
 */
public record FewShot(int k, int maxTokens, ToIntFunction<String> tokens) {
    /** FLAN's input budget for few-shot prompts. */
    public static final int FLAN_MAX_TOKENS = 960;
    /** Continuation layout: between exemplars, and between the last exemplar and the query (lm-eval's fewshot_delimiter). */
    public static final String EXEMPLAR_SEPARATOR = "\n\n";
    /** Continuation layout: between an exemplar's input and its target (lm-eval's target_delimiter). */
    public static final String TARGET_DELIMITER = " ";

    /** How exemplars are joined. */
    public enum Layout {
        /** {@code x EOT y EOT ... query EOT}: instruction-tuned models. */
        SEPARATOR,
        /** {@code x " " y "\n\n" ... query}: untuned models (lm-evaluation-harness). */
        CONTINUATION;

        /** The layout of a prompt format: continuation for GPT-3 prompts, the separator otherwise. */
        public static Layout of(PromptFormat f) {
            return f == PromptFormat.GPT3_CONTINUATION ? CONTINUATION : SEPARATOR;
        }
    }

    public FewShot {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (tokens == null) throw new IllegalArgumentException("tokens is null");
    }

    /**
     * A few-shot prompt.
     *
     * @param exemplars the exemplars kept, in order, each rendered with the query's template
     * @param query     the query instance (its target and options are the prompt's)
     * @param wanted    how many exemplars were asked for (fewer when the train split is small)
     * @param layout    how they are joined
     */
    public record Prompt(List<Instance> exemplars, Instance query, int wanted, Layout layout) {
        public Prompt {
            exemplars = List.copyOf(exemplars);
        }

        /** Exemplars that fit the budget. */
        public int kept() { return exemplars.size(); }

        /** The whole prompt as text ({@link Layout#CONTINUATION} only: the separator layout holds special tokens). */
        public String text() {
            if (layout != Layout.CONTINUATION) throw new IllegalStateException("a " + layout + " prompt has no text form");
            StringBuilder sb = new StringBuilder();
            for (Instance x : exemplars) sb.append(x.input()).append(TARGET_DELIMITER).append(x.target()).append(EXEMPLAR_SEPARATOR);
            return sb.append(query.input()).toString();
        }

        /** The query instance with {@link #text()} as its input. */
        public Instance instance() {
            return new Instance(query.task(), text(), query.target(), query.options());
        }
    }

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

    /** The few-shot prompt for a query: exemplars and query rendered by {@code format} with template {@code t}. */
    public Prompt prompt(Dataset d, Example query, Template t, PromptFormat format, long seed) {
        Instance q = format.render(d, query, t);
        Layout layout = Layout.of(format);
        List<Instance> shots = new ArrayList<>();
        for (Example e : exemplars(d, query, seed)) shots.add(format.render(d, e, t));
        int wanted = shots.size();
        int room = maxTokens - queryTokens(q, layout);
        int used = 0, keep = 0;
        for (Instance x : shots) {
            used += exemplarTokens(x, layout);
            if (used > room) break;
            keep++;
        }
        return new Prompt(shots.subList(0, keep), q, wanted, layout);
    }

    /** Tokens of an exemplar with its delimiters, as the layout lays it out. */
    private int exemplarTokens(Instance x, Layout layout) {
        return layout == Layout.SEPARATOR
                ? tokens.applyAsInt(x.input()) + 1 + tokens.applyAsInt(x.target()) + 1
                : tokens.applyAsInt(x.input() + TARGET_DELIMITER + x.target() + EXEMPLAR_SEPARATOR);
    }

    private int queryTokens(Instance q, Layout layout) {
        return tokens.applyAsInt(q.input()) + (layout == Layout.SEPARATOR ? 1 : 0);
    }
}
