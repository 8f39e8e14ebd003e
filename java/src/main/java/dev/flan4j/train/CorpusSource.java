package dev.flan4j.train;

import dev.flan4j.data.Corpus;
import dev.flan4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Plain language-model data: documents in a seeded shuffled order (reshuffled each epoch), tokenized lazily,
 * joined by end-of-text tokens and cut into sequences of exactly {@code length} tokens with loss on every token.
 */
public final class CorpusSource implements DataSource {
    private final List<Corpus.Document> docs;
    private final Tokenizer tok;
    private final int length;
    private final long seed;
    private List<Integer> order = List.of();
    private int epoch = -1, next;
    private int[] buffer = new int[0];
    private int bufPos;
    private long position;

    public CorpusSource(List<Corpus.Document> docs, Tokenizer tok, int length, long seed) {
        if (docs.isEmpty()) throw new IllegalArgumentException("no documents to train on");
        if (length < 2) throw new IllegalArgumentException("sequence length must be >= 2, got " + length);
        this.docs = docs;
        this.tok = tok;
        this.length = length;
        this.seed = seed;
    }

    @Override
    public Sequence next() {
        int[] out = new int[length];
        int filled = 0;
        while (filled < length) {
            if (bufPos == buffer.length) refill();
            int n = Math.min(length - filled, buffer.length - bufPos);
            System.arraycopy(buffer, bufPos, out, filled, n);
            bufPos += n;
            filled += n;
        }
        position++;
        return new Sequence(out, 1);
    }

    private void refill() {
        if (next >= order.size()) {
            epoch++;
            List<Integer> o = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) o.add(i);
            Collections.shuffle(o, new Random(seed * 1_000_003L + epoch));
            order = o;
            next = 0;
        }
        int[] ids = tok.encode(docs.get(order.get(next++)).text());
        buffer = java.util.Arrays.copyOf(ids, ids.length + 1);
        buffer[ids.length] = tok.eotToken();
        bufPos = 0;
    }

    @Override
    public long position() { return position; }
}
