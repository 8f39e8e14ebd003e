package dev.flan4j.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.backend.Backend;
import dev.flan4j.model.hf.HfLlama;
import dev.flan4j.model.llama.LlamaConfig;
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
 * A checkpoint is a folder: {@code config.json} (the model config, its {@code architecture} naming the family:
 * {@value #GPT2} or {@value #LLAMA}), {@code model.safetensors} (fp32 weights, named as {@link CausalLm#parameters()}),
 * and optionally {@code optimizer.safetensors} and {@code state.json} (trainer state).
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
    /** The {@code architecture} of a GPT-2 checkpoint's config.json. */
    public static final String GPT2 = "flan4j-gpt2";
    /** The {@code architecture} of a Llama-family (Llama, SmolLM2, Qwen2) checkpoint's config.json. */
    public static final String LLAMA = "flan4j-llama";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Checkpoint() {}

    /** What a checkpoint folder holds. {@code optimizer} and {@code state} are empty when absent. */
    public record Loaded(CausalLm model, Map<String, float[]> optimizer, Map<String, Object> state) {}

    /** Saves the model alone. */
    public static void save(Path dir, CausalLm model) throws IOException {
        save(dir, model, Map.of(), Map.of());
    }

    /**
     * Saves model weights, optimizer tensors (flat, by name) and trainer state (JSON-serializable values) atomically.
     * An existing folder at {@code dir} is replaced only once the new one is complete.
     */
    public static void save(Path dir, CausalLm model, Map<String, float[]> optimizer, Map<String, Object> state)
            throws IOException {
        dir = dir.toAbsolutePath();
        Path tmp = AtomicFiles.createTempDir(dir);
        try {
            Map<String, Object> cfg = configJson(model.config());
            AtomicFiles.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(cfg));
            float[] all = model.backend().toArray(model.parameterData());
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> data = new LinkedHashMap<>();
            for (Param p : model.parameters()) {
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
        ModelConfig config = readConfig(dir.resolve(CONFIG));
        Path modelFile = dir.resolve(MODEL);
        if (!Files.isRegularFile(modelFile)) throw new IOException("checkpoint " + dir + " has no " + MODEL);
        Safetensors.Contents c = Safetensors.read(modelFile);
        CausalLm model = config.newModel(backend);
        try {
            float[] all = new float[Math.toIntExact(model.numParameters())];
            Set<String> expected = new HashSet<>();
            for (Param p : model.parameters()) {
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
    public static void requireFinite(CausalLm model, Object source) throws IOException {
        if (allowNonFinite()) return;
        float[] all = model.backend().toArray(model.parameterData());
        for (Param p : model.parameters()) {
            Safetensors.requireFinite(source, p.name(),
                    Arrays.copyOfRange(all, (int) p.offset(), (int) (p.offset() + p.size())));
        }
    }

    static Map<String, Object> configJson(ModelConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (config instanceof GptConfig c) {
            m.put("architecture", GPT2);
            m.put("vocab_size", c.vocabSize());
            m.put("block_size", c.blockSize());
            m.put("n_layer", c.nLayer());
            m.put("n_head", c.nHead());
            m.put("n_embd", c.nEmbd());
        } else if (config instanceof LlamaConfig c) {
            m.put("architecture", LLAMA);
            m.put("model_type", c.modelType());
            m.put("vocab_size", c.vocabSize());
            m.put("block_size", c.blockSize());
            m.put("n_layer", c.nLayer());
            m.put("n_head", c.nHead());
            m.put("n_kv_head", c.nKvHead());
            m.put("n_embd", c.nEmbd());
            m.put("head_dim", c.headDim());
            m.put("intermediate_size", c.intermediateSize());
            m.put("rms_norm_eps", c.rmsNormEps());
            m.put("rope_theta", c.ropeTheta());
            LlamaConfig.RopeScaling s = c.ropeScaling();
            if (s == null) {
                m.put("rope_scaling", null);
            } else {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("type", s.type());
                r.put("factor", s.factor());
                r.put("low_freq_factor", s.lowFreqFactor());
                r.put("high_freq_factor", s.highFreqFactor());
                r.put("original_max_positions", s.originalMaxPositions());
                m.put("rope_scaling", r);
            }
            m.put("tie_word_embeddings", c.tieWordEmbeddings());
            m.put("qkv_bias", c.qkvBias());
            m.put("o_bias", c.oBias());
        } else {
            throw new IllegalArgumentException("no checkpoint format for a " + config.family() + " config "
                    + config.getClass().getName());
        }
        return m;
    }

    /**
     * Reads and validates {@code config.json}: a {@link GptConfig} or a {@link LlamaConfig}, by its architecture. A
     * missing, mistyped or invalid field is an IOException naming the file, the field and its value.
     */
    public static ModelConfig readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("checkpoint config " + file + " does not exist");
        Map<String, Object> m;
        try {
            m = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new IOException("checkpoint config " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (m == null) throw new IOException("checkpoint config " + file + " is not a JSON object: it is null");
        Object arch = m.get("architecture");
        try {
            if (GPT2.equals(arch)) {
                return new GptConfig(intField(m, "vocab_size", file), intField(m, "block_size", file),
                        intField(m, "n_layer", file), intField(m, "n_head", file), intField(m, "n_embd", file));
            }
            if (LLAMA.equals(arch)) return readLlamaConfig(m, file);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        throw new IOException(file + ": architecture is " + arch + ", expected " + GPT2 + " or " + LLAMA);
    }

    private static LlamaConfig readLlamaConfig(Map<String, Object> m, Path file) throws IOException {
        Object type = m.get("model_type");
        if (!(type instanceof String modelType && HfLlama.MODEL_TYPES.contains(modelType))) {
            throw new IOException(file + ": field 'model_type' must be one of " + new java.util.TreeSet<>(HfLlama.MODEL_TYPES)
                    + ", got " + type);
        }
        LlamaConfig.RopeScaling scaling = null;
        Object rs = m.get("rope_scaling");
        if (rs instanceof Map<?, ?> r) {
            Map<String, Object> rm = new LinkedHashMap<>();
            r.forEach((k, v) -> rm.put(String.valueOf(k), v));
            Object t = rm.get("type");
            if (!(t instanceof String ts)) throw new IOException(file + ": field 'rope_scaling.type' must be a string, got " + t);
            try {
                scaling = new LlamaConfig.RopeScaling(ts, doubleField(rm, "factor", file, "rope_scaling."),
                        doubleField(rm, "low_freq_factor", file, "rope_scaling."),
                        doubleField(rm, "high_freq_factor", file, "rope_scaling."),
                        intField(rm, "original_max_positions", file, "rope_scaling."));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": field 'rope_scaling': " + e.getMessage(), e);
            }
        } else if (!m.containsKey("rope_scaling")) {
            throw new IOException(file + ": field 'rope_scaling' is missing (null for none)");
        } else if (rs != null) {
            throw new IOException(file + ": field 'rope_scaling' must be null or an object, got " + rs);
        }
        return new LlamaConfig(modelType, intField(m, "vocab_size", file), intField(m, "block_size", file),
                intField(m, "n_layer", file), intField(m, "n_head", file), intField(m, "n_kv_head", file),
                intField(m, "n_embd", file), intField(m, "head_dim", file), intField(m, "intermediate_size", file),
                doubleField(m, "rms_norm_eps", file, ""), doubleField(m, "rope_theta", file, ""), scaling,
                boolField(m, "tie_word_embeddings", file), boolField(m, "qkv_bias", file), boolField(m, "o_bias", file));
    }

    private static int intField(Map<String, Object> m, String key, Path file) throws IOException {
        return intField(m, key, file, "");
    }

    private static int intField(Map<String, Object> m, String key, Path file, String prefix) throws IOException {
        Object v = m.get(key);
        if (!(v instanceof Integer i)) throw new IOException(file + ": field '" + prefix + key + "' must be an integer, got " + v);
        return i;
    }

    private static double doubleField(Map<String, Object> m, String key, Path file, String prefix) throws IOException {
        Object v = m.get(key);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IOException(file + ": field '" + prefix + key + "' must be a finite number, got " + v);
        }
        return n.doubleValue();
    }

    private static boolean boolField(Map<String, Object> m, String key, Path file) throws IOException {
        Object v = m.get(key);
        if (!(v instanceof Boolean b)) throw new IOException(file + ": field '" + key + "' must be true or false, got " + v);
        return b;
    }

}
