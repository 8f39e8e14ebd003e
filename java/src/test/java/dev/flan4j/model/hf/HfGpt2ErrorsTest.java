package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.hf.HfFixtures.T;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rejected checkpoint names the file, the field or tensor, and what was expected against what was found. */
class HfGpt2ErrorsTest {
    private final CpuBackend be = new CpuBackend();
    private final GptConfig cfg = new GptConfig(100, 16, 2, 4, 32);
    @TempDir Path tmp;

    private Path write(Map<String, Object> config, Map<String, T> tensors) throws IOException {
        Path dir = tmp.resolve("hf");
        HfFixtures.write(dir, config, tensors, "transformer.");
        return dir;
    }

    private Map<String, T> tensors() { return new LinkedHashMap<>(HfFixtures.randomTensors(cfg, 7)); }

    private Map<String, Object> config() { return HfFixtures.config(cfg); }

    /** Loading fails with an IOException whose message contains every fragment. */
    private String fails(Path dir, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> HfGpt2.load(dir, be).close());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        return e.getMessage();
    }

    private String failsWithConfig(String key, Object value, String... fragments) throws IOException {
        Map<String, Object> c = config();
        c.put(key, value);
        return fails(write(c, tensors()), fragments);
    }

    @Test
    void otherArchitecturesAreRejected() throws IOException {
        Map<String, Object> c = config();
        c.put("model_type", "llama");
        c.put("architectures", java.util.List.of("LlamaForCausalLM"));
        fails(write(c, tensors()), "config.json", "model_type is \"llama\"", "expected \"gpt2\"", "LlamaForCausalLM");
        c.remove("model_type");
        fails(write(c, tensors()), "config.json", "model_type is missing");
    }

    @Test
    void unsupportedActivationIsRejected() throws IOException {
        failsWithConfig("activation_function", "relu", "config.json", "activation_function \"relu\"", "gelu_new",
                "gelu_pytorch_tanh");
        failsWithConfig("activation_function", "gelu", "activation_function \"gelu\"");
    }

    @Test
    void unsupportedAttentionVariantsAreRejected() throws IOException {
        failsWithConfig("scale_attn_by_inverse_layer_idx", true, "config.json", "scale_attn_by_inverse_layer_idx=true",
                "not supported");
        failsWithConfig("reorder_and_upcast_attn", true, "reorder_and_upcast_attn=true", "not supported");
        failsWithConfig("scale_attn_weights", false, "scale_attn_weights=false", "1/sqrt(head_dim)");
        failsWithConfig("add_cross_attention", true, "add_cross_attention=true");
    }

    @Test
    void otherLayerNormEpsilonAndMlpWidthAreRejected() throws IOException {
        failsWithConfig("layer_norm_epsilon", 1e-6, "layer_norm_epsilon=1.0E-6", "1.0E-5");
        failsWithConfig("n_inner", 64, "n_inner=64", "4 * n_embd = 128");
        // n_inner = 4 * n_embd explicitly is fine.
        Map<String, Object> c = config();
        c.put("n_inner", 128);
        HfGpt2.load(write(c, tensors()), be).close();
    }

    @Test
    void configThatIsNotAGpt2Shape() throws IOException {
        failsWithConfig("n_head", 5, "config.json", "n_embd=32 is not divisible by n_head=5");
        failsWithConfig("n_layer", 0, "n_layer must be a positive integer, got 0");
        failsWithConfig("vocab_size", "many", "vocab_size must be a positive integer, got many");
        Path dir = tmp.resolve("hf");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(HfGpt2.CONFIG), "{not json");
        fails(dir, "config.json", "not a valid JSON");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Map<String, T> w = tensors();
        w.remove("h.1.mlp.c_proj.bias");
        fails(write(config(), w), "missing tensor 'h.1.mlp.c_proj.bias'", "transformer.h.1.mlp.c_proj.bias",
                "model.safetensors");
    }

    @Test
    void configDisagreeingWithTensorsIsNamed() throws IOException {
        // More layers in the config than in the file.
        Map<String, Object> c = config();
        c.put("n_layer", 3);
        fails(write(c, tensors()), "missing tensor 'h.2.ln_1.weight'", "n_layer=3");
        // Fewer layers in the config than in the file.
        c.put("n_layer", 1);
        fails(write(c, tensors()), "unexpected tensors 'transformer.h.1.", "n_layer=1");
        // Another vocabulary size.
        c = config();
        c.put("vocab_size", 120);
        fails(write(c, tensors()), "tensor 'transformer.wte.weight'", "has shape [100, 32]", "needs [120, 32]",
                "config.json");
        // Another width.
        c = config();
        c.put("n_embd", 64);
        fails(write(c, tensors()), "tensor 'transformer.wte.weight'", "has shape [100, 32]", "needs [100, 64]");
        // Fewer positions.
        c = config();
        c.put("n_positions", 8);
        fails(write(c, tensors()), "tensor 'transformer.wpe.weight'", "has shape [16, 32]", "needs [8, 32]");
    }

    @Test
    void linearLayoutInsteadOfConv1dIsNamed() throws IOException {
        Map<String, T> w = tensors();
        T t = w.get("h.0.mlp.c_fc.weight");
        w.put(t.name(), new T(t.name(), new int[]{128, 32}, HfGpt2.transpose(t.data(), 32, 128)));
        fails(write(config(), w), "tensor 'transformer.h.0.mlp.c_fc.weight'", "has shape [128, 32]", "needs [32, 128]",
                "looks transposed", "Conv1D");
    }

    @Test
    void unexpectedTensorsAreNamed() throws IOException {
        Map<String, T> w = tensors();
        w.put("score.weight", new T("score.weight", new int[]{2, 32}, new float[64]));
        fails(write(config(), w), "unexpected tensor 'transformer.score.weight' in model.safetensors");
    }

    @Test
    void nonFloatDtypeIsNamed() throws IOException {
        Map<String, T> w = tensors();
        w.put("ln_f.bias", new T("ln_f.bias", "I32", new int[]{32}, null, new byte[4 * 32]));
        fails(write(config(), w), "tensor 'transformer.ln_f.bias'", "dtype I32", "F32, F16, BF16");
    }

    @Test
    void untiedLmHeadIsRejected() throws IOException {
        Map<String, T> w = tensors();
        T wte = w.get("wte.weight");
        float[] head = wte.data().clone();
        head[5] += 1f;
        Path dir = tmp.resolve("hf");
        HfFixtures.write(dir, config(), w, "transformer.");
        Map<String, T> all = new LinkedHashMap<>();
        w.forEach((k, v) -> all.put("transformer." + k, v.renamed("transformer." + k)));
        all.put("lm_head.weight", new T("lm_head.weight", wte.shape(), head));
        HfFixtures.writeSafetensors(dir.resolve(HfGpt2.MODEL), java.util.List.copyOf(all.values()));
        fails(dir, "tensor 'lm_head.weight'", "differs from wte.weight", "untied LM head is not supported");

        Map<String, Object> c = config();
        c.put("tie_word_embeddings", false);
        fails(write(c, tensors()), "tie_word_embeddings=false", "no lm_head.weight");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        fails(tmp.resolve("nowhere"), "nowhere", "does not exist");
        Path dir = tmp.resolve("hf");
        HfFixtures.writeConfig(dir, config());
        fails(dir, "neither model.safetensors nor model.safetensors.index.json");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[]{1});
        fails(dir, "pytorch_model.bin", "safe_serialization=True");
        Files.delete(dir.resolve(HfGpt2.CONFIG));
        HfFixtures.write(tmp.resolve("x"), config(), tensors(), "");
        Files.delete(tmp.resolve("x").resolve(HfGpt2.CONFIG));
        fails(tmp.resolve("x"), "config.json", "does not exist");
    }

    @Test
    void brokenShardIndexIsNamed() throws IOException {
        Path dir = tmp.resolve("hf");
        HfFixtures.writeConfig(dir, config());
        Files.writeString(dir.resolve(HfGpt2.INDEX), "{\"weight_map\": {\"transformer.wte.weight\": \"model-1.safetensors\"}}");
        fails(dir, "model.safetensors.index.json", "shard model-1.safetensors", "does not exist");
        Files.writeString(dir.resolve(HfGpt2.INDEX), "{\"weight_map\": {\"x\": \"../model-1.safetensors\"}}");
        fails(dir, "invalid shard");
    }

    @Test
    void truncatedWeightsAreNamed() throws IOException {
        Path dir = write(config(), tensors());
        byte[] b = Files.readAllBytes(dir.resolve(HfGpt2.MODEL));
        Files.write(dir.resolve(HfGpt2.MODEL), java.util.Arrays.copyOf(b, b.length - 10));
        fails(dir, "model.safetensors", "truncated");
    }
}
