package dev.flan4j.eval;

import dev.flan4j.data.Corpus;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Language-model loss on held-out text, measured the way pretraining sees text: the documents joined by end-of-text
 * tokens, cut into consecutive windows of {@code T} tokens, every next token a target (the window's first token has
 * no context inside it, as in training). The mean is over all predicted tokens, in nats per token.
 */
public final class HeldOutLoss {
    /**
     * @param tokens   tokens predicted (targets counted)
     * @param windows  windows of T tokens run through the model
     * @param loss     mean cross-entropy, nats per token
     */
    public record Result(long tokens, int windows, double loss) {
        /** exp(loss). */
        public double perplexity() { return Math.exp(loss); }
    }

    private HeldOutLoss() {}

    /**
     * Scores {@code docs} with {@code model}, {@code rows} windows per forward pass.
     *
     * @param maxTokens stop after this many tokens of text (0 = all); the cut is at a window boundary
     */
    public static Result of(CausalLm model, Tokenizer tok, List<Corpus.Document> docs, int T, int rows, long maxTokens) {
        if (docs.isEmpty()) throw new IllegalArgumentException("no held-out documents to score");
        if (T < 2 || T > model.config().blockSize()) {
            throw new IllegalArgumentException("window length T=" + T + " must be in [2, " + model.config().blockSize() + "]");
        }
        if (rows < 1) throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        int[] stream = joined(tok, docs, maxTokens);
        int windows = (stream.length - 1) / T;   // each window needs its T inputs and the next token after the last
        if (windows == 0) throw new IllegalArgumentException("held-out text has " + stream.length + " tokens, fewer than one window of " + (T + 1));
        double sum = 0;
        long count = 0;
        for (int w0 = 0; w0 < windows; w0 += rows) {
            int n = Math.min(rows, windows - w0);
            int[] in = new int[n * T], tgt = new int[n * T], pos = new int[n * T], cu = new int[n + 1];
            for (int r = 0; r < n; r++) {
                int src = (w0 + r) * T;
                System.arraycopy(stream, src, in, r * T, T);
                System.arraycopy(stream, src + 1, tgt, r * T, T);
                for (int i = 0; i < T; i++) pos[r * T + i] = i;
                cu[r + 1] = (r + 1) * T;
            }
            double mean = model.forward(new Batch(in, tgt, pos, cu));
            sum += mean * n * T;
            count += (long) n * T;
        }
        return new Result(count, windows, sum / count);
    }

    private static int[] joined(Tokenizer tok, List<Corpus.Document> docs, long maxTokens) {
        int[] out = new int[1 << 16];
        int n = 0;
        for (Corpus.Document d : docs) {
            int[] ids = tok.encode(d.text());
            int need = n + ids.length + 1;
            if (need > out.length) out = Arrays.copyOf(out, Math.max(need, out.length * 2));
            System.arraycopy(ids, 0, out, n, ids.length);
            n += ids.length;
            out[n++] = tok.eotToken();
            if (maxTokens > 0 && n > maxTokens) break;
        }
        return Arrays.copyOf(out, maxTokens > 0 ? (int) Math.min(n, maxTokens + 1) : n);
    }
}
