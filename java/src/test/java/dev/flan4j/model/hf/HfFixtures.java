package dev.flan4j.model.hf;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flan4j.model.GptConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hand-made Hugging Face GPT-2 checkpoints for tests, written without {@link HfGpt2}: tensors in Hugging Face's names
 * and orientation (Conv1D weights [in, out], wte [V, C]), any dtype, with a minimal safetensors writer of its own.
 */
final class HfFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private HfFixtures() {}

    /** One tensor to write: HF name, dtype, shape and values (rounded to the dtype when written). */
    record T(String name, String dtype, int[] shape, float[] data, byte[] raw) {
        T(String name, int[] shape, float[] data) { this(name, "F32", shape, data, null); }
        T withDtype(String d) { return new T(name, d, shape, data, null); }
        T renamed(String n) { return new T(n, dtype, shape, data, raw); }
    }

    /**
     * Random HF-layout tensors of a GPT-2 (names without prefix, in HF's orientation). Every value, biases and
     * layer-norm parameters included, is random so a wrong orientation or a swapped tensor changes the logits.
     */
    static Map<String, T> randomTensors(GptConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int C = c.nEmbd(), V = c.vocabSize(), P = c.blockSize();
        Map<String, T> m = new LinkedHashMap<>();
        put(m, r, "wte.weight", 0.3, 0, V, C);
        put(m, r, "wpe.weight", 0.3, 0, P, C);
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "h." + l + ".";
            put(m, r, h + "ln_1.weight", 0.2, 1, C);
            put(m, r, h + "ln_1.bias", 0.2, 0, C);
            put(m, r, h + "attn.c_attn.weight", 0.3, 0, C, 3 * C);
            put(m, r, h + "attn.c_attn.bias", 0.2, 0, 3 * C);
            put(m, r, h + "attn.c_proj.weight", 0.2, 0, C, C);
            put(m, r, h + "attn.c_proj.bias", 0.2, 0, C);
            put(m, r, h + "ln_2.weight", 0.2, 1, C);
            put(m, r, h + "ln_2.bias", 0.2, 0, C);
            put(m, r, h + "mlp.c_fc.weight", 0.3, 0, C, 4 * C);
            put(m, r, h + "mlp.c_fc.bias", 0.2, 0, 4 * C);
            put(m, r, h + "mlp.c_proj.weight", 0.15, 0, 4 * C, C);
            put(m, r, h + "mlp.c_proj.bias", 0.2, 0, C);
        }
        put(m, r, "ln_f.weight", 0.2, 1, C);
        put(m, r, "ln_f.bias", 0.2, 0, C);
        return m;
    }

    private static void put(Map<String, T> m, SplittableRandom r, String name, double std, double mean, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) (mean + std * r.nextGaussian());
        m.put(name, new T(name, shape, d));
    }

    /** A GPT2Config as transformers writes it for c. */
    static Map<String, Object> config(GptConfig c) {
        return new LinkedHashMap<>(HfGpt2.configJson(c, null));
    }

    static void writeConfig(Path dir, Map<String, Object> config) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(HfGpt2.CONFIG), JSON.writeValueAsString(config));
    }

    static Map<String, Object> readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    /** Writes a folder: config.json and model.safetensors holding the tensors, each name prefixed. */
    static void write(Path dir, Map<String, Object> config, Map<String, T> tensors, String prefix) throws IOException {
        writeConfig(dir, config);
        Map<String, T> named = new LinkedHashMap<>();
        tensors.forEach((k, t) -> named.put(prefix + k, t.renamed(prefix + k)));
        writeSafetensors(dir.resolve(HfGpt2.MODEL), List.copyOf(named.values()));
    }

    /** A safetensors file of any dtypes (F32, F16, BF16 rounded from data; other dtypes from raw). */
    static void writeSafetensors(Path file, List<T> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (T t : tensors) {
            byte[] b = encode(t);
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype());
            var s = e.putArray("shape");
            for (int d : t.shape()) s.add(d);
            e.putArray("data_offsets").add(body.size()).add(body.size() + b.length);
            body.write(b);
        }
        byte[] h = JSON.writeValueAsBytes(header);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(len.array());
        out.write(h);
        out.write(body.toByteArray());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out.toByteArray());
    }

    private static byte[] encode(T t) {
        if (t.raw() != null) return t.raw();
        float[] d = t.data();
        ByteBuffer b;
        switch (t.dtype()) {
            case "F32" -> {
                b = ByteBuffer.allocate(4 * d.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : d) b.putFloat(f);
            }
            case "BF16" -> {
                b = ByteBuffer.allocate(2 * d.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : d) b.putShort((short) (Float.floatToRawIntBits(toBf16(f)) >>> 16));
            }
            case "F16" -> {
                b = ByteBuffer.allocate(2 * d.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : d) b.putShort(halfBits(f));
            }
            default -> throw new IllegalArgumentException("no encoder for " + t.dtype() + "; pass raw bytes");
        }
        return b.array();
    }

    /** f truncated to bfloat16 precision (round toward zero: exact for the test's purpose). */
    static float toBf16(float f) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) & 0xffff0000);
    }

    /**
     * IEEE half bits of f, truncated (round toward zero); |f| below 2^-14 flushes to a signed zero. Test values are
     * well inside the half range. {@link #toF16} gives the float these bits stand for.
     */
    static short halfBits(float f) {
        int bits = Float.floatToRawIntBits(f), sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127;
        if (exp < -14) return (short) sign;
        if (exp > 15) throw new IllegalArgumentException(f + " is outside the half range");
        return (short) (sign | ((exp + 15) << 10) | ((bits >>> 13) & 0x3ff));
    }

    /** f as stored by {@link #halfBits}. */
    static float toF16(float f) {
        int bits = Float.floatToRawIntBits(f), exp = ((bits >>> 23) & 0xff) - 127;
        if (exp < -14) return Float.intBitsToFloat(bits & 0x80000000);
        return Float.intBitsToFloat(bits & 0xffffe000);
    }

    // -----------------------------------------------------------------------------------------------------------------
    // An independent reference: GPT-2's forward pass exactly as transformers' GPT2LMHeadModel computes it, in double,
    // straight from the HF-layout tensors (Conv1D: y = x @ W + b with W [in, out]; q|k|v split of c_attn's output,
    // heads contiguous; gelu_new; layer norm eps 1e-5; tied head logits = ln_f(x) @ wte^T).
    // -----------------------------------------------------------------------------------------------------------------

    /** Logits [T][V] of one sequence. */
    static double[][] referenceLogits(GptConfig c, Map<String, T> w, int[] ids) {
        int T = ids.length, C = c.nEmbd(), NH = c.nHead(), HD = C / NH, V = c.vocabSize();
        double[][] x = new double[T][C];
        float[] wte = w.get("wte.weight").data(), wpe = w.get("wpe.weight").data();
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < C; i++) x[t][i] = (double) wte[ids[t] * C + i] + wpe[t * C + i];
        }
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "h." + l + ".";
            double[][] a = layerNorm(x, w.get(h + "ln_1.weight").data(), w.get(h + "ln_1.bias").data());
            double[][] qkv = conv1d(a, w.get(h + "attn.c_attn.weight").data(), w.get(h + "attn.c_attn.bias").data(), 3 * C);
            double[][] y = new double[T][C];
            for (int hd = 0; hd < NH; hd++) {
                for (int t = 0; t < T; t++) {
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double dot = 0;
                        for (int d = 0; d < HD; d++) dot += qkv[t][hd * HD + d] * qkv[u][C + hd * HD + d];
                        s[u] = dot / Math.sqrt(HD);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) sum += s[u] = Math.exp(s[u] - max);
                    for (int u = 0; u <= t; u++) {
                        for (int d = 0; d < HD; d++) y[t][hd * HD + d] += s[u] / sum * qkv[u][2 * C + hd * HD + d];
                    }
                }
            }
            add(x, conv1d(y, w.get(h + "attn.c_proj.weight").data(), w.get(h + "attn.c_proj.bias").data(), C));
            double[][] m = layerNorm(x, w.get(h + "ln_2.weight").data(), w.get(h + "ln_2.bias").data());
            double[][] f = conv1d(m, w.get(h + "mlp.c_fc.weight").data(), w.get(h + "mlp.c_fc.bias").data(), 4 * C);
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    double v = row[i];
                    row[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                }
            }
            add(x, conv1d(f, w.get(h + "mlp.c_proj.weight").data(), w.get(h + "mlp.c_proj.bias").data(), C));
        }
        double[][] z = layerNorm(x, w.get("ln_f.weight").data(), w.get("ln_f.bias").data());
        double[][] logits = new double[T][V];
        for (int t = 0; t < T; t++) {
            for (int v = 0; v < V; v++) {
                double s = 0;
                for (int i = 0; i < C; i++) s += z[t][i] * wte[v * C + i];
                logits[t][v] = s;
            }
        }
        return logits;
    }

    /** Mean cross-entropy of logits[t] against ids[t+1] (transformers' labels=ids shift). */
    static double referenceLoss(double[][] logits, int[] ids) {
        double total = 0;
        for (int t = 0; t + 1 < ids.length; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : logits[t]) max = Math.max(max, v);
            for (double v : logits[t]) sum += Math.exp(v - max);
            total += max + Math.log(sum) - logits[t][ids[t + 1]];
        }
        return total / (ids.length - 1);
    }

    private static double[][] conv1d(double[][] x, float[] w, float[] b, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) s += x[t][i] * w[i * out + o];   // W [in, out]
                y[t][o] = s;
            }
        }
        return y;
    }

    private static double[][] layerNorm(double[][] x, float[] g, float[] b) {
        int C = x[0].length;
        double[][] y = new double[x.length][C];
        for (int t = 0; t < x.length; t++) {
            double mean = 0, var = 0;
            for (double v : x[t]) mean += v;
            mean /= C;
            for (double v : x[t]) var += (v - mean) * (v - mean);
            var /= C;
            double rstd = 1 / Math.sqrt(var + 1e-5);
            for (int i = 0; i < C; i++) y[t][i] = (x[t][i] - mean) * rstd * g[i] + b[i];
        }
        return y;
    }

    private static void add(double[][] x, double[][] d) {
        for (int t = 0; t < x.length; t++) for (int i = 0; i < x[t].length; i++) x[t][i] += d[t][i];
    }
}
