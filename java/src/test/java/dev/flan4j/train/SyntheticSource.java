package dev.flan4j.train;

import java.util.SplittableRandom;

/**
 * Deterministic test data: "copy" documents (a random prompt, a separator, then the prompt again as the target), so
 * a model can learn them and loss on targets only is meaningful. Can be told to crash at a position.
 */
final class SyntheticSource implements DataSource {
    static final int SEP = 1, PAD = 0;
    private final SplittableRandom rng;
    private final int vocab;
    private final long crashAt;
    private long pos;

    SyntheticSource(long seed, int vocab, long crashAt) {
        this.rng = new SplittableRandom(seed);
        this.vocab = vocab;
        this.crashAt = crashAt;
    }

    @Override
    public Sequence next() {
        if (pos == crashAt) throw new IllegalStateException("simulated crash at sequence " + pos);
        pos++;
        int n = 3 + rng.nextInt(4);
        int[] t = new int[2 * n + 1];
        for (int i = 0; i < n; i++) t[i] = 2 + rng.nextInt(vocab - 2);
        t[n] = SEP;
        System.arraycopy(t, 0, t, n + 1, n);
        return new Sequence(t, n + 1);
    }

    @Override
    public long position() { return pos; }
}
