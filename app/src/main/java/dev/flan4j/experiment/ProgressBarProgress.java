package dev.flan4j.experiment;

import dev.flan4j.train.TrainProgress;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A training run's progress as a console progress bar (ASCII, updated once a second): steps, speed, loss. */
public final class ProgressBarProgress implements TrainProgress {
    private ProgressBar bar;

    @Override
    public void start(int startStep, int steps) {
        close();
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps).startsFrom(startStep, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed().build();
    }

    @Override
    public void step(int step, double loss, double tokensPerSecond) {
        if (bar == null) return;
        bar.stepTo(step);
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f | %.0f tok/s", loss, tokensPerSecond));
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        bar = null;
    }
}
