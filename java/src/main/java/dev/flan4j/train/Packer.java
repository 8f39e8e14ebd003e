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
 */
public final class Packer {
    private final int B, T, padToken;
    private Sequence pending;   // pulled from the source but did not fit in the last row
    private long seen, truncated;

    public Packer(int B, int T, int padToken) {
        if (B <= 0) throw new IllegalArgumentException("batch rows B must be > 0, got " + B);
        if (T < 2) throw new IllegalArgumentException("sequence length T must be >= 2, got " + T);
        this.B = B;
        this.T = T;
        this.padToken = padToken;
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
        List<Integer> cu = new ArrayList<>();
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
                int off = base + used;
                for (int i = 0; i < n; i++) {
                    tok[off + i] = s.tokens()[i];
                    pos[off + i] = i;
                    if (i + 1 < n && i + 1 >= s.lossStart()) tgt[off + i] = s.tokens()[i + 1];
                }
                used += n;
                cu.add(base + used);
                if (used == T) break;
            }
            if (used < T) {   // one padding document fills the rest of the row
                for (int i = used; i < T; i++) {
                    tok[base + i] = padToken;
                    pos[base + i] = i - used;
                }
                cu.add(base + T);
            }
        }
        return new Batch(tok, tgt, pos, cu.stream().mapToInt(Integer::intValue).toArray());
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
