package dev.flan4j.model.hf;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.Param;
import dev.flan4j.model.Safetensors;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import dev.flan4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Llama-family checkpoints in Hugging Face's layout, in and out: {@code config.json} ({@code LlamaConfig} or
 * {@code Qwen2Config}, as transformers 4 or 5 writes it) plus {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json}, F32, F16, BF16 or F64 tensors. SmolLM2, Llama 2/3/3.1/3.2, TinyLlama and
 * Qwen2/2.5 load.
 *
 * <p>Names are transformers' {@code state_dict} keys, which are also flan4j's ({@code model.embed_tokens.weight},
 * {@code model.layers.N.self_attn.q_proj.weight}, ...; a base-model file without the {@code model.} prefix loads too);
 * nn.Linear weights are [out, in] on both sides. flan4j pads the embedding table (and an untied head) with zero rows to
 * a multiple of 64; the padding is added on load and dropped on export. Older files' {@code rotary_emb.inv_freq}
 * buffers are ignored (flan4j computes the frequencies from the config).
 *
 * <p>Unsupported variants are rejected with an IOException naming the file, the field and its value: other
 * {@code model_type}s, {@code hidden_act} other than silu, {@code mlp_bias}, rope types other than default, linear and
 * llama3 (dynamic, yarn, longrope), {@code partial_rotary_factor} other than 1, Qwen2's sliding-window attention, an
 * odd head_dim, and num_attention_heads not a multiple of num_key_value_heads; so are missing, unexpected, misshaped
 * and non-float tensors.
 */
public final class HfLlama {
    public static final Set<String> MODEL_TYPES = Set.of("llama", "qwen2");
    private static final Pattern INV_FREQ = Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    private HfLlama() {}

    // ---------------------------------------------------------------------------------------------------------------
    // config.json
    // ---------------------------------------------------------------------------------------------------------------

    /** Whether a folder's config.json declares a Llama-family model_type (llama, qwen2). */
    public static boolean isLlamaFamily(Path dir) throws IOException {
        Object type = HfFiles.readJson(dir.resolve(HfFiles.CONFIG), "Hugging Face config").get("model_type");
        return type instanceof String t && MODEL_TYPES.contains(t);
    }

