package dev.flan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.tensor.Tensor;
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
 * on the CPU.
 * <p>
 * A step reads nothing back from the device (so on a GPU the host never waits for it): each micro-batch adds its
 * summed per-token loss into the step's slot of a small device buffer ({@link CausalLm#forwardBackward(Batch, float,
 * Tensor)}), the squared gradient norm goes into the same slot and clipping scales the gradients by a factor computed
 * on the device ({@link AdamW#clipGradNorm(CausalLm, double, Tensor, Tensor)}). The buffer, one slot per step, is read
 * back every {@link TrainConfig#logEvery()} steps, before every checkpoint and at the end; each readback writes every
 * step's {@code metrics.jsonl} row (step, loss, lr, grad_norm, tokens_per_s, elapsed_s, as the step measured them)
 * and tells the progress display about each step. Both optimizers update on the device ({@link Backend#adamW},
 * {@link Backend#adafactor}).
 * The loss reported is the mean over the step's target tokens, in both {@link TrainConfig.LossNorm} modes: document
 * weights shape the gradient, not the reported loss.
 * <p>
 * A NaN or infinite loss or gradient norm stops the run with {@link TrainingDivergedException} at the readback that
 * sees it, naming the first such step; the rows of the steps before it are written. Since a readback precedes every
 * checkpoint, no checkpoint holds weights from after that step, and the last one written stays the last good state.
 * The model in memory may have taken up to {@code logEvery - 1} further (non-finite) steps by then.
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
            Log log = new Log(metricsFile);
            long tokens = 0;
            long t0 = System.nanoTime();
            try (BufferedWriter metrics = openMetrics(metricsFile);
                 TrainProgress bar = startProgress(start);
                 StepStats stats = new StepStats(model.backend(), cfg.logEvery())) {
                for (int step = start; step < cfg.steps(); step++) {
                    double lr = sched.at(step);
                    model.zeroGrad();
                    Batch[] micro = new Batch[cfg.gradAccum()];
                    int targets = 0;
                    for (int i = 0; i < micro.length; i++) {
                        micro[i] = packer.next(source);
                        targets += micro[i].targetCount();
                    }
                    // The loss sum and the squared gradient norm go into this step's slot on the device; clipping
                    // happens there too, so nothing waits for the device until the readback below.
                    int slot = log.pending.size();
                    for (Batch b : micro) {
                        if (b.targetCount() == 0) continue;
                        model.forwardBackward(b, 1f / targets, stats.lossSum(slot));
                    }
                    AdamW.clipGradNorm(model, cfg.gradClip(), stats.normSq(slot), stats.factor);
                    opt.step((float) lr);
                    tokens += (long) micro.length * cfg.batchRows() * cfg.seqLen();
                    log.pending.add(new Pending(step, lr, targets, tokens, (System.nanoTime() - t0) / 1e9));
                    boolean lastStep = step + 1 == cfg.steps();
                    boolean checkpoint = lastStep || (cfg.checkpointEvery() > 0 && (step + 1) % cfg.checkpointEvery() == 0);
                    // Read back before every save, so no checkpoint ever holds weights from after a non-finite step.
                    if (checkpoint || log.pending.size() == cfg.logEvery()) log.readBack(stats, metrics, bar, last);
                    if (checkpoint) last = save(model, opt, packer.consumed(source), step + 1);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double loss = log.losses.isEmpty() ? Double.NaN : log.losses.get(log.losses.size() - 1);
            return new Result(cfg.steps(), loss, tokens / Math.max(secs, 1e-9), secs, log.losses, last, start);
        }
    }

    /** A step whose loss and gradient norm are still on the device: what its metrics row needs besides them. */
    private record Pending(int step, double lr, int targets, long tokens, double secs) {}

    /**
     * The device side of the steps since the last readback: slot i of {@code buf} holds step i's loss sum and squared
     * gradient norm ([logEvery, 2], zero at the start of each window), {@code factor} the clip factor's scratch.
     */
    private static final class StepStats implements AutoCloseable {
        final Backend be;
        final Tensor buf, factor;

        StepStats(Backend be, int slots) {
            this.be = be;
            this.buf = be.zeros(slots, 2);
            this.factor = be.zeros(1);
        }

        Tensor lossSum(int slot) { return buf.view(2L * slot, 1); }

        Tensor normSq(int slot) { return buf.view(2L * slot + 1, 1); }

        /** The first {@code n} slots, read back (one synchronization), then every slot zeroed for the next window. */
        float[] readAndReset(int n) {
            float[] r = be.toArray(buf.view(0, 2 * n));
            be.fill(buf, 0f);
            return r;
        }

        @Override
        public void close() {
            buf.close();
            factor.close();
        }
    }

    /** The host side of the metrics: the steps not yet read back, and the losses of those that were. */
    private final class Log {
        final Path file;
        final List<Pending> pending = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();

        Log(Path file) { this.file = file; }

        /**
         * Reads the pending steps' loss sums and norms back and, step by step in order, checks them, writes the
         * step's metrics row and tells the progress display; the first non-finite step stops the run (the rows of
         * the steps before it are written), naming {@code last} as the last good checkpoint.
         */
        void readBack(StepStats stats, BufferedWriter metrics, TrainProgress bar, Path last) throws IOException {
            float[] r = stats.readAndReset(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                double loss = p.targets() == 0 ? 0 : r[2 * i] / (double) p.targets();
                double norm = Math.sqrt(r[2 * i + 1]);
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    throw new TrainingDivergedException(p.step(), "training diverged at step " + p.step() + ": loss "
                            + loss + ", gradient norm " + norm + " (lr " + p.lr() + "). The last good checkpoint is "
                            + (last == null ? "none (none was written yet)" : last)
                            + "; lower the learning rate or raise warmup and resume from it.");
                }
                losses.add(loss);
                double rate = p.tokens() / Math.max(p.secs(), 1e-9);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", p.step() + 1);
                row.put("loss", loss);
                row.put("lr", p.lr());
                row.put("grad_norm", norm);
                row.put("tokens_per_s", rate);
                row.put("elapsed_s", p.secs());
                try {
                    metrics.write(JSON.writeValueAsString(row));
                    metrics.newLine();
                    metrics.flush();
                } catch (IOException e) {
                    throw AtomicFiles.named("writing " + file, e);
                }
                bar.step(p.step() + 1, loss, rate);
            }
            pending.clear();
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
