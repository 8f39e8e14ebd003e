package dev.flan4j.eval;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long scoring run as plain lines (no terminal control codes, so logs stay readable):
 * {@code eval: 120/600 examples scored (20%), 8.1/s, ETA 59s}, at most one line per interval and always the last.
 */
public final class ProgressLine implements Evaluator.Progress {
    private final String task;
    private final PrintWriter out;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long start;
    private long lastPrint = Long.MIN_VALUE;

    ProgressLine(String task, PrintWriter out, long intervalNanos, LongSupplier clock) {
        this.task = task;
        this.out = out;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** Lines on stderr, every 5 seconds at most. */
    public static ProgressLine toStderr(String task) {
        return to(new PrintWriter(System.err, true), task);
    }

    /** Lines on {@code out}, every 5 seconds at most. */
    public static ProgressLine to(PrintWriter out, String task) {
        return new ProgressLine(task, out, 5_000_000_000L, System::nanoTime);
    }

    @Override
    public void scored(long done, long total) {
        long now = clock.getAsLong();
        if (done < total && lastPrint != Long.MIN_VALUE && now - lastPrint < intervalNanos) return;
        lastPrint = now;
        out.println(line(done, total, (now - start) / 1e9));
        out.flush();
    }

    /** The progress line after {@code seconds}. */
    String line(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = done >= total ? "done in " + duration(seconds)
                : rate > 0 ? "ETA " + duration((total - done) / rate) : "ETA unknown";
        return String.format(Locale.ROOT, "%s: %d/%d examples scored (%.0f%%), %.1f/s, %s", task, done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