    /** Reads and validates a Llama / Qwen2 {@code config.json}. */
    public static LlamaConfig readConfig(Path file) throws IOException {
        Map<String, Object> m = HfFiles.readJson(file, "Hugging Face config");
        Object type = m.get("model_type");
        if (!(type instanceof String t && MODEL_TYPES.contains(t))) {
            throw new IOException(file + ": model_type is " + (type == null ? "missing" : "\"" + type + "\"")
                    + ", expected one of " + MODEL_TYPES + " (architectures=" + m.get("architectures") + ")");
        }
        boolean qwen = type.equals("qwen2");
        Fields f = new Fields(m, file);
        int vocab = f.positiveInt("vocab_size", null);
        int hidden = f.positiveInt("hidden_size", null);
        int inter = f.positiveInt("intermediate_size", null);
        int layers = f.positiveInt("num_hidden_layers", null);
        int heads = f.positiveInt("num_attention_heads", null);
        int kvHeads = f.positiveInt("num_key_value_heads", heads);
        int positions = f.positiveInt("max_position_embeddings", qwen ? 32768 : 2048);
        Integer hdDefault = hidden % heads == 0 ? hidden / heads : null;
        int headDim = f.positiveInt("head_dim", hdDefault);
        if (heads % kvHeads != 0) {
            throw new IOException(file + ": num_attention_heads=" + heads + " is not a multiple of num_key_value_heads="
                    + kvHeads);
        }
        if (headDim % 2 != 0) throw new IOException(file + ": head_dim=" + headDim + " must be even for rotary embeddings");
        Object act = m.getOrDefault("hidden_act", "silu");
        if (!"silu".equals(act)) {
            throw new IOException(file + ": hidden_act \"" + act + "\" is not supported; flan4j's SwiGLU MLP uses \"silu\"");
        }
        f.requireFlag("mlp_bias", false, "MLP biases are not supported");
        double eps = f.positiveDouble("rms_norm_eps", 1e-6);
        boolean tied = f.flag("tie_word_embeddings", false);
        boolean attnBias = !qwen && f.flag("attention_bias", false);
        if (qwen) {
            f.requireFlag("use_sliding_window", false, "sliding-window attention is not supported");
            if (m.get("layer_types") instanceof List<?> lt) {
                for (int i = 0; i < lt.size(); i++) {
                    if (!"full_attention".equals(lt.get(i))) {
                        throw new IOException(file + ": layer_types[" + i + "]=\"" + lt.get(i) + "\" is not supported;"
                                + " every layer must be \"full_attention\"");
                    }
                }
            }
        }
        Object partial = m.get("partial_rotary_factor");
        if (partial != null && !(partial instanceof Number n && n.doubleValue() == 1.0)) {
            throw new IOException(file + ": partial_rotary_factor=" + partial + " is not supported (rotary on every channel)");
        }
        // RoPE: transformers 5 writes rope_parameters {rope_theta, rope_type, ...}; 4 wrote rope_theta and rope_scaling.
        Map<String, Object> rope;
        String ropeField;
        if (m.get("rope_parameters") instanceof Map<?, ?> rp) {
            rope = cast(rp);
            ropeField = "rope_parameters";
        } else if (m.get("rope_scaling") instanceof Map<?, ?> rs) {
            rope = cast(rs);
            ropeField = "rope_scaling";
        } else {
            rope = Map.of();
            ropeField = "rope_scaling";
        }
        Object thetaValue = rope.containsKey("rope_theta") ? rope.get("rope_theta") : m.getOrDefault("rope_theta", 10000.0);
        if (!(thetaValue instanceof Number th) || !(th.doubleValue() > 1)) {
            throw new IOException(file + ": rope_theta=" + thetaValue + " must be a number > 1");
        }
        LlamaConfig.RopeScaling scaling = ropeScaling(rope, ropeField, file);
        try {
            return new LlamaConfig((String) type, vocab, positions, layers, heads, kvHeads, hidden, headDim, inter, eps,
                    th.doubleValue(), scaling, tied, qwen || attnBias, attnBias);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static LlamaConfig.RopeScaling ropeScaling(Map<String, Object> rope, String field, Path file)
            throws IOException {
        Object t = rope.containsKey("rope_type") ? rope.get("rope_type") : rope.getOrDefault("type", "default");
        if ("default".equals(t)) return null;
        Fields f = new Fields(rope, file);
        if ("linear".equals(t)) {
            return new LlamaConfig.RopeScaling("linear", f.positiveDouble("factor", null), 0, 0, 0);
        }
        if ("llama3".equals(t)) {
            try {
                return new LlamaConfig.RopeScaling("llama3", f.positiveDouble("factor", null),
                        f.positiveDouble("low_freq_factor", null), f.positiveDouble("high_freq_factor", null),
                        f.positiveInt("original_max_position_embeddings", null));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + field + ": " + e.getMessage(), e);
            }
        }
        throw new IOException(file + ": " + field + ".rope_type \"" + t + "\" is not supported; flan4j supports \"default\","
                + " \"linear\" and \"llama3\"");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) { return (Map<String, Object>) m; }

    /** Typed reads of config fields, with errors that name the file, the field and the value. */
    private record Fields(Map<String, Object> m, Path file) {
        int positiveInt(String key, Integer dflt) throws IOException {
            Object v = m.get(key);
            if (v == null) {
                if (dflt != null) return dflt;
                throw new IOException(file + ": " + key + " is missing");
            }
            if (v instanceof Integer i && i > 0) return i;
            throw new IOException(file + ": " + key + " must be a positive integer, got " + v);
        }

        double positiveDouble(String key, Double dflt) throws IOException {
            Object v = m.get(key);
            if (v == null) {
                if (dflt != null) return dflt;
                throw new IOException(file + ": " + key + " is missing");
            }
            if (v instanceof Number n && n.doubleValue() > 0) return n.doubleValue();
            throw new IOException(file + ": " + key + " must be a positive number, got " + v);
        }

        boolean flag(String key, boolean dflt) throws IOException {
            Object v = m.get(key);
            if (v == null) return dflt;
            if (v instanceof Boolean b) return b;
            throw new IOException(file + ": " + key + " must be true or false, got " + v);
        }

        void requireFlag(String key, boolean required, String why) throws IOException {
            if (flag(key, required) != required) {
                throw new IOException(file + ": " + key + "=" + !required + " is not supported (expected " + required + "): " + why);
            }
        }
    }

    /** The {@code config.json} transformers writes for this architecture (keys sorted; rope in transformers 4's form). */
    public static Map<String, Object> configJson(LlamaConfig c, Integer bosTokenId, Integer eosTokenId, String dtype) {
        boolean qwen = c.modelType().equals("qwen2");
        Map<String, Object> m = new TreeMap<>();
        m.put("architectures", List.of(qwen ? "Qwen2ForCausalLM" : "LlamaForCausalLM"));
        m.put("model_type", c.modelType());
        m.put("attention_dropout", 0.0);
        m.put("bos_token_id", bosTokenId);
        m.put("eos_token_id", eosTokenId);
        m.put("head_dim", c.headDim());
        m.put("hidden_act", "silu");
        m.put("hidden_size", c.nEmbd());
        m.put("initializer_range", 0.02);
        m.put("intermediate_size", c.intermediateSize());
        m.put("max_position_embeddings", c.blockSize());
        m.put("num_attention_heads", c.nHead());
        m.put("num_hidden_layers", c.nLayer());
        m.put("num_key_value_heads", c.nKvHead());
        m.put("rms_norm_eps", c.rmsNormEps());
        m.put("rope_theta", c.ropeTheta());
        LlamaConfig.RopeScaling s = c.ropeScaling();
        if (s == null) {
            m.put("rope_scaling", null);
        } else {
            Map<String, Object> r = new TreeMap<>();
            r.put("rope_type", s.type());
            r.put("factor", s.factor());
            if (s.type().equals("llama3")) {
                r.put("low_freq_factor", s.lowFreqFactor());
                r.put("high_freq_factor", s.highFreqFactor());
                r.put("original_max_position_embeddings", s.originalMaxPositions());
            }
            m.put("rope_scaling", r);
        }
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        m.put("torch_dtype", switch (dtype) { case "F16" -> "float16"; case "BF16" -> "bfloat16"; default -> "float32"; });
        m.put("use_cache", true);
        m.put("vocab_size", c.vocabSize());
        if (qwen) {
            m.put("use_sliding_window", false);
            m.put("sliding_window", null);
            m.put("max_window_layers", c.nLayer());
        } else {
            m.put("attention_bias", c.oBias());
            m.put("mlp_bias", false);
            m.put("pretraining_tp", 1);
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Load
    // ---------------------------------------------------------------------------------------------------------------

    private record Located(Safetensors.Header header, String name) {
        String where() { return "tensor '" + name + "' in " + header.file(); }
    }

    /** Loads a Llama-family checkpoint folder onto a backend. */
    public static Llama load(Path dir, Backend backend) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("Hugging Face checkpoint folder " + dir + " does not exist");
        LlamaConfig cfg = readConfig(dir.resolve(HfFiles.CONFIG));
        Map<String, Located> byName = index(dir, cfg);
        Llama model = new Llama(cfg, backend);
        try {
            int V = cfg.vocabSize(), C = cfg.nEmbd();
            float[] embed = null;
            for (Param p : model.parameters()) {
                Located loc = byName.get(p.name());
                if (loc == null) {
                    String why = p.name().equals(Llama.HEAD) ? " (" + dir.resolve(HfFiles.CONFIG)
                            + " has tie_word_embeddings=false, so the head is its own tensor)" : "";
                    throw new IOException(dir + ": missing tensor '" + p.name() + "' in " + files(byName, dir) + why);
                }
                boolean vocabRows = p.name().equals(Llama.EMBED) || p.name().equals(Llama.HEAD);
                int[] shape = vocabRows ? new int[]{V, C} : p.shape();
                float[] data = read(loc, shape, dir);
                if (p.name().equals(Llama.EMBED)) embed = data;
                if (vocabRows) data = Arrays.copyOf(data, Math.toIntExact(p.size()));   // zero rows V..Vp-1
                try (Tensor src = backend.fromArray(data, p.shape())) {
                    backend.copy(model.param(p.name()), src);
                }
            }
            Located head = byName.get(Llama.HEAD);
            if (cfg.tieWordEmbeddings() && head != null && !Arrays.equals(read(head, new int[]{V, C}, dir), embed)) {
                throw new IOException(head.where() + " differs from " + Llama.EMBED + ", but " + dir.resolve(HfFiles.CONFIG)
                        + " has tie_word_embeddings=true");
            }
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static float[] read(Located loc, int[] shape, Path dir) throws IOException {
        Safetensors.TensorInfo t = loc.header().tensors().get(loc.name());
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IOException(loc.where() + " has shape " + Arrays.toString(t.shape()) + ", but "
                    + dir.resolve(HfFiles.CONFIG) + " needs " + Arrays.toString(shape));
        }
        if (!t.isFloat()) throw new IOException(loc.where() + " has dtype " + t.dtype() + "; expected F32, F16, BF16 or F64");
        return Safetensors.readTensor(loc.header(), loc.name());
    }

    /** Every tensor by its flan4j (= transformers) name; rejects unknown and duplicate names. */
    private static Map<String, Located> index(Path dir, LlamaConfig cfg) throws IOException {
        Set<String> known = new java.util.HashSet<>();
        for (Param p : Llama.layout(cfg)) known.add(p.name());
        known.add(Llama.HEAD);   // tied checkpoints may still store it
        Map<String, Located> out = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Safetensors.Header h : HfFiles.headers(dir)) {
            for (String name : h.tensors().keySet()) {
                if (INV_FREQ.matcher(name).matches() || INV_FREQ.matcher("model." + name).matches()) continue;
                String full = known.contains(name) || name.startsWith("model.") || name.equals(Llama.HEAD) ? name : "model." + name;
                if (!known.contains(full)) {
                    unexpected.add("'" + name + "' in " + h.file().getFileName());
                    continue;
                }
                Located prev = out.put(full, new Located(h, name));
                if (prev != null) {
                    throw new IOException(dir + ": tensor '" + full + "' appears twice: as '" + prev.name() + "' in "
                            + prev.header().file().getFileName() + " and as '" + name + "' in " + h.file().getFileName());
                }
            }
        }
        if (!unexpected.isEmpty()) {
            throw new IOException(dir + ": unexpected tensor" + (unexpected.size() > 1 ? "s " : " ")
                    + String.join(", ", unexpected.subList(0, Math.min(5, unexpected.size())))
                    + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : "") + " for a "
                    + cfg.modelType() + " with num_hidden_layers=" + cfg.nLayer() + ", attention biases "
                    + (cfg.qkvBias() ? "on" : "off") + " (see " + dir.resolve(HfFiles.CONFIG) + ")");
        }
        return out;
    }

    private static String files(Map<String, Located> byName, Path dir) {
        Set<String> files = new java.util.TreeSet<>();
        for (Located l : byName.values()) files.add(l.header().file().getFileName().toString());
        return files.isEmpty() ? dir.resolve(HfFiles.MODEL).toString() : String.join(", ", files);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Export
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Writes the model as a folder that {@code AutoModelForCausalLM.from_pretrained(dir)} opens: config.json and the
     * weights in {@code dtype} (F32, F16 or BF16), one file or shards of at most {@code maxShardBytes} (0: one file)
     * with an index; embeddings and an untied head at V rows; a tied head is not written. Atomic: an existing folder
     * is replaced only once the new one is complete.
     */
    public static void export(Llama model, Path dir, Integer bosTokenId, Integer eosTokenId, String dtype,
                              long maxShardBytes) throws IOException {
        LlamaConfig c = model.config();
        for (Integer id : new Integer[]{bosTokenId, eosTokenId}) {
            if (id != null && (id < 0 || id >= c.vocabSize())) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
        }
        if (!Set.of("F32", "F16", "BF16").contains(dtype)) {
            throw new IllegalArgumentException("dtype must be F32, F16 or BF16, got " + dtype);
        }
        if (maxShardBytes < 0) throw new IllegalArgumentException("maxShardBytes must be >= 0, got " + maxShardBytes);
        dir = dir.toAbsolutePath();
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        try {
            AtomicFiles.writeString(tmp.resolve(HfFiles.CONFIG),
                    HfFiles.JSON.writeValueAsString(configJson(c, bosTokenId, eosTokenId, dtype)) + "\n");
            float[] all = model.backend().toArray(model.parameterData());
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> data = new LinkedHashMap<>();
            for (Param p : model.parameters()) {
                boolean vocabRows = p.name().equals(Llama.EMBED) || p.name().equals(Llama.HEAD);
                int[] shape = vocabRows ? new int[]{c.vocabSize(), c.nEmbd()} : p.shape();
                int n = Math.toIntExact(dev.flan4j.tensor.Shapes.size(shape));
                shapes.put(p.name(), shape);
                data.put(p.name(), Arrays.copyOfRange(all, (int) p.offset(), (int) p.offset() + n));
            }
            HfFiles.writeWeights(tmp, shapes, data, dtype, maxShardBytes);
            AtomicFiles.replaceDir(tmp, dir);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** {@link #export(Llama, Path, Integer, Integer, String, long)} in F32, one file. */
    public static void export(Llama model, Path dir, Integer bosTokenId, Integer eosTokenId) throws IOException {
        export(model, dir, bosTokenId, eosTokenId, "F32", 0);
    }
}
