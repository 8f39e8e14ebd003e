package dev.flan4j.profile;

import dev.flan4j.model.GptConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The sizes of a profiled op, named as everywhere in flan4j: B batch, T time, C channels, NH heads, HD head dim
 * (C = NH*HD), V vocab (Vp = V rounded up to 64), L layers; M, N, K for a plain GEMM (out [M, N] = a [M, K] @ b [K, N]);
 * P the element count of an AdamW update.
 */
public record Shape(int B, int T, int C, int NH, int HD, int V, int L, int M, int N, int K, long P) {

    /** The keys {@code --shape} accepts. */
    public static final String KEYS = "B, T, C, NH, HD, V, L, M, N, K, P";

    /** Defaults when neither a preset nor an option gives a size: GPT-2 small widths, B=8, T=256. */
    public static final int DEFAULT_B = 8, DEFAULT_T = 256;

    public Shape {
        positive("B", B); positive("T", T); positive("C", C); positive("NH", NH); positive("HD", HD);
        positive("V", V); positive("L", L); positive("M", M); positive("N", N); positive("K", K); positive("P", P);
        if ((long) NH * HD != C) throw new IllegalArgumentException("shape C=" + C + " must equal NH*HD=" + NH + "*" + HD);
        if ((long) B * T > Integer.MAX_VALUE) throw new IllegalArgumentException("shape B*T=" + ((long) B * T) + " is too large");
    }

    private static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException("shape " + name + " must be a positive integer, got " + v);
    }

    /** Tokens B*T. */
    public int tokens() { return B * T; }

    /** Vocabulary rounded up to a multiple of 64, as the model pads it. */
    public int Vp() { return (V + 63) / 64 * 64; }

    /** The model this shape describes (block size T). */
    public GptConfig config() { return new GptConfig(V, T, L, NH, C); }

    /** The same sizes with another GEMM. */
    public Shape withMatmul(int m, int n, int k) { return new Shape(B, T, C, NH, HD, V, L, m, n, k, P); }

    /** The same sizes with another AdamW element count. */
    public Shape withP(long p) { return new Shape(B, T, C, NH, HD, V, L, M, N, K, p); }

    /**
     * Resolves sizes: defaults, then the preset (C, NH, V, L and T = its block size), then {@code given}
     * (keys of {@link #KEYS}, case-insensitive). Derived defaults: HD = C/NH (or C = NH*HD when only HD is given),
     * M = B*T, N = 4C, K = C (the MLP's first GEMM), P = the parameter count of the model these sizes describe when a preset is given, else 12*C^2 (one block's weights).
     */
    public static Shape resolve(Map<String, Long> given, GptConfig preset) {
        Map<String, Long> g = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : given.entrySet()) {
            String k = canonicalKey(e.getKey());
            if (e.getValue() == null) continue;
            if (e.getValue() <= 0) {
                throw new IllegalArgumentException("shape " + k + " must be a positive integer, got " + e.getValue());
            }
            g.put(k, e.getValue());
        }
        int B = get(g, "B", DEFAULT_B);
        int T = get(g, "T", preset != null ? preset.blockSize() : DEFAULT_T);
        int NH = get(g, "NH", preset != null ? preset.nHead() : 12);
        int V = get(g, "V", preset != null ? preset.vocabSize() : 50257);
        int L = get(g, "L", preset != null ? preset.nLayer() : 12);
        int C;
        if (g.containsKey("C")) C = get(g, "C", 0);
        else if (g.containsKey("HD")) C = Math.multiplyExact(NH, get(g, "HD", 0));
        else C = preset != null ? preset.nEmbd() : 768;
        if (C % NH != 0) throw new IllegalArgumentException("shape C=" + C + " must be a multiple of NH=" + NH);
        int HD = get(g, "HD", C / NH);
        int M = get(g, "M", Math.multiplyExact(B, T));
        int N = get(g, "N", Math.multiplyExact(4, C));
        int K = get(g, "K", C);
        long P = g.containsKey("P") ? g.get("P")
                : preset != null ? new GptConfig(V, T, L, NH, C).parameterCount() : 12L * C * C;
        return new Shape(B, T, C, NH, HD, V, L, M, N, K, P);
    }

    /** Parses "k=v,k=v" into a map (keys canonicalised); the error names the bad piece. */
    public static Map<String, Long> parse(String spec) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return m;
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("bad --shape entry '" + p + "'; expected key=value with keys " + KEYS);
            String key = canonicalKey(p.substring(0, eq).trim());
            String val = p.substring(eq + 1).trim();
            long v;
            try {
                v = Long.parseLong(val);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad --shape value '" + val + "' for " + key + "; expected an integer");
            }
            m.put(key, v);
        }
        return m;
    }

    static String canonicalKey(String k) {
        String u = k == null ? "" : k.trim().toUpperCase(Locale.ROOT);
        return switch (u) {
            case "B", "T", "C", "NH", "HD", "V", "L", "M", "N", "K", "P" -> u;
            default -> throw new IllegalArgumentException("unknown shape key '" + k + "'; keys: " + KEYS);
        };
    }

    private static int get(Map<String, Long> g, String key, int dflt) {
        Long v = g.get(key);
        if (v == null) return dflt;
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + key + "=" + v + " is too large");
        return v.intValue();
    }
}
