package dev.flan4j.data;

import java.util.ArrayList;
import java.util.List;

/** The per-dataset statistics table that {@code flan4j data stats} prints. */
public final class DataStats {
    private DataStats() {}

    /** One dataset's counts. */
    public record Row(String cluster, String dataset, TaskType task, int train, int dev, int test,
                      int templates, int turnedAround) {}

    /** One row per dataset, in collection order (loads every dataset's examples). */
    public static List<Row> rows(Collection c) {
        List<Row> rows = new ArrayList<>();
        for (Cluster cl : c.clusters()) {
            for (Dataset d : cl.datasets()) {
                int turned = (int) d.templates().stream().filter(Template::turnedAround).count();
                rows.add(new Row(cl.name(), d.name(), d.task(), d.examples("train").size(), d.examples("dev").size(),
                        d.examples("test").size(), d.templates().size(), turned));
            }
        }
        return rows;
    }

    /** The rows as an aligned text table with a totals line. */
    public static String table(Collection c) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[]{"cluster", "dataset", "task", "train", "dev", "test", "templates"});
        int train = 0, dev = 0, test = 0, templates = 0, turned = 0;
        List<Row> rows = rows(c);
        for (Row r : rows) {
            cells.add(new String[]{r.cluster(), r.dataset(), r.task().name().toLowerCase(), str(r.train()),
                    str(r.dev()), str(r.test()), r.templates() + " (" + r.turnedAround() + " turned)"});
            train += r.train();
            dev += r.dev();
            test += r.test();
            templates += r.templates();
            turned += r.turnedAround();
        }
        cells.add(new String[]{"total", c.clusters().size() + " clusters, " + rows.size() + " datasets", "",
                str(train), str(dev), str(test), templates + " (" + turned + " turned)"});
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            if (r == cells.size() - 1 || r == 1) rule(sb, width);
            String[] row = cells.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 3;
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(numeric ? pad + row[i] : row[i] + pad);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static void rule(StringBuilder sb, int[] width) {
        int total = 2 * (width.length - 1);
        for (int w : width) total += w;
        sb.append("-".repeat(total)).append('\n');
    }

    private static String str(int n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
