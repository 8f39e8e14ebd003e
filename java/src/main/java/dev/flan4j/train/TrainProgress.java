package dev.flan4j.train;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Trainer} tells about a run while it trains. The library's default logs about ten lines per run
 * through SLF4J ({@link #log()}); the command line draws a progress bar; {@link #NONE} says nothing.
 * A trainer calls {@link #start} once per run, {@link #step} once for every optimizer step, in order, when the step's
 * loss has been read back from the device (every {@link TrainConfig#logEvery()} steps, before a checkpoint, at the end),
 * and {@link #close} at the end of the run (also when it fails).
 */
public interface TrainProgress extends AutoCloseable {
    /** Says nothing. */
    TrainProgress NONE = new TrainProgress() {
        @Override public void start(int startStep, int steps) {}
        @Override public void step(int step, double loss, double tokensPerSecond) {}
    };

    /**
     * A run begins.
     *
     * @param startStep steps already done (a resumed run), 0 for a new one
     * @param steps     the steps the run ends at
     */
    void start(int startStep, int steps);

    /**
     * Step {@code step} (1-based: steps done so far) has finished and its loss has been read back.
     *
     * @param loss            its training loss
     * @param tokensPerSecond the run's rate so far (tokens of the packed batches per second)
     */
    void step(int step, double loss, double tokensPerSecond);

    /** The run has ended. */
    @Override
    default void close() {}

    /** Logs (SLF4J, INFO, logger {@code dev.flan4j.train.Trainer}) every tenth of the run and its last step. */
    static TrainProgress log() {
        Logger log = LoggerFactory.getLogger(Trainer.class);
        return new TrainProgress() {
            private int steps, every;

            @Override
            public void start(int startStep, int steps) {
                this.steps = steps;
                this.every = Math.max(1, steps / 10);
                if (startStep > 0) log.info("train: resuming at step {} of {}", startStep, steps);
            }

            @Override
            public void step(int step, double loss, double tokensPerSecond) {
                if (step % every == 0 || step == steps) {
                    log.info(String.format(Locale.ROOT, "train: step %d/%d loss %.4f | %.0f tok/s", step, steps, loss,
                            tokensPerSecond));
                }
            }
        };
    }
}
