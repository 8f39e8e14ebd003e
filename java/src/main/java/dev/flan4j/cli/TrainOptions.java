package dev.flan4j.cli;

import dev.flan4j.train.Schedule;
import dev.flan4j.train.TrainConfig;
import picocli.CommandLine.Option;

/** Training options shared by pretrain and tune; unset options keep the stage's defaults. */
final class TrainOptions {
    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps.") Integer steps;
    @Option(names = "--batch", paramLabel = "B", description = "Rows per micro-batch.") Integer batch;
    @Option(names = "--seq-len", paramLabel = "T", description = "Tokens per row (<= the model's block size).") Integer seqLen;
    @Option(names = "--grad-accum", paramLabel = "N", description = "Micro-batches per step.") Integer gradAccum;
    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate.") Double lr;
    @Option(names = "--warmup", paramLabel = "N", description = "Warmup steps.") Integer warmup;
    @Option(names = "--schedule", paramLabel = "KIND", description = "cosine or constant.") String schedule;
    @Option(names = "--optimizer", paramLabel = "NAME", description = "adamw or adafactor.") String optimizer;
    @Option(names = "--weight-decay", paramLabel = "WD") Double weightDecay;
    @Option(names = "--grad-clip", paramLabel = "NORM", description = "Global gradient-norm clip (0 = none).") Double gradClip;
    @Option(names = "--seed", paramLabel = "N") Long seed;
    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints (0 = end only).") Integer every;
    @Option(names = "--keep", paramLabel = "N", description = "Checkpoints to keep.") Integer keep;
    @Option(names = "--no-progress", description = "No progress bar.") boolean noProgress;

    TrainConfig apply(TrainConfig c) {
        if (steps != null) c = c.withSteps(steps);
        if (batch != null || seqLen != null) c = c.withBatch(batch != null ? batch : c.batchRows(), seqLen != null ? seqLen : c.seqLen());
        if (gradAccum != null) c = c.withGradAccum(gradAccum);
        if (lr != null || warmup != null || schedule != null) {
            c = c.withLr(lr != null ? lr : c.lr(), warmup != null ? warmup : c.warmup(),
                    schedule != null ? Schedule.Kind.parse(schedule) : c.schedule());
        }
        if (optimizer != null || weightDecay != null) {
            c = c.withOptimizer(optimizer != null ? optimizer : c.optimizer(), weightDecay != null ? weightDecay : c.weightDecay());
        }
        if (gradClip != null) c = c.withGradClip(gradClip);
        if (seed != null) c = c.withSeed(seed);
        if (every != null || keep != null) c = c.withCheckpoints(every != null ? every : c.checkpointEvery(), keep != null ? keep : c.keepCheckpoints());
        return c;
    }
}
