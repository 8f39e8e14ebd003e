package dev.flan4j.train;

import dev.flan4j.data.Instance;
import dev.flan4j.tokenizer.Tokenizer;

/**
 * How rendered instances become tokens, in one place for tuning and scoring so the two always agree.
 * Instruction style (FLAN): {@code input EOT target EOT}, the input separated from the target by the end-of-text
 * token. Continuation style (GPT-3 prompts for the untuned model): {@code input " " target}, no separator.
 */
public record PromptEncoder(Tokenizer tokenizer, boolean continuation) {

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
        return tokenizer.encode(continuation ? " " + target : target);
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
