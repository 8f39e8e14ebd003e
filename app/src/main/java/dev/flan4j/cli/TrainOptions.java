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
    @Option(names = "--loss-norm", paramLabel = "HOW", description = "token (every target token weighs the same; "
            + "the default) or sequence (every sequence weighs the same, whatever its target length).") String lossNorm;
    @Option(names = "--log-every", paramLabel = "N", description = "Steps between readbacks of the loss and the "
            + "gradient norm, which stay on the device in between (every step still gets its metrics.jsonl row; "
            + "default 10).") Integer logEvery;
    @Option(names = "--no-progress", description = "No progress bar.") boolean noProgress;

    /** The stage's defaults {@code c} with the options given on the command line applied. */
    TrainConfig apply(TrainConfig c) {
        TrainConfig.Builder b = c.toBuilder();
        if (steps != null) b.steps(steps);
        if (batch != null) b.batchRows(batch);
        if (seqLen != null) b.seqLen(seqLen);
        if (gradAccum != null) b.gradAccum(gradAccum);
        if (lr != null) b.lr(lr);
        if (warmup != null) b.warmup(warmup);
        if (schedule != null) b.schedule(Schedule.Kind.parse(schedule));
        if (optimizer != null) b.optimizer(optimizer);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (gradClip != null) b.gradClip(gradClip);
        if (seed != null) b.seed(seed);
        if (lossNorm != null) b.lossNorm(TrainConfig.LossNorm.parse(lossNorm));
        if (logEvery != null) b.logEvery(logEvery);
        if (every != null || keep != null) b.checkpoints(every != null ? every : c.checkpointEvery(), keep != null ? keep : c.keepCheckpoints());
        return b.build();
    }
}
