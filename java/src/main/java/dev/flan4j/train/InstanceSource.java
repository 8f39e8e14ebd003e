package dev.flan4j.train;

import dev.flan4j.data.Instance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Training data from a fixed list of instances (e.g. a Flan Collection file), reshuffled every epoch. */
public final class InstanceSource implements DataSource {
    private final List<Instance> instances;
    private final PromptEncoder enc;
    private final boolean lossOnTargetsOnly;
    private final long seed;
    private List<Instance> order = List.of();
    private int epoch = -1, next;
    private long position;

    public InstanceSource(List<Instance> instances, PromptEncoder enc, boolean lossOnTargetsOnly, long seed) {
        if (instances.isEmpty()) throw new IllegalArgumentException("no instances to train on");
        this.instances = List.copyOf(instances);
        this.enc = enc;
        this.lossOnTargetsOnly = lossOnTargetsOnly;
        this.seed = seed;
    }

    @Override
    public Sequence next() {
        if (next >= order.size()) {
            epoch++;
            List<Instance> o = new ArrayList<>(instances);
            Collections.shuffle(o, new Random(seed * 1_000_003L + epoch));
            order = o;
            next = 0;
        }
        position++;
        return enc.sequence(order.get(next++), lossOnTargetsOnly);
    }

    @Override
    public long position() { return position; }
}
