package dev.flan4j.train;

import dev.flan4j.model.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs whole sequences into B rows of T tokens. A sequence never spans two rows; the space left at the end of a
 * row is one padding document (the pad token, no loss). Every sequence is its own document: positions restart at 0
 * and attention never crosses its boundaries (cu_seqlens). A sequence longer than T loses tokens from the start of
 * its prompt when that is enough to fit, otherwise it is cut to its first T tokens.
 * <p>
 * With {@link TrainConfig.LossNorm#SEQUENCE} each batch carries document weights: a sequence with k target tokens
 * weighs {@code (targets / sequences) / k}, where targets and sequences count the batch's target tokens and the
 * sequences that have any, so every sequence carries the same total weight and the mean weight per target token is 1.
 */
public final class Packer {
    private final int B, T, padToken;
    private final TrainConfig.LossNorm norm;
    private Sequence pending;   // pulled from the source but did not fit in the last row
    private long seen, truncated;

    /** A packer whose batches weigh every target token 1 ({@link TrainConfig.LossNorm#TOKEN}). */
    public Packer(int B, int T, int padToken) {
        this(B, T, padToken, TrainConfig.LossNorm.TOKEN);
    }

    public Packer(int B, int T, int padToken, TrainConfig.LossNorm norm) {
        if (B <= 0) throw new IllegalArgumentException("batch rows B must be > 0, got " + B);
        if (T < 2) throw new IllegalArgumentException("sequence length T must be >= 2, got " + T);
        this.B = B;
        this.T = T;
        this.padToken = padToken;
        if (norm == null) throw new IllegalArgumentException("loss normalisation is null");
        this.norm = norm;
    }

    /** Sequences taken from the source and placed in batches (the one waiting for the next batch excluded). */
    public long consumed(DataSource src) {
        return src.position() - (pending == null ? 0 : 1);
    }

    /** Forgets a pending sequence (after a source was rebuilt and skipped to {@link #consumed}). */
    public void reset() { pending = null; }

    /** The next batch of B*T tokens. */
    public Batch next(DataSource src) {
        src.fitTo(T);
        int N = B * T;
        int[] tok = new int[N], tgt = new int[N], pos = new int[N];
        Arrays.fill(tgt, Batch.IGNORE);
        List<Integer> cu = new ArrayList<>(), docTargets = new ArrayList<>();
        cu.add(0);
        for (int row = 0; row < B; row++) {
            int used = 0, base = row * T;
            while (true) {
                Sequence s = pending != null ? pending : fit(src.next());
                pending = null;
                int n = s.tokens().length;
                if (used + n > T) {
                    pending = s;
                    break;
                }
                int off = base + used, k = 0;
                for (int i = 0; i < n; i++) {
                    tok[off + i] = s.tokens()[i];
                    pos[off + i] = i;
                    if (i + 1 < n && i + 1 >= s.lossStart()) {
                        tgt[off + i] = s.tokens()[i + 1];
                        k++;
                    }
                }
                used += n;
                cu.add(base + used);
                docTargets.add(k);
                if (used == T) break;
            }
            if (used < T) {   // one padding document fills the rest of the row
                for (int i = used; i < T; i++) {
                    tok[base + i] = padToken;
                    pos[base + i] = i - used;
                }
                cu.add(base + T);
                docTargets.add(0);
            }
        }
        int[] cuArr = cu.stream().mapToInt(Integer::intValue).toArray();
        return new Batch(tok, tgt, pos, cuArr, norm == TrainConfig.LossNorm.SEQUENCE ? sequenceWeights(docTargets) : null);
    }

    /** Document weights of {@link TrainConfig.LossNorm#SEQUENCE}: (targets / sequences) / k for k targets, else 0. */
    static float[] sequenceWeights(List<Integer> docTargets) {
        long targets = 0;
        int sequences = 0;
        for (int k : docTargets) {
            targets += k;
            if (k > 0) sequences++;
        }
        float[] w = new float[docTargets.size()];
        for (int d = 0; d < w.length; d++) {
            int k = docTargets.get(d);
            w[d] = k == 0 ? 0f : (float) ((double) targets / sequences / k);
        }
        return w;
    }

    /** Sequences taken from sources so far, and how many of them this packer had to cut. */
    public long seen() { return seen; }

    /** Sequences this packer had to cut to T (those the source already fitted are not counted). */
    public long truncated() { return truncated; }

    private Sequence fit(Sequence s) {
        seen++;
        int n = s.tokens().length;
        if (n <= T) return s;
        truncated++;
        int cut = n - T, p = s.lossStart();
        if (cut < p - 1) {   // drop the prompt's end but its last token, keep every target
            int[] t = new int[T];
            System.arraycopy(s.tokens(), 0, t, 0, p - 1 - cut);
            System.arraycopy(s.tokens(), p - 1, t, p - 1 - cut, n - p + 1);
            return new Sequence(t, p - cut);
        }
        return new Sequence(Arrays.copyOf(s.tokens(), T), Math.min(p, T));
    }
}
