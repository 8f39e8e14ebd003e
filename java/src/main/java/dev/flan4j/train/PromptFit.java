package dev.flan4j.train;

import dev.flan4j.data.Instance;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.Template;
import java.util.Arrays;
import java.util.List;

/**
 * Fits prompts and training sequences to a token budget the way FLAN truncates: the end of the input goes, the start
 * stays (FLAN trims inputs to 1,024 and targets to 256 tokens from the end). A prompt that ends with the OPTIONS
 * suffix never loses its options: the cut is made at the end of its longest line before the suffix (the passage),
 * so the instruction around the passage and the options list survive. Such a prompt still counts as truncated.
 * <p>
 * Also picks a sequence length that fits a mixture: {@link #coveringLength}.
 */
public final class PromptFit {
    private PromptFit() {}

    /** Prompt tokens fitted to a budget, and how many tokens were cut (0 when it fit). */
    public record Fitted(int[] tokens, int dropped) {
        public boolean truncated() { return dropped > 0; }
    }

    /** A training sequence fitted to a length, and how many tokens were cut. */
    public record FittedSequence(Sequence sequence, int dropped) {}

    /**
     * The prompt of {@code inst} as {@link PromptEncoder#prompt} encodes it, cut to at most {@code budget} tokens.
     * In instruction style the end-of-text separator stays the last token.
     *
     * @param budget at least 1 (2 in instruction style)
     */
    public static Fitted prompt(PromptEncoder enc, Instance inst, int budget) {
        int[] full = enc.prompt(inst.input());
        if (full.length <= budget) return new Fitted(full, 0);
        int sep = enc.continuation() ? 0 : 1;
        if (budget < 1 + sep) throw new IllegalArgumentException("budget " + budget + " leaves no room for a prompt token");
        String input = inst.input();
        int suffix = inst.isClassification() ? input.lastIndexOf(Template.optionsSuffix(inst.options())) : -1;
        int[] kept = suffix > 0 ? keepOptions(enc, input, suffix, budget - sep) : null;
        if (kept == null) kept = Arrays.copyOf(enc.tokenizer().encode(input), budget - sep);
        if (sep == 1) {
            kept = Arrays.copyOf(kept, kept.length + 1);
            kept[kept.length - 1] = enc.tokenizer().eotToken();
        }
        return new Fitted(kept, full.length - kept.length);
    }

    /**
     * Tokens of {@code input} (no separator) within {@code room}, cut at the end of the longest line before the
     * OPTIONS suffix that starts at {@code suffix}; null when what follows that line alone does not fit.
     */
    private static int[] keepOptions(PromptEncoder enc, String input, int suffix, int room) {
        int bestStart = 0, bestEnd = 0;
        for (int start = 0; start < suffix; ) {
            int nl = input.indexOf('\n', start);
            int end = nl < 0 || nl > suffix ? suffix : nl;
            if (end - start > bestEnd - bestStart) {
                bestStart = start;
                bestEnd = end;
            }
            start = end + 1;
        }
        int[] head = enc.tokenizer().encode(input.substring(0, bestEnd));
        int[] tail = enc.tokenizer().encode(input.substring(bestEnd));
        int k = room - tail.length;
        if (k < 1) return null;
        int[] out = Arrays.copyOf(head, Math.min(k, head.length) + tail.length);
        System.arraycopy(tail, 0, out, Math.min(k, head.length), tail.length);
        return out.length <= room ? out : null;
    }

    /**
     * The training sequence {@link PromptEncoder#sequence} builds, cut to at most {@code maxTokens}: the prompt is
     * fitted by {@link #prompt}; when the target alone leaves less than half the length for the prompt, the prompt
     * keeps up to half and the target keeps its start (losing its closing end-of-text).
     */
    public static FittedSequence sequence(PromptEncoder enc, Instance inst, boolean lossOnTargetsOnly, int maxTokens) {
        Sequence full = enc.sequence(inst, lossOnTargetsOnly);
        int n = full.tokens().length;
        if (n <= maxTokens) return new FittedSequence(full, 0);
        int[] target = enc.continuationTokens(inst.target());
        int promptLen = enc.prompt(inst.input()).length;
        int budget = Math.max(maxTokens - target.length - 1, Math.min(promptLen, maxTokens / 2));
        int[] p = prompt(enc, inst, Math.max(enc.continuation() ? 1 : 2, budget)).tokens();
        int room = maxTokens - p.length;
        int[] all = Arrays.copyOf(p, p.length + Math.min(room, target.length + 1));
        for (int i = 0; i < all.length - p.length; i++) {
            all[p.length + i] = i < target.length ? target[i] : enc.tokenizer().eotToken();
        }
        return new FittedSequence(new Sequence(all, lossOnTargetsOnly ? p.length : 1), n - all.length);
    }

    /** Tokens of every instance's training sequence (prompt, target, end-of-text). */
    public static int[] sequenceLengths(PromptEncoder enc, List<Instance> instances) {
        int[] out = new int[instances.size()];
        for (int i = 0; i < out.length; i++) out[i] = enc.sequence(instances.get(i), true).tokens().length;
        return out;
    }

    /**
     * The smallest length L such that at least {@code fraction} of the lengths are {@code <= L}, rounded up to a
     * multiple of {@code multiple}.
     */
    public static int coveringLength(int[] lengths, double fraction, int multiple) {
        if (lengths.length == 0) throw new IllegalArgumentException("no lengths");
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        if (multiple < 1) throw new IllegalArgumentException("multiple must be >= 1, got " + multiple);
        int[] s = lengths.clone();
        Arrays.sort(s);
        int l = s[(int) Math.ceil(fraction * s.length) - 1];
        return (l + multiple - 1) / multiple * multiple;
    }

    /**
     * A sequence length at which at least {@code fraction} (FLAN-style defaults: 0.99) of a mixture's prompt+target
     * pairs fit whole: its first-epoch instances (each example with its assigned template), rounded up to a multiple
     * of 32.
     */
    public static int coveringLength(Mixture mixture, PromptEncoder enc, double fraction) {
        return coveringLength(sequenceLengths(enc, mixture.firstEpoch()), fraction, 32);
    }
}
