package dev.flan4j.train;

import java.util.Locale;

/**
 * Everything a training run needs besides model and data. Build with {@link #defaults()} and the {@code with...}
 * methods; the constructor validates every field.
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
 */
public record TrainConfig(int steps, int batchRows, int seqLen, int gradAccum, double lr, int warmup,
                          Schedule.Kind schedule, double minLrFraction, String optimizer, double weightDecay,
                          double gradClip, long seed, int checkpointEvery, int keepCheckpoints) {

    public TrainConfig {
        positive("steps", steps);
        positive("batchRows", batchRows);
        positive("gradAccum", gradAccum);
        if (seqLen < 2) throw new IllegalArgumentException("seqLen must be >= 2, got " + seqLen);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        if (schedule == null) throw new IllegalArgumentException("schedule is null");
        optimizer = optimizer == null ? "" : optimizer.toLowerCase(Locale.ROOT);
        if (!optimizer.equals("adamw") && !optimizer.equals("adafactor")) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; use adamw or adafactor");
        }
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (!(gradClip >= 0)) throw new IllegalArgumentException("gradClip must be >= 0, got " + gradClip);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery must be >= 0, got " + checkpointEvery);
        positive("keepCheckpoints", keepCheckpoints);
    }

    private static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }

    /** 1000 steps of 8 x 256 tokens, AdamW 1e-3, 50 warmup, cosine to 10%, clip 1.0, weight decay 0.1. */
    public static TrainConfig defaults() {
        return new TrainConfig(1000, 8, 256, 1, 1e-3, 50, Schedule.Kind.COSINE, 0.1, "adamw", 0.1, 1.0, 1234, 0, 2);
    }

    public TrainConfig withSteps(int v) { return new TrainConfig(v, batchRows, seqLen, gradAccum, lr, warmup, schedule, minLrFraction, optimizer, weightDecay, gradClip, seed, checkpointEvery, keepCheckpoints); }
    public TrainConfig withBatch(int rows, int len) { return new TrainConfig(steps, rows, len, gradAccum, lr, warmup, schedule, minLrFraction, optimizer, weightDecay, gradClip, seed, checkpointEvery, keepCheckpoints); }
    public TrainConfig withGradAccum(int v) { return new TrainConfig(steps, batchRows, seqLen, v, lr, warmup, schedule, minLrFraction, optimizer, weightDecay, gradClip, seed, checkpointEvery, keepCheckpoints); }
    public TrainConfig withLr(double v, int warm, Schedule.Kind kind) { return new TrainConfig(steps, batchRows, seqLen, gradAccum, v, warm, kind, minLrFraction, optimizer, weightDecay, gradClip, seed, checkpointEvery, keepCheckpoints); }
    public TrainConfig withOptimizer(String name, double wd) { return new TrainConfig(steps, batchRows, seqLen, gradAccum, lr, warmup, schedule, minLrFraction, name, wd, gradClip, seed, checkpointEvery, keepCheckpoints); }
    public TrainConfig withGradClip(double v) { return new TrainConfig(steps, batchRows, seqLen, gradAccum, lr, warmup, schedule, minLrFraction, optimizer, weightDecay, v, seed, checkpointEvery, keepCheckpoints); }
    public TrainConfig withSeed(long v) { return new TrainConfig(steps, batchRows, seqLen, gradAccum, lr, warmup, schedule, minLrFraction, optimizer, weightDecay, gradClip, v, checkpointEvery, keepCheckpoints); }
    public TrainConfig withCheckpoints(int every, int keep) { return new TrainConfig(steps, batchRows, seqLen, gradAccum, lr, warmup, schedule, minLrFraction, optimizer, weightDecay, gradClip, seed, every, keep); }

    /** The learning-rate schedule these settings describe. */
    public Schedule lrSchedule() { return new Schedule(schedule, lr, warmup, steps, minLrFraction); }
}
