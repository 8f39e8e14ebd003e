package dev.flan4j.train;

import dev.flan4j.data.Instance;
import dev.flan4j.tokenizer.Tokenizer;

/**
 * How rendered instances become tokens, in one place for tuning and scoring so the two always agree.
 * Instruction style (FLAN): {@code input EOT target EOT}, the input separated from the target by the end-of-text
 * token. Continuation style (GPT-3 prompts for the untuned model): {@code input " " target}, no separator.
 *
 * <p>Target space (instruction style): whether a target or option is encoded with a leading space, {@code " yes"}.
 * FLAN's SentencePiece encodes the target alone with its dummy prefix, so the answer is the same piece as the
 * option {@code "- yes"} in the prompt's OPTIONS list; with this project's byte-level BPE only {@code " yes"} is that
 * piece ({@code "yes"} is another token). {@link #TARGET_SPACE_PROPERTY} chooses; see {@link #targetSpaceDefault()}.
 * Continuation style always puts one space between input and target, as lm-evaluation-harness does.
 */
public record PromptEncoder(Tokenizer tokenizer, boolean continuation, boolean targetSpace) {
    /** System property: "true" or "false", whether instruction-style targets get a leading space. */
    public static final String TARGET_SPACE_PROPERTY = "flan4j.targetSpace";

    /** An encoder with {@link #targetSpaceDefault()}. */
    public PromptEncoder(Tokenizer tokenizer, boolean continuation) {
        this(tokenizer, continuation, targetSpaceDefault());
    }

    /**
     * {@link #TARGET_SPACE_PROPERTY} when set ("true" or "false"; anything else is an error naming it), else false:
     * the answer without a leading space, the setting the shipped models and the committed results were made with.
     */
    public static boolean targetSpaceDefault() {
        String v = System.getProperty(TARGET_SPACE_PROPERTY);
        if (v == null || v.equalsIgnoreCase("false")) return false;
        if (v.equalsIgnoreCase("true")) return true;
        throw new IllegalArgumentException("system property " + TARGET_SPACE_PROPERTY + " must be true or false, got '" + v + "'");
    }

    /** Tokens of the prompt that precede a target or an answer option. */
    public int[] prompt(String input) {
        int[] ids = tokenizer.encode(input);
        if (continuation) return ids.length == 0 ? new int[]{tokenizer.eotToken()} : ids;
        int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = tokenizer.eotToken();
        return out;
    }

    /** Tokens of a target or an option as scored after {@link #prompt} (no end-of-text). */
    public int[] continuationTokens(String target) {
        return tokenizer.encode(continuation || targetSpace ? " " + target : target);
    }

    /** A training sequence: prompt, target, end-of-text; loss on the target and the final end-of-text only. */
    public Sequence sequence(Instance inst, boolean lossOnTargetsOnly) {
        int[] p = prompt(inst.input()), t = continuationTokens(inst.target());
        int[] all = new int[p.length + t.length + 1];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(t, 0, all, p.length, t.length);
        all[all.length - 1] = tokenizer.eotToken();
        return new Sequence(all, lossOnTargetsOnly ? p.length : 1);
    }
}
