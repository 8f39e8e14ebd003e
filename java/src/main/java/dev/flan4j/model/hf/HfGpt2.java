package dev.flan4j.model.hf;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.backend.Backend;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Param;
import dev.flan4j.model.Safetensors;
import dev.flan4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * GPT-2 checkpoints in Hugging Face's layout, in and out: {@code config.json} ({@code GPT2Config}) plus
 * {@code model.safetensors} (or {@code model.safetensors.index.json} and its shards), as written by
 * {@code GPT2LMHeadModel.save_pretrained}. Any size of the family loads (gpt2, -medium, -large, -xl).
 *
 * <p>Hugging Face's GPT-2 uses {@code Conv1D}, whose weights are stored [in, out]; flan4j stores linear weights
 * [out, in], so {@code c_attn}, {@code c_proj} and {@code c_fc} weights are transposed both ways. Hugging Face names the
 * embeddings {@code wte.weight} / {@code wpe.weight} (flan4j: {@code wte} / {@code wpe}), may prefix every name with
 * {@code transformer.}, and keeps the embedding table at V rows where flan4j pads it with zero rows to
 * {@link GptConfig#paddedVocabSize()}. The LM head is tied to {@code wte} on both sides; {@code attn.bias} and
 * {@code attn.masked_bias} (causal-mask buffers of older exports) are ignored.
 *
 * <p>Unsupported variants are rejected with the file, field or tensor, and what was expected: other
 * {@code model_type}s, activations other than {@code gelu_new} / {@code gelu_pytorch_tanh}, a layer-norm epsilon
 * other than 1e-5, {@code n_inner} other than 4 * n_embd, {@code scale_attn_weights=false},
 * {@code scale_attn_by_inverse_layer_idx}, {@code reorder_and_upcast_attn}, cross-attention, an untied LM head.
 */
public final class HfGpt2 {
    public static final String CONFIG = HfFiles.CONFIG;
    public static final String MODEL = HfFiles.MODEL;
    public static final String INDEX = HfFiles.INDEX;
    /** GPT-2's vocabulary size and end-of-text id (also its bos and eos). */
    public static final int GPT2_VOCAB = 50257, GPT2_EOT = 50256;
    /** The prefix {@code GPT2LMHeadModel} puts before the base model's tensor names. */
    public static final String PREFIX = "transformer.";
    static final double LN_EPS = 1e-5;
    private static final Set<String> ACTIVATIONS = Set.of("gelu_new", "gelu_pytorch_tanh");
    private static final Pattern MASK_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final List<String> LAYER_TENSORS = List.of("ln_1.weight", "ln_1.bias", "attn.c_attn.weight",
            "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight",
            "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfGpt2() {}

    // ---------------------------------------------------------------------------------------------------------------
    // Names and orientation
    // ---------------------------------------------------------------------------------------------------------------

    /** The Hugging Face name of a flan4j parameter, without the {@code transformer.} prefix ({@code wte -> wte.weight}). */
    public static String hfName(String flan4jName) {
        return flan4jName.equals("wte") || flan4jName.equals("wpe") ? flan4jName + ".weight" : flan4jName;
    }

    /** Whether a flan4j parameter is a Conv1D weight in Hugging Face's GPT-2 (stored transposed there). */
    static boolean isConv1dWeight(String flan4jName) {
        return flan4jName.endsWith("attn.c_attn.weight") || flan4jName.endsWith("attn.c_proj.weight")
                || flan4jName.endsWith("mlp.c_fc.weight") || flan4jName.endsWith("mlp.c_proj.weight");
    }

    /** The shape a flan4j parameter has in a Hugging Face file (V rows for wte, [in, out] for Conv1D weights). */
    static int[] hfShape(Param p, GptConfig c) {
        int[] s = p.shape();
        if (p.name().equals("wte")) return new int[]{c.vocabSize(), c.nEmbd()};
        if (isConv1dWeight(p.name())) return new int[]{s[1], s[0]};
        return s.clone();
    }

    /** [rows, cols] row-major -> [cols, rows] row-major. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[base + c];
        }
        return t;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // config.json
    // ---------------------------------------------------------------------------------------------------------------

    /** What flan4j takes from a GPT2Config: the architecture and whether the LM head is tied. */
    record HfConfig(GptConfig config, boolean tieWordEmbeddings) {}

    /** Reads and validates a Hugging Face GPT-2 {@code config.json}; missing fields take GPT2Config's defaults. */
    public static GptConfig readConfig(Path file) throws IOException {
        return parseConfig(file).config();
    }

    static HfConfig parseConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("Hugging Face config " + file + " does not exist");
        Map<String, Object> m;
        try {
            m = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new IOException("Hugging Face config " + file + " is not a valid JSON object: " + e.getMessage(), e);
        }
        if (m == null) throw new IOException("Hugging Face config " + file + " is not a valid JSON object: it is null");
        Object type = m.get("model_type");
        if (!"gpt2".equals(type)) {
            throw new IOException(file + ": model_type is " + (type == null ? "missing" : "\"" + type + "\"")
                    + ", expected \"gpt2\" (only GPT-2 family checkpoints are supported; architectures="
                    + m.get("architectures") + ")");
        }
        int vocab = intField(m, "vocab_size", 50257, file);
        int positions = intField(m, "n_positions", 1024, file);
        int embd = intField(m, "n_embd", 768, file);
        int layers = intField(m, "n_layer", 12, file);
        int heads = intField(m, "n_head", 12, file);
        if (embd % heads != 0) {
            throw new IOException(file + ": n_embd=" + embd + " is not divisible by n_head=" + heads);
        }
        Object inner = m.get("n_inner");
        if (inner != null && !(inner instanceof Number n && n.doubleValue() == 4.0 * embd)) {
            throw new IOException(file + ": n_inner=" + inner + " is not supported; flan4j's MLP has 4 * n_embd = "
                    + 4 * embd + " channels (n_inner null or " + 4 * embd + ")");
        }
        Object act = m.getOrDefault("activation_function", "gelu_new");
        if (!ACTIVATIONS.contains(act)) {
            throw new IOException(file + ": activation_function \"" + act + "\" is not supported; expected one of "
                    + new java.util.TreeSet<>(ACTIVATIONS) + " (GELU, tanh approximation)");
        }
        Object eps = m.getOrDefault("layer_norm_epsilon", LN_EPS);
        if (!(eps instanceof Number e) || Math.abs(e.doubleValue() - LN_EPS) > 1e-12) {
            throw new IOException(file + ": layer_norm_epsilon=" + eps + " is not supported; flan4j's layer norm uses "
                    + LN_EPS);
        }
        requireFlag(m, "scale_attn_weights", true, file, "flan4j always scales attention scores by 1/sqrt(head_dim)");
        requireFlag(m, "scale_attn_by_inverse_layer_idx", false, file,
                "flan4j does not scale attention by 1/(layer_idx+1) (a Mistral/Stanford-CRFM variant)");
        requireFlag(m, "reorder_and_upcast_attn", false, file,
                "the reordered/upcast attention variant is not supported");
        requireFlag(m, "add_cross_attention", false, file, "cross-attention (encoder-decoder GPT-2) is not supported");
        boolean tied = flag(m, "tie_word_embeddings", true, file);
        try {
            return new HfConfig(new GptConfig(vocab, positions, layers, heads, embd), tied);
        } catch (IllegalArgumentException ex) {
            throw new IOException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static int intField(Map<String, Object> m, String key, int dflt, Path file) throws IOException {
        if (!m.containsKey(key)) return dflt;
        Object v = m.get(key);
        if (v instanceof Integer i && i > 0) return i;
        throw new IOException(file + ": " + key + " must be a positive integer, got " + v);
    }

    private static boolean flag(Map<String, Object> m, String key, boolean dflt, Path file) throws IOException {
        Object v = m.getOrDefault(key, dflt);
        if (v instanceof Boolean b) return b;
        throw new IOException(file + ": " + key + " must be true or false, got " + v);
    }

    private static void requireFlag(Map<String, Object> m, String key, boolean required, Path file, String why)
            throws IOException {
        if (flag(m, key, required, file) != required) {
            throw new IOException(file + ": " + key + "=" + !required + " is not supported (expected " + required
                    + "): " + why);
        }
    }

    /**
     * The complete {@code GPT2Config} that transformers writes for a {@code GPT2LMHeadModel} of this architecture
     * (keys sorted, as {@code save_pretrained} writes them). {@code eosTokenId} is also the bos id; null writes null.
     */
    public static Map<String, Object> configJson(GptConfig c, Integer eosTokenId) {
        Map<String, Object> m = new TreeMap<>();
        m.put("activation_function", "gelu_new");
        m.put("architectures", List.of("GPT2LMHeadModel"));
        m.put("attn_pdrop", 0.1);
        m.put("bos_token_id", eosTokenId);
        m.put("embd_pdrop", 0.1);
        m.put("eos_token_id", eosTokenId);
        m.put("initializer_range", 0.02);
        m.put("layer_norm_epsilon", LN_EPS);
        m.put("model_type", "gpt2");
        m.put("n_ctx", c.blockSize());
        m.put("n_embd", c.nEmbd());
        m.put("n_head", c.nHead());
        m.put("n_inner", null);
        m.put("n_layer", c.nLayer());
        m.put("n_positions", c.blockSize());
        m.put("reorder_and_upcast_attn", false);
        m.put("resid_pdrop", 0.1);
        m.put("scale_attn_by_inverse_layer_idx", false);
        m.put("scale_attn_weights", true);
        m.put("summary_activation", null);
        m.put("summary_first_dropout", 0.1);
        m.put("summary_proj_to_labels", true);
        m.put("summary_type", "cls_index");
        m.put("summary_use_proj", true);
        m.put("tie_word_embeddings", true);
        m.put("torch_dtype", "float32");
        m.put("use_cache", true);
        m.put("vocab_size", c.vocabSize());
        return m;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Load
    // ---------------------------------------------------------------------------------------------------------------

    /** Where a tensor lives: its file's header and its name there. */
    private record Located(Safetensors.Header header, String name) {
        Safetensors.TensorInfo info() { return header.tensors().get(name); }
        String where() { return "tensor '" + name + "' in " + header.file(); }
    }

    /**
     * Loads a Hugging Face GPT-2 checkpoint folder onto a backend: {@code config.json} and {@code model.safetensors}
     * or {@code model.safetensors.index.json} with its shards. F32, F16, BF16 and F64 tensors are converted to float.
     *
     * @throws IOException naming the file, field or tensor and what was expected, for anything flan4j cannot run
     *     exactly as transformers would
     */
    public static Gpt load(Path dir, Backend backend) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("Hugging Face checkpoint folder " + dir + " does not exist");
        HfConfig hc = parseConfig(dir.resolve(CONFIG));
        GptConfig cfg = hc.config();
        Map<String, Located> byName = index(dir, cfg);
        Gpt model = new Gpt(cfg, backend);
        try {
            float[] wte = null;
            for (Param p : model.parameters()) {
                String base = hfName(p.name());
                Located loc = byName.get(base);
                if (loc == null) {
                    throw new IOException(dir + ": missing tensor '" + base + "' (or '" + PREFIX + base + "') in "
                            + weightFiles(byName, dir) + "; a GPT-2 with n_layer=" + cfg.nLayer() + " needs it");
                }
                float[] data = readChecked(loc, hfShape(p, cfg), dir);
                if (p.name().equals("wte")) {
                    wte = data;
                    data = Arrays.copyOf(data, Math.toIntExact(p.size()));   // zero rows V..Vp-1
                } else if (isConv1dWeight(p.name())) {
                    data = transpose(data, p.shape()[1], p.shape()[0]);      // [in, out] -> [out, in]
                }
                try (Tensor src = backend.fromArray(data, p.shape())) {
                    backend.copy(model.param(p.name()), src);
                }
            }
            checkLmHead(byName.get("lm_head.weight"), wte, hc, dir);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static float[] readChecked(Located loc, int[] shape, Path dir) throws IOException {
        Safetensors.TensorInfo t = loc.info();
        if (!Arrays.equals(t.shape(), shape)) {
            String hint = t.shape().length == 2 && shape.length == 2 && t.shape()[0] == shape[1] && t.shape()[1] == shape[0]
                    ? " (it looks transposed: Hugging Face GPT-2 stores Conv1D weights [in, out])" : "";
            throw new IOException(loc.where() + " has shape " + Arrays.toString(t.shape()) + ", but " + dir.resolve(CONFIG)
                    + " needs " + Arrays.toString(shape) + hint);
        }
        if (!t.isFloat()) {
            throw new IOException(loc.where() + " has dtype " + t.dtype() + "; expected F32, F16, BF16 or F64");
        }
        return Safetensors.readTensor(loc.header(), loc.name());
    }

    private static void checkLmHead(Located lm, float[] wte, HfConfig hc, Path dir) throws IOException {
        GptConfig c = hc.config();
        if (lm == null) {
            if (!hc.tieWordEmbeddings()) {
                throw new IOException(dir.resolve(CONFIG) + ": tie_word_embeddings=false, but there is no lm_head.weight;"
                        + " flan4j's LM head is tied to wte");
            }
            return;
        }
        float[] head = readChecked(lm, new int[]{c.vocabSize(), c.nEmbd()}, dir);
        if (!Arrays.equals(head, wte)) {
            throw new IOException(lm.where() + " differs from wte.weight: an untied LM head is not supported"
                    + " (flan4j ties the LM head to the token embeddings)");
        }
    }

    /** Every tensor of the checkpoint by its name without the {@code transformer.} prefix; rejects unknown ones. */
    private static Map<String, Located> index(Path dir, GptConfig cfg) throws IOException {
        List<Safetensors.Header> headers = HfFiles.headers(dir);
        Set<String> known = new java.util.HashSet<>(List.of("wte.weight", "wpe.weight", "ln_f.weight", "ln_f.bias",
                "lm_head.weight"));
        for (int l = 0; l < cfg.nLayer(); l++) {
            for (String s : LAYER_TENSORS) known.add("h." + l + "." + s);
        }
        Map<String, Located> out = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Safetensors.Header h : headers) {
            for (String name : h.tensors().keySet()) {
                String base = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
                if (MASK_BUFFER.matcher(base).matches()) continue;   // causal-mask buffers of older exports
                if (!known.contains(base)) {
                    unexpected.add("'" + name + "' in " + h.file().getFileName());
                    continue;
                }
                Located prev = out.put(base, new Located(h, name));
                if (prev != null) {
                    throw new IOException(dir + ": tensor '" + base + "' appears twice: as '" + prev.name() + "' in "
                            + prev.header().file().getFileName() + " and as '" + name + "' in " + h.file().getFileName());
                }
            }
        }
        if (!unexpected.isEmpty()) {
            throw new IOException(dir + ": unexpected tensor" + (unexpected.size() > 1 ? "s " : " ")
                    + String.join(", ", unexpected.subList(0, Math.min(5, unexpected.size())))
                    + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : "")
                    + " for a GPT-2 with n_layer=" + cfg.nLayer() + " (not a GPT2LMHeadModel / GPT2Model checkpoint?)");
        }
        return out;
    }

    private static String weightFiles(Map<String, Located> byName, Path dir) {
        Set<String> files = new java.util.TreeSet<>();
        for (Located l : byName.values()) files.add(l.header().file().getFileName().toString());
        return files.isEmpty() ? dir.resolve(MODEL).toString() : String.join(", ", files);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Export
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Writes the model as a Hugging Face GPT-2 folder that {@code GPT2LMHeadModel.from_pretrained(dir)} opens:
     * {@code config.json} and {@code model.safetensors} (F32, names prefixed {@code transformer.}, Conv1D weights
     * [in, out], wte at V rows, no lm_head.weight since it is tied). bos/eos are 50256 when V is GPT-2's 50,257,
     * otherwise null (see {@link #export(Gpt, Path, Integer)}). Atomic: an existing folder is replaced only once the
     * new one is complete.
     */
    public static void export(Gpt model, Path dir) throws IOException {
        export(model, dir, model.config().vocabSize() == GPT2_VOCAB ? GPT2_EOT : null);
    }

    /** {@link #export(Gpt, Path)} with a given bos/eos token id (the tokenizer's end of text), or null. */
    public static void export(Gpt model, Path dir, Integer eosTokenId) throws IOException {
        export(model, dir, eosTokenId, "F32");
    }

    /**
     * {@link #export(Gpt, Path, Integer)} storing the weights as {@code dtype}: F32, F16 or BF16 (rounded to nearest
     * even, as torch's {@code .to()} does); F16 halves the folder and is how the shipped base models are stored.
     */
    public static void export(Gpt model, Path dir, Integer eosTokenId, String dtype) throws IOException {
        GptConfig c = model.config();
        if (eosTokenId != null && (eosTokenId < 0 || eosTokenId >= c.vocabSize())) {
            throw new IllegalArgumentException("eosTokenId " + eosTokenId + " is outside the vocabulary [0, "
                    + c.vocabSize() + ")");
        }
        dir = dir.toAbsolutePath();
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        try {
            Map<String, Object> config = new LinkedHashMap<>(configJson(c, eosTokenId));
            config.put("torch_dtype", switch (dtype) {
                case "F16" -> "float16";
                case "BF16" -> "bfloat16";
                default -> "float32";
            });
            AtomicFiles.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(config) + "\n");
            float[] all = model.backend().toArray(model.parameterData());
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> data = new LinkedHashMap<>();
            for (Param p : model.parameters()) {
                int off = (int) p.offset();
                int[] shape = hfShape(p, c);
                float[] v = Arrays.copyOfRange(all, off, off + Math.toIntExact(dev.flan4j.tensor.Shapes.size(shape)));
                if (isConv1dWeight(p.name())) v = transpose(v, p.shape()[0], p.shape()[1]);   // [out, in] -> [in, out]
                String name = PREFIX + hfName(p.name());
                shapes.put(name, shape);
                data.put(name, v);
            }
            Safetensors.write(tmp.resolve(MODEL), shapes, data, Map.of("format", "pt"), dtype);
            AtomicFiles.replaceDir(tmp, dir);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }
}
