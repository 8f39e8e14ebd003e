package dev.flan4j.eval;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Reduction;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.LayerKvCache;
import dev.flan4j.model.ModelConfig;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rank classification as in FLAN: each option's summed log-likelihood given the prompt, the prediction being the
 * option with the largest sum ({@code acc}). Also reports lm-evaluation-harness's length-normalized variants under its
 * names: {@code acc_norm}, the argmax of the sum divided by the option's length in characters (Unicode code points,
 * Python's {@code len}), and {@code acc_bytes}, divided by its length in UTF-8 bytes. This class sees tokens only, so
 * the caller passes both lengths.
 *
 * <p>How it runs: per example the prompt is decoded once into a KV cache; each option is then scored by rewinding
 * the cache to the end of the prompt ({@link LayerKvCache#truncate}) and decoding the option's tokens but its last
 * (the last token is only a target). Log-likelihoods come from the backend's cross-entropy, so only a few floats per
 * option leave the device. One cache serves all examples.
 *
 * <p>Truncation: the sequence fed to the model for option j is prompt + option[0 .. m_j - 2], which must fit the block
 * size T. Since the options share the prompt's cache, the prompt is cut from the left to {@code T - (m_max - 1)}
 * tokens, m_max being the longest option (lm-evaluation-harness cuts per option; the two agree whenever nothing is
 * cut). An option of T + 1 tokens or more leaves no room for the prompt and is an error.
 *
 * <p>Not thread-safe; it drives the model's decode buffers. Close it to free its cache.
 */
public final class RankScorer implements AutoCloseable {

    /**
     * One rank-classification example.
     *
     * @param prompt      prompt token ids (at least one; prepend a BOS/EOS token for an empty prompt)
     * @param options     the candidate continuations' token ids, each non-empty
     * @param optionChars each option's length in characters (for acc_norm), each > 0
     * @param optionBytes each option's length in UTF-8 bytes (for acc_bytes), each > 0
     * @param gold        index of the correct option, or -1 when unlabeled
     */
    public record Example(int[] prompt, List<int[]> options, int[] optionChars, int[] optionBytes, int gold) {
        /** An example whose options are ASCII text, so that characters and bytes agree: {@code lengths} serves both. */
        public Example(int[] prompt, List<int[]> options, int[] lengths, int gold) {
            this(prompt, options, lengths, lengths, gold);
        }

        public Example {
            if (prompt == null || prompt.length == 0) {
                throw new IllegalArgumentException("prompt must hold at least one token, got "
                        + (prompt == null ? "null" : "an empty array"));
            }
            if (options == null || options.isEmpty()) throw new IllegalArgumentException("options must not be empty");
            options = List.copyOf(options);
            for (int j = 0; j < options.size(); j++) {
                if (options.get(j).length == 0) throw new IllegalArgumentException("options[" + j + "] has no tokens");
            }
            checkLengths("optionChars", optionChars, options.size());
            checkLengths("optionBytes", optionBytes, options.size());
            if (gold < -1 || gold >= options.size()) {
                throw new IllegalArgumentException("gold=" + gold + " must be in [-1, " + options.size() + ")");
            }
        }
    }

    private static void checkLengths(String name, int[] lengths, int options) {
        if (lengths == null || lengths.length != options) {
            throw new IllegalArgumentException(name + " has " + (lengths == null ? "null" : lengths.length)
                    + " entries for " + options + " options");
        }
        for (int j = 0; j < lengths.length; j++) {
            if (lengths[j] <= 0) throw new IllegalArgumentException(name + "[" + j + "] = " + lengths[j] + " must be > 0");
        }
    }

    /** An option's length in characters as lm-evaluation-harness counts them (Unicode code points). */
    public static int chars(String option) { return option.codePointCount(0, option.length()); }

    /** An option's length in UTF-8 bytes. */
    public static int bytes(String option) { return option.getBytes(java.nio.charset.StandardCharsets.UTF_8).length; }

    /**
     * The scores of one example.
     *
     * @param logLikelihoods      per option, the sum over its tokens of log p(token | prompt, earlier option tokens)
     * @param optionChars         per option, its length in characters (as given)
     * @param optionBytes         per option, its length in UTF-8 bytes (as given)
     * @param predicted           argmax of logLikelihoods (first on ties): FLAN's rank classification, acc
     * @param predictedNorm       argmax of logLikelihoods / optionChars (first on ties): acc_norm
     * @param predictedBytes      argmax of logLikelihoods / optionBytes (first on ties): acc_bytes
     * @param gold                the correct option, -1 when unlabeled
     * @param promptTokensDropped prompt tokens cut from the left to fit the block size
     */
    public record Result(double[] logLikelihoods, int[] optionChars, int[] optionBytes, int predicted, int predictedNorm,
                         int predictedBytes, int gold, int promptTokensDropped) {
        /** Whether {@link #predicted} is the gold option. */
        public boolean correct() { return gold >= 0 && predicted == gold; }

        /** Whether {@link #predictedNorm} (per character) is the gold option. */
        public boolean correctNorm() { return gold >= 0 && predictedNorm == gold; }

        /** Whether {@link #predictedBytes} (per byte) is the gold option. */
        public boolean correctBytes() { return gold >= 0 && predictedBytes == gold; }
    }

    /** acc, acc_norm (per character) and acc_bytes (per byte) over the labeled examples of a list of results. */
    public record Accuracy(int count, double acc, double accNorm, double accBytes) {}

    private final CausalLm model;
    private final Backend be;
    private final LayerKvCache cache;
    private final Tensor promptLogits;   // [1, Vp]: the prompt's last logits, predicting each option's first token
    private final Tensor losses;         // [T]: per-token -log p

    /** A scorer for {@code model} (allocates one KV cache of the whole block). */
    public RankScorer(CausalLm model) {
        this(model, model == null ? 1 : model.config().blockSize());
    }

    /**
     * A scorer whose KV cache holds {@code capacity} tokens (1 .. block size): enough for the longest prompt plus
     * option minus one of the examples it will score ({@link #capacityFor}); prompts are cut to fit it as to the block.
     */
    public RankScorer(CausalLm model, int capacity) {
        if (model == null) throw new IllegalArgumentException("model is null");
        this.model = model;
        this.be = model.backend();
        ModelConfig c = model.config();
        this.cache = model.newCache(capacity);
        this.promptLogits = be.zeros(1, c.paddedVocabSize());
        this.losses = be.zeros(c.blockSize());
    }

    /** The cache a scorer of these examples needs: the longest prompt plus its longest option minus one, within [1, T]. */
    public static int capacityFor(List<Example> examples, int blockSize) {
        int need = 1;
        for (Example e : examples) {
            int longest = 0;
            for (int[] o : e.options()) longest = Math.max(longest, o.length);
            need = Math.max(need, e.prompt().length + longest - 1);
        }
        return Math.min(blockSize, need);
    }

    /** Scores every example, in order. */
    public List<Result> scoreAll(List<Example> examples) {
        List<Result> out = new ArrayList<>(examples.size());
        for (Example e : examples) out.add(score(e));
        return out;
    }

    /** Scores one example. */
    public Result score(Example e) {
        ModelConfig c = model.config();
        int T = cache.capacity(), V = c.vocabSize(), Vp = c.paddedVocabSize();
        int maxLen = 0;
        for (int[] o : e.options()) maxLen = Math.max(maxLen, o.length);
        int room = T - (maxLen - 1);
        if (room < 1) {
            throw new IllegalArgumentException("an option has " + maxLen + " tokens, leaving no room for the prompt in the "
                    + (T == c.blockSize() ? "block size " : "scorer's cache of ") + T);
        }
        int kept = Math.min(e.prompt().length, room);
        int[] prompt = Arrays.copyOfRange(e.prompt(), e.prompt().length - kept, e.prompt().length);

        cache.truncate(0);
        be.copy(promptLogits, model.decodeLast(prompt, cache));
        int k = e.options().size();
        double[] ll = new double[k];
        for (int j = 0; j < k; j++) {
            int[] opt = e.options().get(j);
            checkIds(opt, j, V);
            ll[j] = -sumLosses(promptLogits, new int[]{opt[0]}, V, Vp);
            if (opt.length > 1) {
                cache.truncate(kept);
                Tensor logits = model.decode(Arrays.copyOf(opt, opt.length - 1), cache);   // [m-1, Vp]
                ll[j] -= sumLosses(logits, Arrays.copyOfRange(opt, 1, opt.length), V, Vp);
            }
        }
        int[] chars = e.optionChars().clone(), bytes = e.optionBytes().clone();
        double[] perChar = new double[k], perByte = new double[k];
        for (int j = 0; j < k; j++) {
            perChar[j] = ll[j] / chars[j];
            perByte[j] = ll[j] / bytes[j];
        }
        return new Result(ll, chars, bytes, argmax(ll), argmax(perChar), argmax(perByte), e.gold(), e.prompt().length - kept);
    }

    /** Sum over rows of -log softmax(logits[i, :V])[targets[i]], in double. */
    private double sumLosses(Tensor logits, int[] targets, int V, int Vp) {
        int n = targets.length;
        Tensor l = losses.view(0, n);
        be.crossEntropy(l, logits, targets, n, V, Vp, Batch.IGNORE, Reduction.NONE, 0f);
        double s = 0;
        for (float x : be.toArray(l)) s += x;
        return s;
    }

    private static void checkIds(int[] opt, int j, int V) {
        for (int i = 0; i < opt.length; i++) {
            if (opt[i] < 0 || opt[i] >= V) {
                throw new IllegalArgumentException("options[" + j + "][" + i + "] = " + opt[i]
                        + " is outside the vocabulary [0, " + V + ")");
            }
        }
    }

    /** Index of the largest value, the first on ties. */
    static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** acc, acc_norm and acc_bytes over the results whose gold is known (NaN when none is). */
    public static Accuracy accuracy(List<Result> results) {
        int n = 0, hit = 0, hitNorm = 0, hitBytes = 0;
        for (Result r : results) {
            if (r.gold() < 0) continue;
            n++;
            if (r.correct()) hit++;
            if (r.correctNorm()) hitNorm++;
            if (r.correctBytes()) hitBytes++;
        }
        return n == 0 ? new Accuracy(0, Double.NaN, Double.NaN, Double.NaN)
                : new Accuracy(n, (double) hit / n, (double) hitNorm / n, (double) hitBytes / n);
    }

    @Override
    public void close() {
        cache.close();
        promptLogits.close();
        losses.close();
    }
}
