package dev.flan4j.experiment;

import dev.flan4j.model.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A results table with a header row, rendered as Markdown, CSV or aligned text, written atomically. */
public record Table(List<String> header, List<List<String>> rows) {
    public Table {
        header = List.copyOf(header);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("row " + r + " has " + r.size() + " cells, the header has " + header.size());
            }
            copy.add(List.copyOf(r));
        }
        rows = copy;
    }

    /** Formats a score with one decimal, or "-" when it is NaN. */
    public static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append(" --- |".repeat(header.size())).append('\n');
        for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        return sb.toString();
    }

    public String csv() {
        StringBuilder sb = new StringBuilder();
        sb.append(csvLine(header));
        for (List<String> r : rows) sb.append(csvLine(r));
        return sb.toString();
    }

    private static String csvLine(List<String> cells) {
        List<String> out = new ArrayList<>();
        for (String c : cells) {
            out.add(c.contains(",") || c.contains("\"") || c.contains("\n") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
        }
        return String.join(",", out) + "\n";
    }

    /** Fixed-width text for the terminal. */
    public String text() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, w);
        int total = 0;
        for (int x : w) total += x + 2;
        sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
        for (List<String> r : rows) appendRow(sb, r, w);
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> r, int[] w) {
        for (int i = 0; i < w.length; i++) {
            String c = r.get(i);
            sb.append(c).append(" ".repeat(w[i] - c.length()));
            if (i + 1 < w.length) sb.append("  ");
        }
        sb.append('\n');
    }

    /** Writes {@code name}.md and {@code name}.csv into {@code dir}, atomically. */
    public void write(Path dir, String name) throws IOException {
        AtomicFiles.writeString(dir.resolve(name + ".md"), markdown());
        AtomicFiles.writeString(dir.resolve(name + ".csv"), csv());
    }
}
