package dev.flan4j.experiment.repro;

import dev.flan4j.model.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart figures of the experiments, written as PNG atomically. Missing values (NaN) are left out of a series. */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** One named series of a bar chart: a value per category, NaN where there is none. */
    public record Bars(String name, List<Double> values) {}

    /** One named line: x and y values (NaN points are dropped). */
    public record Line(String name, List<Double> x, List<Double> y, boolean dashed) {}

    /** A grouped bar chart. */
    public static CategoryChart bars(String title, String yLabel, List<String> categories, List<Bars> series) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(520).title(title).yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setOverlapped(false);
        c.getStyler().setLabelsVisible(false);
        c.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 20 : 0);
        for (Bars b : series) {
            List<Double> ys = new ArrayList<>();
            for (Double v : b.values()) ys.add(v == null || v.isNaN() ? null : v);
            if (ys.stream().allMatch(v -> v == null)) continue;
            c.addSeries(b.name(), categories, ys);
        }
        return c;
    }

    /** A line plot; {@code logX} for parameter counts. */
    public static XYChart lines(String title, String xLabel, String yLabel, List<Line> lines, boolean logX) {
        XYChart c = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setXAxisLogarithmic(logX);
        for (Line l : lines) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int i = 0; i < l.x().size(); i++) {
                if (l.y().get(i) == null || l.y().get(i).isNaN()) continue;
                xs.add(l.x().get(i));
                ys.add(l.y().get(i));
            }
            if (xs.isEmpty()) continue;
            XYSeries s = c.addSeries(l.name(), xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
            if (l.dashed()) s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        }
        return c;
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 16));
    }

    /** Writes {@code name}.png into {@code dir}: encode in memory, then temp file + rename. */
    public static void write(Chart<?, ?> chart, Path dir, String name) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(dir.resolve(name + ".png"), ch -> {
            var b = java.nio.ByteBuffer.wrap(png);
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
