package dev.flan4j.eval;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.LayerKvCache;
import dev.flan4j.model.ModelConfig;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy generation with a KV cache: the prompt is decoded once, then each new token is the argmax of the last
 * logits (over the real vocabulary, the first id on ties) and is decoded alone.
 *
 * <p>Generation stops at the first of: the EOS token (not included in the output), a stop string appearing in the
 * decoded text of the generated tokens (the text is cut where the earliest stop string starts; the tokens keep the
 * one that completed it), {@code maxNewTokens} tokens, or a full block. The prompt is cut from the left to
 * {@code T - maxNewTokens + 1} tokens (at least one) so that the generated tokens fit the block size T.
 *
 * <p>Stop strings are looked for in the whole generated text after every token (decoding the tokens so far each
 * time), which is quadratic in the output length and negligible next to the model for the short outputs of
 * evaluation. Not thread-safe; it drives the model's decode buffers. Close it to free its cache.
 */
public final class Greedy implements AutoCloseable {

    /** Why generation stopped. */
    public enum Stop { EOS, STOP_STRING, MAX_TOKENS, BLOCK_SIZE }

    /**
     * A generation.
     *
     * @param tokens              the generated token ids (EOS excluded)
     * @param text                their decoded text, cut before the stop string if one was found
     * @param stop                why generation stopped
     * @param promptTokensDropped prompt tokens cut from the left to fit the block size
     */
    public record Result(int[] tokens, String text, Stop stop, int promptTokensDropped) {}

    /** No EOS token: pass as {@code eosId} to stop only on stop strings and length. */
    public static final int NO_EOS = -1;

    private final CausalLm model;
    private final Backend be;
    private final TokenDecoder decoder;
    private final LayerKvCache cache;

    /** A generator for {@code model} that decodes text with {@code decoder} (allocates one KV cache of the whole block). */
    public Greedy(CausalLm model, TokenDecoder decoder) {
        this(model, decoder, model == null ? 1 : model.config().blockSize());
    }

    /**
     * A generator whose KV cache holds {@code capacity} tokens (1 .. block size): prompt plus generated tokens are
     * kept within it as they are within the block ({@link Stop#BLOCK_SIZE} when it fills).
     */
    public Greedy(CausalLm model, TokenDecoder decoder, int capacity) {
        if (model == null) throw new IllegalArgumentException("model is null");
        if (decoder == null) throw new IllegalArgumentException("decoder is null");
        this.model = model;
        this.be = model.backend();
        this.decoder = decoder;
        this.cache = model.newCache(capacity);
    }

    /**
     * Generates greedily after {@code prompt}.
     *
     * @param prompt       prompt token ids, at least one
     * @param maxNewTokens the most tokens to generate, at least one
     * @param eosId        the end-of-sequence token id, or {@link #NO_EOS}
     * @param stops        stop strings (non-empty strings; the list may be empty)
     */
    public Result generate(int[] prompt, int maxNewTokens, int eosId, List<String> stops) {
        ModelConfig c = model.config();
        int T = cache.capacity(), V = c.vocabSize();
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token, got " + (prompt == null ? "null" : "an empty array"));
        }
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        if (eosId != NO_EOS && (eosId < 0 || eosId >= V)) {
            throw new IllegalArgumentException("eosId=" + eosId + " is outside the vocabulary [0, " + V + ") and is not NO_EOS");
        }
        if (stops == null) throw new IllegalArgumentException("stops is null (pass List.of() for none)");
        for (int i = 0; i < stops.size(); i++) {
            if (stops.get(i) == null || stops.get(i).isEmpty()) {
                throw new IllegalArgumentException("stops[" + i + "] is " + (stops.get(i) == null ? "null" : "empty"));
            }
        }
        int kept = Math.min(prompt.length, Math.max(1, T - maxNewTokens + 1));
        int dropped = prompt.length - kept;

        cache.truncate(0);
        Tensor logits = model.decodeLast(Arrays.copyOfRange(prompt, dropped, prompt.length), cache);
        int[] out = new int[maxNewTokens];
        int n = 0;
        while (true) {
            int next = argmax(be.toArray(logits), V);
            if (next == eosId) return eos(out, n, dropped);
            out[n++] = next;
            String text = decoder.decode(Arrays.copyOf(out, n));
            int cut = earliestStop(text, stops);
            if (cut >= 0) return new Result(Arrays.copyOf(out, n), text.substring(0, cut), Stop.STOP_STRING, dropped);
            if (n == maxNewTokens) return new Result(Arrays.copyOf(out, n), text, Stop.MAX_TOKENS, dropped);
            if (cache.length() == T) return new Result(Arrays.copyOf(out, n), text, Stop.BLOCK_SIZE, dropped);
            logits = model.decodeLast(new int[]{next}, cache);
        }
    }

    private Result eos(int[] out, int n, int dropped) {
        int[] tokens = Arrays.copyOf(out, n);
        return new Result(tokens, decoder.decode(tokens), Stop.EOS, dropped);
    }

    /** Start of the earliest stop string in text, or -1. */
    private static int earliestStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** Index of the largest of the first V logits, the first on ties. */
    static int argmax(float[] logits, int V) {
        int best = 0;
        for (int v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
        return best;
    }

    @Override
    public void close() { cache.close(); }
}
