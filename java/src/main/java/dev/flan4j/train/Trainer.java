package dev.flan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.model.Batch;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.Gpt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model on a {@link DataSource}: packed batches, gradient accumulation, clipping, AdamW or Adafactor,
 * warmup + cosine/constant schedule. Writes {@code metrics.jsonl} and checkpoints under {@code runDir}; a run
 * started on a folder that already holds checkpoints resumes from the newest one and continues bit-identically
 * on the CPU. A NaN or infinite loss stops the run with {@link TrainingDivergedException}; the last checkpoint
 * written stays the last good state.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainConfig cfg;
    private final Path runDir;
    private boolean progress = true;

    /** The outcome of a run. */
    public record Result(int steps, double finalLoss, double tokensPerSecond, double seconds, List<Double> losses,
                         Path lastCheckpoint) {}

    public Trainer(TrainConfig cfg, Path runDir) {
        if (cfg == null) throw new IllegalArgumentException("train config is null");
        if (runDir == null) throw new IllegalArgumentException("run folder is null");
        this.cfg = cfg;
        this.runDir = runDir;
    }

    /** Turns the progress display off (tests, nested runs). */
    public Trainer quiet() {
        this.progress = false;
        return this;
    }

    public Path checkpointDir() { return runDir.resolve("checkpoints"); }

    /** The newest complete checkpoint under {@code runDir/checkpoints}, if any. */
    public Optional<Path> latestCheckpoint() throws IOException {
        return latestCheckpoint(runDir);
    }

    /** The newest complete checkpoint ({@code checkpoints/step-NNNNNNNN}) of a run folder, if any. */
    public static Optional<Path> latestCheckpoint(Path runDir) throws IOException {
        Path dir = runDir.resolve("checkpoints");
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{8}") && Files.isDirectory(p))
                    .max(Path::compareTo);
        }
    }

    /**
     * Trains {@code model} (whose parameters are the starting point unless a checkpoint is resumed) on
     * {@code source}, packing with {@code padToken}.
     */
    public Result train(Gpt model, DataSource source, int padToken) throws IOException {
        Files.createDirectories(runDir);
        Packer packer = new Packer(cfg.batchRows(), cfg.seqLen(), padToken);
        if (cfg.seqLen() > model.config().blockSize()) {
            throw new IllegalArgumentException("seqLen " + cfg.seqLen() + " exceeds the model's block size "
                    + model.config().blockSize());
        }
        try (Optimizer opt = cfg.optimizer().equals("adafactor")
                ? new Adafactor(model, (float) cfg.weightDecay())
                : new AdamW(model, 0.9f, 0.95f, 1e-8f, (float) cfg.weightDecay())) {
            int start = resume(model, opt, source);
            Schedule sched = cfg.lrSchedule();
            List<Double> losses = new ArrayList<>();
            long tokens = 0;
            long t0 = System.nanoTime();
            Path last = latestCheckpoint().orElse(null);
            double loss = Double.NaN;
            try (BufferedWriter metrics = Files.newBufferedWriter(runDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                 ProgressBar bar = progressBar(start)) {
                for (int step = start; step < cfg.steps(); step++) {
                    double lr = sched.at(step);
                    model.zeroGrad();
                    Batch[] micro = new Batch[cfg.gradAccum()];
                    int targets = 0;
                    for (int i = 0; i < micro.length; i++) {
                        micro[i] = packer.next(source);
                        targets += micro[i].targetCount();
                    }
                    double lossSum = 0;
                    for (Batch b : micro) {
                        if (b.targetCount() == 0) continue;
                        lossSum += model.forwardBackward(b, 1f / targets) * b.targetCount();
                    }
                    loss = targets == 0 ? 0 : lossSum / targets;
                    double norm = AdamW.clipGradNorm(model, cfg.gradClip());
                    if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                        throw new TrainingDivergedException(step, "training diverged at step " + step + ": loss " + loss
                                + ", gradient norm " + norm + " (lr " + lr + "). The last good checkpoint is "
                                + (last == null ? "none (none was written yet)" : last)
                                + "; lower the learning rate or raise warmup and resume from it.");
                    }
                    opt.step((float) lr);
                    losses.add(loss);
                    tokens += (long) micro.length * cfg.batchRows() * cfg.seqLen();
                    double secs = (System.nanoTime() - t0) / 1e9;
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", step + 1);
                    row.put("loss", loss);
                    row.put("lr", lr);
                    row.put("grad_norm", norm);
                    row.put("tokens_per_s", tokens / Math.max(secs, 1e-9));
                    row.put("elapsed_s", secs);
                    metrics.write(JSON.writeValueAsString(row));
                    metrics.newLine();
                    metrics.flush();
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(" loss %.4f | %.0f tok/s", loss, tokens / Math.max(secs, 1e-9)));
                    }
                    boolean lastStep = step + 1 == cfg.steps();
                    if (lastStep || (cfg.checkpointEvery() > 0 && (step + 1) % cfg.checkpointEvery() == 0)) {
                        last = save(model, opt, packer.consumed(source), step + 1);
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Result(cfg.steps(), loss, tokens / Math.max(secs, 1e-9), secs, losses, last);
        }
    }

    private ProgressBar progressBar(int start) {
        if (!progress) return null;
        return new ProgressBarBuilder().setTaskName("train").setInitialMax(cfg.steps()).startsFrom(start, java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed().build();
    }

    private int resume(Gpt model, Optimizer opt, DataSource source) throws IOException {
        Optional<Path> ckpt = latestCheckpoint();
        if (ckpt.isEmpty()) return 0;
        Checkpoint.Loaded l = Checkpoint.load(ckpt.get(), model.backend());
        try (Gpt saved = l.model()) {
            if (!saved.config().equals(model.config())) {
                throw new IllegalStateException("checkpoint " + ckpt.get() + " holds a model " + saved.config()
                        + ", this run trains " + model.config());
            }
            model.loadParameters(saved.backend().toArray(saved.parameterData()));
        }
        Map<String, Object> st = l.state();
        Object step = st.get("step"), consumed = st.get("consumed");
        if (!(step instanceof Number) || !(consumed instanceof Number)) {
            throw new IOException("checkpoint " + ckpt.get() + " has no trainer state (step, consumed)");
        }
        Object savedOpt = st.get("optimizer");
        if (!cfg.optimizer().equals(savedOpt)) {
            throw new IllegalStateException("checkpoint " + ckpt.get() + " was trained with " + savedOpt + ", this run uses " + cfg.optimizer());
        }
        opt.load(l.optimizer(), ((Number) step).intValue());
        if (source.position() != 0) throw new IllegalStateException("resume needs a fresh data source");
        source.skip(((Number) consumed).longValue());
        LOG.info("resumed from {} at step {}", ckpt.get(), step);
        return ((Number) step).intValue();
    }

    private Path save(Gpt model, Optimizer opt, long consumed, int step) throws IOException {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("step", step);
        st.put("consumed", consumed);
        st.put("optimizer", cfg.optimizer());
        st.put("train_config", cfg.toString());
        Path dir = checkpointDir().resolve(String.format("step-%08d", step));
        Checkpoint.save(dir, model, opt.state(), st);
        prune();
        return dir;
    }

    private void prune() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(checkpointDir())) {
            all = s.filter(p -> p.getFileName().toString().matches("step-\\d{8}")).sorted().toList();
        }
        for (int i = 0; i < all.size() - cfg.keepCheckpoints(); i++) {
            AtomicFiles.deleteTree(all.get(i));
        }
    }
}
