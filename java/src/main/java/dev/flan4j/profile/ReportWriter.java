package dev.flan4j.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link Report} as an aligned table, JSON or CSV. */
public final class ReportWriter {
    private ReportWriter() {}

    /** Output formats. */
    public enum Format {
        TABLE, JSON, CSV;

        /** Parses table | json | csv (case-insensitive); the error names the value. */
        public static Format parse(String s) {
            for (Format f : values()) if (f.name().equalsIgnoreCase(s == null ? "" : s.trim())) return f;
            throw new IllegalArgumentException("unknown format '" + s + "'; use table, json or csv");
        }
    }

    public static String render(Report r, Format f) {
        return switch (f) {
            case TABLE -> table(r);
            case JSON -> json(r);
            case CSV -> csv(r);
        };
    }

    /** Header lines starting with '#', then one aligned row per result. */
    public static String table(Report r) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : r.header().entrySet()) {
            if (e.getValue() != null) sb.append("# ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        String[] cols = {"label", "dir", "dtype", "shape", "median_ms", "min_ms", "p90_ms", "TFLOP/s", "GB/s",
                "%peak", "tokens/s", "launch"};
        List<String[]> rows = new ArrayList<>();
        rows.add(cols);
        for (Result x : r.results()) {
            rows.add(new String[]{x.label(), x.direction(), x.dtype(), x.shape(), num(x.medianMs(), 4), num(x.minMs(), 4),
                    num(x.p90Ms(), 4), x.tflops() == null ? "-" : num(x.tflops(), 4), x.gbps() == null ? "-" : num(x.gbps(), 4),
                    x.peakPct() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", x.peakPct()),
                    x.tokensPerS() == null ? "-" : String.format(Locale.ROOT, "%.0f", x.tokensPerS()),
                    x.launch() == null ? "-" : x.launch()});
        }
        int[] w = new int[cols.length];
        for (String[] row : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], row[i].length());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                boolean right = i >= 4 && i <= 10;
                String c = row[i];
                String pad = " ".repeat(w[i] - c.length());
                line.append(right ? pad + c : (i == w.length - 1 ? c : c + pad));
                if (i < w.length - 1) line.append("  ");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    public static String json(Report r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", Report.SCHEMA);
        root.put("header", r.header());
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Result x : r.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Object[] v = x.values();
            for (int i = 0; i < Result.COLUMNS.length; i++) m.put(Result.COLUMNS[i], v[i]);
            rs.add(m);
        }
        root.put("results", rs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** RFC 4180 CSV: tool, backend and device repeated on each row, then {@link Result#COLUMNS}. */
    public static String csv(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("tool,backend,device");
        for (String c : Result.COLUMNS) sb.append(',').append(c);
        sb.append('\n');
        String prefix = cell(r.header().get("tool")) + "," + cell(r.header().get("backend")) + ","
                + cell(r.header().get("device"));
        for (Result x : r.results()) {
            sb.append(prefix);
            for (Object v : x.values()) sb.append(',').append(cell(v));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(Object v) {
        if (v == null) return "";
        String s = v instanceof Double d ? Double.toString(d) : v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    private static String num(double v, int sig) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        int decimals = a >= 1000 ? 0 : Math.max(0, sig - 1 - (int) Math.floor(Math.log10(a)));
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
    }
}
