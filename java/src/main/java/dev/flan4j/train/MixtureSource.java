package dev.flan4j.train;

import dev.flan4j.data.Instance;
import dev.flan4j.data.Mixture;
import java.util.Iterator;

/**
 * Instruction-tuning data: a FLAN mixture's endless instance stream, encoded by a {@link PromptEncoder}. Sequences
 * longer than the length limit are cut as FLAN does ({@link PromptFit#sequence}: the end of the input goes, OPTIONS
 * lists stay), and {@link #truncation()} counts them per dataset. The limit is the one given, or the packer's row
 * length ({@link #fitTo}).
 */
public final class MixtureSource implements DataSource {
    private final Iterator<Instance> it;
    private final PromptEncoder enc;
    private final boolean lossOnTargetsOnly;
    private final Truncation truncation = new Truncation();
    private int maxTokens;
    private long position;

    /** A source whose length limit is set by the packer that consumes it. */
    public MixtureSource(Mixture mixture, PromptEncoder enc, boolean lossOnTargetsOnly, long seed) {
        this(mixture, enc, lossOnTargetsOnly, seed, Integer.MAX_VALUE);
    }

    /** A source whose sequences are at most {@code maxTokens} long. */
    public MixtureSource(Mixture mixture, PromptEncoder enc, boolean lossOnTargetsOnly, long seed, int maxTokens) {
        if (maxTokens < 2) throw new IllegalArgumentException("maxTokens must be >= 2, got " + maxTokens);
        this.it = mixture.iterator(seed);
        this.enc = enc;
        this.lossOnTargetsOnly = lossOnTargetsOnly;
        this.maxTokens = maxTokens;
    }

    @Override
    public Sequence next() {
        position++;
        Instance inst = it.next();
        PromptFit.FittedSequence f = PromptFit.sequence(enc, inst, lossOnTargetsOnly, maxTokens);
        truncation.record(inst.task(), f.dropped());
        return f.sequence();
    }

    /** Skips without encoding (the skipped sequences are not counted in {@link #truncation()}). */
    @Override
    public void skip(long n) {
        for (long i = 0; i < n; i++) it.next();
        position += n;
    }

    @Override
    public void fitTo(int maxTokens) {
        if (maxTokens < 2) throw new IllegalArgumentException("maxTokens must be >= 2, got " + maxTokens);
        this.maxTokens = Math.min(this.maxTokens, maxTokens);
    }

    @Override
    public long position() { return position; }

    /** Sequences handed out so far and how many were cut, per dataset. */
    public Truncation truncation() { return truncation; }
}
