package dev.flan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model on a {@link DataSource}: packed batches, gradient accumulation, clipping, AdamW or Adafactor,
 * warmup + cosine/constant schedule. Writes {@code metrics.jsonl} and checkpoints under {@code runDir}; a run
 * started on a folder that already holds checkpoints resumes from the newest one and continues bit-identically
 * on the CPU. A NaN or infinite loss stops the run with {@link TrainingDivergedException}; the last checkpoint
 * written stays the last good state.
 * <p>
 * A run folder is locked ({@link RunLock}) while a trainer uses it. On start, temp folders of interrupted checkpoint
 * writes are removed, checkpoints are pruned to {@code keepCheckpoints}, and {@code metrics.jsonl} is cut back to the
 * resumed step, so every step appears in it once however often the run was interrupted.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainConfig cfg;
    private final Path runDir;
    private TrainProgress progress = TrainProgress.log();

    /** The outcome of a run. */
    public record Result(int steps, double finalLoss, double tokensPerSecond, double seconds, List<Double> losses,
                         Path lastCheckpoint, int startStep) {
        /** Whether the folder's newest checkpoint had already reached the requested steps (nothing was trained). */
        public boolean alreadyFinished() { return losses.isEmpty() && startStep > 0; }

        /** One line for the user: final loss and speed, or that the run had already finished. */
        public String summary() {
            if (alreadyFinished()) {
                return String.format(Locale.ROOT, "already finished at step %d%s; checkpoint %s", startStep,
                        startStep > steps ? " (more than the " + steps + " steps asked for)" : "", lastCheckpoint);
            }
            return String.format(Locale.ROOT, "final loss %.4f, %.0f tokens/s, checkpoint %s", finalLoss, tokensPerSecond,
                    lastCheckpoint);
        }
    }

    public Trainer(TrainConfig cfg, Path runDir) {
        if (cfg == null) throw new IllegalArgumentException("train config is null");
        if (runDir == null) throw new IllegalArgumentException("run folder is null");
        this.cfg = cfg;
        this.runDir = runDir;
    }

    /** Turns the progress display off (tests, nested runs). */
    public Trainer quiet() {
        return progress(TrainProgress.NONE);
    }

    /** Where the run's progress goes; {@link TrainProgress#log()} unless set. */
    public Trainer progress(TrainProgress progress) {
        if (progress == null) throw new IllegalArgumentException("progress is null (use TrainProgress.NONE for none)");
        this.progress = progress;
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
    public Result train(CausalLm model, DataSource source, int padToken) throws IOException {
        if (cfg.seqLen() > model.config().blockSize()) {
            throw new IllegalArgumentException("seqLen " + cfg.seqLen() + " exceeds the model's block size "
                    + model.config().blockSize());
        }
        try (RunLock lock = RunLock.acquire(runDir)) {
            recover();
            return trainLocked(model, source, padToken);
        }
    }

    private Result trainLocked(CausalLm model, DataSource source, int padToken) throws IOException {
        Packer packer = new Packer(cfg.batchRows(), cfg.seqLen(), padToken, cfg.lossNorm());
        Path metricsFile = runDir.resolve("metrics.jsonl");
        try (Optimizer opt = cfg.optimizer().equals("adafactor")
                ? new Adafactor(model, (float) cfg.weightDecay())
                : new AdamW(model, 0.9f, 0.95f, 1e-8f, (float) cfg.weightDecay())) {
            int start = resume(model, opt, source);
            double lastLoss = truncateMetrics(metricsFile, start);
            Path last = latestCheckpoint().orElse(null);
            if (start > 0 && start >= cfg.steps()) {
                LOG.info("{} already finished at step {}", runDir, start);
                return new Result(cfg.steps(), lastLoss, 0, 0, List.of(), last, start);
            }
            Schedule sched = cfg.lrSchedule();
            List<Double> losses = new ArrayList<>();
            long tokens = 0;
            long t0 = System.nanoTime();
            double loss = Double.NaN;
            try (BufferedWriter metrics = openMetrics(metricsFile);
                 TrainProgress bar = startProgress(start)) {
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
                    try {
                        metrics.write(JSON.writeValueAsString(row));
                        metrics.newLine();
                        metrics.flush();
                    } catch (IOException e) {
                        throw AtomicFiles.named("writing " + metricsFile, e);
                    }
                    bar.step(step + 1, loss, tokens / Math.max(secs, 1e-9));
                    boolean lastStep = step + 1 == cfg.steps();
                    if (lastStep || (cfg.checkpointEvery() > 0 && (step + 1) % cfg.checkpointEvery() == 0)) {
                        last = save(model, opt, packer.consumed(source), step + 1);
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Result(cfg.steps(), loss, tokens / Math.max(secs, 1e-9), secs, losses, last, start);
        }
    }

    private static BufferedWriter openMetrics(Path file) throws IOException {
        try {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw AtomicFiles.named("cannot open " + file, e);
        }
    }

    /**
     * Cuts {@code metrics.jsonl} back to the rows of steps up to {@code step} (a resumed run writes the later ones
     * again; a line cut short by a kill is dropped). Returns the loss of the last row kept, or NaN.
     */
    private static double truncateMetrics(Path file, int step) throws IOException {
        if (!Files.exists(file)) return Double.NaN;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AtomicFiles.named("reading " + file, e);
        }
        StringBuilder kept = new StringBuilder();
        double lastLoss = Double.NaN;
        int n = 0;
        for (String line : lines) {
            Map<?, ?> row;
            try {
                row = JSON.readValue(line, Map.class);
            } catch (IOException e) {
                continue;   // a line cut short by a kill
            }
            if (row.get("step") instanceof Number s && s.intValue() <= step) {
                kept.append(line).append('\n');
                if (row.get("loss") instanceof Number l) lastLoss = l.doubleValue();
                n++;
            }
        }
        if (n != lines.size()) AtomicFiles.writeString(file, kept.toString());
        return lastLoss;
    }

    /**
     * Removes what interrupted writes left in the run folder (temp checkpoint folders, temp files), puts back a
     * checkpoint that a crash left only under its {@code .old} name, and prunes to {@code keepCheckpoints}.
     */
    private void recover() throws IOException {
        int removed = 0;
        removed += removeTemps(runDir);
        Path dir = checkpointDir();
        if (Files.isDirectory(dir)) {
            List<Path> temps;
            try (Stream<Path> s = Files.list(dir)) {
                temps = s.filter(AtomicFiles::isTemp).sorted().toList();
            }
            for (Path t : temps) {
                java.util.regex.Matcher m = OLD.matcher(t.getFileName().toString());
                if (m.matches() && !Files.exists(dir.resolve(m.group(1)))) {
                    AtomicFiles.move(t, dir.resolve(m.group(1)));
                    LOG.info("restored checkpoint {} from {} (a save was interrupted)", dir.resolve(m.group(1)), t);
                } else {
                    AtomicFiles.deleteTree(t);
                    removed++;
                }
            }
            AtomicFiles.syncDir(dir);
            prune();
        }
        if (removed > 0) LOG.info("removed {} temp file(s) of interrupted writes from {}", removed, runDir);
    }

    private static final java.util.regex.Pattern OLD = java.util.regex.Pattern.compile("\\.(step-\\d{8})\\.old");

    private static int removeTemps(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        List<Path> temps;
        try (Stream<Path> s = Files.list(dir)) {
            temps = s.filter(p -> AtomicFiles.isTemp(p) && p.getFileName().toString().endsWith(".tmp")).toList();
        }
        for (Path t : temps) Files.deleteIfExists(t);
        return temps.size();
    }

    private TrainProgress startProgress(int start) {
        progress.start(start, cfg.steps());
        return progress;
    }

    private int resume(CausalLm model, Optimizer opt, DataSource source) throws IOException {
        Optional<Path> ckpt = latestCheckpoint();
        if (ckpt.isEmpty()) return 0;
        Checkpoint.Loaded l = Checkpoint.load(ckpt.get(), model.backend());
        try (CausalLm saved = l.model()) {
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

    private Path save(CausalLm model, Optimizer opt, long consumed, int step) throws IOException {
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
            // Renamed first, so a kill during the deletion leaves a temp folder (removed on the next start), never a
            // half-deleted checkpoint under a checkpoint's name.
            Path doomed = all.get(i).resolveSibling("." + all.get(i).getFileName() + ".pruned");
            AtomicFiles.deleteTree(doomed);
            AtomicFiles.move(all.get(i), doomed);
            AtomicFiles.deleteTree(doomed);
        }
    }
}
