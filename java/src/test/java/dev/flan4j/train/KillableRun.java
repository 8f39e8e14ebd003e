package dev.flan4j.train;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import java.nio.file.Path;

/** A small training run in its own JVM, for {@link KillResumeTest}: {@code KillableRun RUN_DIR STEPS}. */
public final class KillableRun {
    static final GptConfig MODEL = new GptConfig(24, 32, 2, 2, 16);

    static TrainConfig config(int steps) {
        return TrainConfig.builder().steps(steps).batch(2, 32).gradAccum(2)
                .lr(3e-3, 4, Schedule.Kind.COSINE).checkpoints(1, 2).build();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        try (CpuBackend be = new CpuBackend(); Gpt m = Gpt.initialized(MODEL, be, 7)) {
            Trainer.Result r = new Trainer(config(steps), dir).quiet().train(m, new SyntheticSource(11, 24, -1), SyntheticSource.PAD);
            System.out.println(r.summary());
        }
    }
}
