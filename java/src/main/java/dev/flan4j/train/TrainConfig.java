package dev.flan4j.train;

import java.util.Locale;

/**
 * Everything a training run needs besides model and data. Build with {@link #builder()} (the defaults below) or
 * {@link #toBuilder()} (a copy to change); the constructor validates every field. A new field is one record component,
 * one builder line and one argument in {@link Builder#build()}.
 *
 * @param steps           optimizer steps
 * @param batchRows       rows B per micro-batch
 * @param seqLen          tokens T per row
 * @param gradAccum       micro-batches per optimizer step
 * @param lr              peak learning rate
 * @param warmup          warmup steps
 * @param schedule        cosine or constant after warmup
 * @param minLrFraction   cosine floor as a fraction of lr
 * @param optimizer       adamw or adafactor
 * @param weightDecay     decoupled weight decay of 2-D weights
 * @param gradClip        global gradient-norm clip (0 = none)
 * @param seed            seed of model init and data order
 * @param checkpointEvery steps between checkpoints (0 = only at the end)
 * @param keepCheckpoints how many checkpoints to keep (the newest)
 * @param lossNorm        how target tokens are weighted in the loss: {@link LossNorm#TOKEN} (every target token
 *                        counts the same, FLAN's packed setup) or {@link LossNorm#SEQUENCE} (every sequence counts the
 *                        same, whatever its target length)
 * @param logEvery        steps between readbacks of the loss and the gradient norm (which stay on the device in
 *                        between): every step still gets its metrics.jsonl row, written at the readback; the trainer
 *                        also reads back before each checkpoint and at the end
 */
public record TrainConfig(int steps, int batchRows, int seqLen, int gradAccum, double lr, int warmup,
                          Schedule.Kind schedule, double minLrFraction, String optimizer, double weightDecay,
                          double gradClip, long seed, int checkpointEvery, int keepCheckpoints, LossNorm lossNorm,
                          int logEvery) {

    /**
     * Loss normalisation. TOKEN: the mean over every target token of the batch. SEQUENCE: each sequence's target tokens
     * share one unit of weight (as T5X's per-sequence averaging), so a one-token label counts as much as a
     * forty-token translation; weights are normalised per micro-batch so the mean weight per target token is 1.
     */
    public enum LossNorm { TOKEN, SEQUENCE;
        /** The setting named {@code s} (case-insensitive), or an exception naming the choices. */
        public static LossNorm parse(String s) {
            for (LossNorm n : values()) if (n.name().equalsIgnoreCase(s)) return n;
            throw new IllegalArgumentException("loss normalisation must be token or sequence, got '" + s + "'");
        }
    }

    public TrainConfig {
        positive("steps", steps);
        positive("batchRows", batchRows);
        positive("gradAccum", gradAccum);
        if (seqLen < 2) throw new IllegalArgumentException("seqLen must be >= 2, got " + seqLen);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        if (schedule == null) throw new IllegalArgumentException("schedule is null");
        if (!(minLrFraction >= 0 && minLrFraction <= 1)) {
            throw new IllegalArgumentException("minLrFraction must be in [0, 1], got " + minLrFraction);
        }
        optimizer = optimizer == null ? "" : optimizer.toLowerCase(Locale.ROOT);
        if (!optimizer.equals("adamw") && !optimizer.equals("adafactor")) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; use adamw or adafactor");
        }
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (!(gradClip >= 0)) throw new IllegalArgumentException("gradClip must be >= 0, got " + gradClip);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery must be >= 0, got " + checkpointEvery);
        positive("keepCheckpoints", keepCheckpoints);
        if (lossNorm == null) throw new IllegalArgumentException("lossNorm is null");
        if (logEvery < 1) throw new IllegalArgumentException("logEvery must be >= 1, got " + logEvery);
    }

    private static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }

    /**
     * 1000 steps of 8 x 256 tokens, AdamW 1e-3, 50 warmup, cosine to 10%, clip 1.0, weight decay 0.1, loss and norm
     * read back every 10 steps.
     */
    public static TrainConfig defaults() { return builder().build(); }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() { return new Builder(); }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return builder().steps(steps).batch(batchRows, seqLen).gradAccum(gradAccum).lr(lr).warmup(warmup)
                .schedule(schedule).minLrFraction(minLrFraction).optimizer(optimizer).weightDecay(weightDecay)
                .gradClip(gradClip).seed(seed).checkpoints(checkpointEvery, keepCheckpoints).lossNorm(lossNorm)
                .logEvery(logEvery);
    }

    /** The learning-rate schedule these settings describe. */
    public Schedule lrSchedule() { return new Schedule(schedule, lr, warmup, steps, minLrFraction); }

    /** Mutable settings; {@link #build()} validates them. Setters return the builder. */
    public static final class Builder {
        private int steps = 1000, batchRows = 8, seqLen = 256, gradAccum = 1, warmup = 50, checkpointEvery = 0, keep = 2;
        private double lr = 1e-3, minLrFraction = 0.1, weightDecay = 0.1, gradClip = 1.0;
        private Schedule.Kind schedule = Schedule.Kind.COSINE;
        private String optimizer = "adamw";
        private long seed = 1234;
        private LossNorm lossNorm = LossNorm.TOKEN;
        private int logEvery = 10;

        private Builder() {}

        public Builder steps(int v) { steps = v; return this; }
        public Builder batchRows(int v) { batchRows = v; return this; }
        public Builder seqLen(int v) { seqLen = v; return this; }
        public Builder batch(int rows, int len) { return batchRows(rows).seqLen(len); }
        public Builder gradAccum(int v) { gradAccum = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder warmup(int v) { warmup = v; return this; }
        public Builder schedule(Schedule.Kind v) { schedule = v; return this; }
        public Builder minLrFraction(double v) { minLrFraction = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder gradClip(double v) { gradClip = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder lossNorm(LossNorm v) { lossNorm = v; return this; }
        public Builder logEvery(int v) { logEvery = v; return this; }
        public Builder checkpoints(int every, int keepNewest) { checkpointEvery = every; keep = keepNewest; return this; }

        /** Learning rate, warmup and schedule together. */
        public Builder lr(double v, int warm, Schedule.Kind kind) { return lr(v).warmup(warm).schedule(kind); }

        public TrainConfig build() {
            return new TrainConfig(steps, batchRows, seqLen, gradAccum, lr, warmup, schedule, minLrFraction, optimizer,
                    weightDecay, gradClip, seed, checkpointEvery, keep, lossNorm, logEvery);
        }
    }
}
