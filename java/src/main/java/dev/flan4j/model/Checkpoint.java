package dev.flan4j.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.backend.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A checkpoint is a folder: {@code config.json} (the model config), {@code model.safetensors} (fp32 weights, named as
 * {@link Gpt#parameters()}), and optionally {@code optimizer.safetensors} and {@code state.json} (trainer state).
 * A folder is written next to its target under a temporary name, every file fsynced, then renamed into place,
 * so a crash never leaves a half-written checkpoint where a good one is expected. The same weights and state give
 * the same bytes (sorted metadata and optimizer names, fixed field order). Loading verifies each tensor's checksum
 * and rejects NaN or infinite values, naming the tensor, unless {@link #ALLOW_NON_FINITE} is set (for debugging).
 */
public final class Checkpoint {
    public static final String CONFIG = "config.json";
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";
    /** System property that lets NaN or infinite weights load (debugging a diverged run). */
    public static final String ALLOW_NON_FINITE = "flan4j.allowNonFinite";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Checkpoint() {}

    /** What a checkpoint folder holds. {@code optimizer} and {@code state} are empty when absent. */
    public record Loaded(Gpt model, Map<String, float[]> optimizer, Map<String, Object> state) {}

    /** Saves the model alone. */
    public static void save(Path dir, Gpt model) throws IOException {
        save(dir, model, Map.of(), Map.of());
    }

    /**
     * Saves model weights, optimizer tensors (flat, by name) and trainer state (JSON-serializable values) atomically.
     * An existing folder at {@code dir} is replaced only once the new one is complete.
     */
    public static void save(Path dir, Gpt model, Map<String, float[]> optimizer, Map<String, Object> state)
            throws IOException {
        dir = dir.toAbsolutePath();
        Path tmp = AtomicFiles.createTempDir(dir);
        try {
            Map<String, Object> cfg = configJson(model.config());
            AtomicFiles.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(cfg));
            float[] all = model.backend().toArray(model.parameterData());
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> data = new LinkedHashMap<>();
            for (Gpt.Param p : model.parameters()) {
                shapes.put(p.name(), p.shape());
                data.put(p.name(), Arrays.copyOfRange(all, (int) p.offset(), (int) (p.offset() + p.size())));
            }
            Safetensors.write(tmp.resolve(MODEL), shapes, data, Map.of("format", "pt", "producer", "flan4j"));
            if (!optimizer.isEmpty()) {
                Map<String, int[]> os = new TreeMap<>();
                optimizer.forEach((k, v) -> os.put(k, new int[]{v.length}));
                Safetensors.write(tmp.resolve(OPTIMIZER), os, optimizer, Map.of("producer", "flan4j"));
            }
            if (!state.isEmpty()) AtomicFiles.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state));
            AtomicFiles.replaceDir(tmp, dir);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** Loads a checkpoint folder onto a backend, validating config, tensor names, shapes and dtypes. */
    public static Loaded load(Path dir, Backend backend) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path old = dir.toAbsolutePath().getParent().resolve("." + dir.getFileName() + ".old");
            if (Files.isDirectory(old)) dir = old;   // a crash between the two renames of save()
            else throw new IOException("checkpoint folder " + dir + " does not exist");
        }
        GptConfig config = readConfig(dir.resolve(CONFIG));
        Path modelFile = dir.resolve(MODEL);
        if (!Files.isRegularFile(modelFile)) throw new IOException("checkpoint " + dir + " has no " + MODEL);
        Safetensors.Contents c = Safetensors.read(modelFile);
        Gpt model = new Gpt(config, backend);
        try {
            float[] all = new float[Math.toIntExact(model.numParameters())];
            Set<String> expected = new HashSet<>();
            for (Gpt.Param p : model.parameters()) {
                expected.add(p.name());
                Safetensors.Entry e = c.tensors().get(p.name());
                if (e == null) throw new IOException(modelFile + ": missing tensor '" + p.name() + "'");
                if (!Arrays.equals(e.shape(), p.shape())) {
                    throw new IOException(modelFile + ": tensor '" + p.name() + "' has shape " + Arrays.toString(e.shape())
                            + ", the config needs " + Arrays.toString(p.shape()));
                }
                if (!allowNonFinite()) Safetensors.requireFinite(modelFile, p.name(), e.data());
                System.arraycopy(e.data(), 0, all, (int) p.offset(), e.data().length);
            }
            for (String name : c.tensors().keySet()) {
                if (!expected.contains(name)) throw new IOException(modelFile + ": unexpected tensor '" + name + "'");
            }
            model.loadParameters(all);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        Map<String, float[]> opt = new LinkedHashMap<>();
        if (Files.isRegularFile(dir.resolve(OPTIMIZER))) {
            Path f = dir.resolve(OPTIMIZER);
            for (Safetensors.Entry e : Safetensors.read(f).tensors().values()) {
                if (!allowNonFinite()) Safetensors.requireFinite(f, e.name(), e.data());
                opt.put(e.name(), e.data());
            }
        }
        Map<String, Object> state = Files.isRegularFile(dir.resolve(STATE))
                ? JSON.readValue(dir.resolve(STATE).toFile(), new TypeReference<LinkedHashMap<String, Object>>() {})
                : Map.of();
        return new Loaded(model, opt, state);
    }

    static boolean allowNonFinite() {
        return Boolean.getBoolean(ALLOW_NON_FINITE);
    }

    /**
     * Throws naming the first parameter of a loaded model that holds NaN or infinity ({@code source}: where it came
     * from), unless {@link #ALLOW_NON_FINITE} is set. For models loaded by other readers (Hugging Face folders).
     */
    public static void requireFinite(Gpt model, Object source) throws IOException {
        if (allowNonFinite()) return;
        float[] all = model.backend().toArray(model.parameterData());
        for (Gpt.Param p : model.parameters()) {
            Safetensors.requireFinite(source, p.name(),
                    Arrays.copyOfRange(all, (int) p.offset(), (int) (p.offset() + p.size())));
        }
    }

    static Map<String, Object> configJson(GptConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "flan4j-gpt2");
        m.put("vocab_size", c.vocabSize());
        m.put("block_size", c.blockSize());
        m.put("n_layer", c.nLayer());
        m.put("n_head", c.nHead());
        m.put("n_embd", c.nEmbd());
        return m;
    }

    /** Reads and validates {@code config.json}. */
    public static GptConfig readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("checkpoint config " + file + " does not exist");
        Map<String, Object> m;
        try {
            m = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new IOException("checkpoint config " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (m == null) throw new IOException("checkpoint config " + file + " is not a JSON object: it is null");
        if (!"flan4j-gpt2".equals(m.get("architecture"))) {
            throw new IOException(file + ": architecture is " + m.get("architecture") + ", expected flan4j-gpt2");
        }
        try {
            return new GptConfig(intField(m, "vocab_size", file), intField(m, "block_size", file),
                    intField(m, "n_layer", file), intField(m, "n_head", file), intField(m, "n_embd", file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static int intField(Map<String, Object> m, String key, Path file) throws IOException {
        Object v = m.get(key);
        if (!(v instanceof Integer i)) throw new IOException(file + ": field '" + key + "' must be an integer, got " + v);
        return i;
    }

}
