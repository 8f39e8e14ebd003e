package dev.flan4j.train;

import dev.flan4j.data.Instance;
import dev.flan4j.data.Mixture;
import java.util.Iterator;

/** Instruction-tuning data: a FLAN mixture's endless instance stream, encoded by a {@link PromptEncoder}. */
public final class MixtureSource implements DataSource {
    private final Iterator<Instance> it;
    private final PromptEncoder enc;
    private final boolean lossOnTargetsOnly;
    private long position;

    public MixtureSource(Mixture mixture, PromptEncoder enc, boolean lossOnTargetsOnly, long seed) {
        this.it = mixture.iterator(seed);
        this.enc = enc;
        this.lossOnTargetsOnly = lossOnTargetsOnly;
    }

    @Override
    public Sequence next() {
        position++;
        return enc.sequence(it.next(), lossOnTargetsOnly);
    }

    @Override
    public long position() { return position; }
}
