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

    /**
     * One named series of a bar chart: a value per category, NaN where there is none, and optionally the half-width
     * of each value's 95% interval, drawn as an error bar (null = none; NaN = none for that category).
     */
    public record Bars(String name, List<Double> values, List<Double> errors) {
        public Bars(String name, List<Double> values) { this(name, values, null); }
    }

    /**
     * One named line: x and y values (NaN points are dropped), and optionally the low and high ends of each point's
     * 95% interval, drawn as thin dotted lines of the same colour (null = none).
     */
    public record Line(String name, List<Double> x, List<Double> y, boolean dashed, List<Double> low, List<Double> high) {
        public Line(String name, List<Double> x, List<Double> y, boolean dashed) { this(name, x, y, dashed, null, null); }
    }

    /** A grouped bar chart. */
    public static CategoryChart bars(String title, String yLabel, List<String> categories, List<Bars> series) {
        CategoryChart c = new CategoryChartBuilder().width(1200).height(560).title(title).yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setOverlapped(false);
        c.getStyler().setLabelsVisible(false);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("#0.#");
        c.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 20 : 0);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        int i = 0;
        for (Bars b : series) {
            List<Double> ys = new ArrayList<>(), es = new ArrayList<>();
            for (int k = 0; k < b.values().size(); k++) {
                Double v = b.values().get(k);
                ys.add(v == null || v.isNaN() ? null : v);
                Double e = b.errors() == null ? null : b.errors().get(k);
                es.add(e == null || e.isNaN() || ys.get(k) == null ? 0.0 : e);
            }
            if (ys.stream().allMatch(v -> v == null)) continue;
            java.awt.Color col = color(b.name(), i++);
            (b.errors() == null ? c.addSeries(b.name(), categories, ys) : c.addSeries(b.name(), categories, ys, es))
                    .setFillColor(col);
        }
        return c;
    }

    /** A line plot; {@code logX} for parameter counts. */
    public static XYChart lines(String title, String xLabel, String yLabel, List<Line> lines, boolean logX) {
        XYChart c = new XYChartBuilder().width(1200).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(c.getStyler());
        int k = 0;
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("#0.#");
        if (!logX) c.getStyler().setXAxisDecimalPattern("#0.#");
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
            java.awt.Color col = color(l.name(), k++);
            s.setLineColor(col);
            s.setMarkerColor(col);
            if (l.dashed()) s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            if (l.low() != null) band(c, l.name() + " (95% CI low)", l.x(), l.low(), col);
            if (l.high() != null) band(c, l.name() + " (95% CI high)", l.x(), l.high(), col);
        }
        return c;
    }

    private static void band(XYChart c, String name, List<Double> x, List<Double> y, java.awt.Color col) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (y.get(i) == null || y.get(i).isNaN()) continue;
            xs.add(x.get(i));
            ys.add(y.get(i));
        }
        if (xs.isEmpty()) return;
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(col);
        s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DOT_DOT);
        s.setShowInLegend(false);
    }

    private static final java.awt.Color[] OURS = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xff7f0e),
            new java.awt.Color(0x2ca02c), new java.awt.Color(0x9467bd), new java.awt.Color(0x17becf),
            new java.awt.Color(0x8c564b), new java.awt.Color(0xe377c2)};
    private static final java.awt.Color[] PAPER = {new java.awt.Color(0x555555), new java.awt.Color(0x888888),
            new java.awt.Color(0xbbbbbb)};

    /** Ours in colours, the paper's series in greys, chance in light red. */
    private static java.awt.Color color(String name, int index) {
        if (name.startsWith("chance")) return new java.awt.Color(0xf4a6a6);
        if (name.startsWith("paper")) return PAPER[paperIndex(name) % PAPER.length];
        return OURS[index % OURS.length];
    }

    private static int paperIndex(String name) {
        if (name.contains("FLAN")) return 0;
        if (name.contains("few")) return 2;
        return 1;
    }

    private static void style(Styler s) {
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
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
