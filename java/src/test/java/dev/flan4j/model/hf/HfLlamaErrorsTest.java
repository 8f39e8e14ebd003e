package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Safetensors;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unsupported Llama-family variants and broken folders: each an IOException naming the file, field and value. */
class HfLlamaErrorsTest {
    private final CpuBackend be = new CpuBackend();
    @TempDir Path tmp;

    /** A copy of a golden fixture folder with its config.json edited. */
    private Path withConfig(String fixture, Consumer<Map<String, Object>> edit) throws IOException {
        Path src = Golden.path(fixture), dst = tmp.resolve(fixture + "-" + System.nanoTime());
        Files.createDirectories(dst);
        Files.copy(src.resolve(HfGpt2.MODEL), dst.resolve(HfGpt2.MODEL));
        Map<String, Object> cfg = HfFixtures.readJson(src.resolve(HfGpt2.CONFIG));
        edit.accept(cfg);
        HfFixtures.writeConfig(dst, cfg);
        return dst;
    }

    private String loadError(Path dir) {
        return assertThrows(IOException.class, () -> HfLlama.load(dir, be)).getMessage();
    }

    private void rejects(String fixture, Consumer<Map<String, Object>> edit, String... expected) throws IOException {
        Path dir = withConfig(fixture, edit);
        String msg = loadError(dir);
        assertTrue(msg.contains(dir.resolve(HfGpt2.CONFIG).toString()), "names the file: " + msg);
        for (String e : expected) assertTrue(msg.contains(e), "'" + e + "' in: " + msg);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rope(Map<String, Object> cfg) {
        return (Map<String, Object>) cfg.get("rope_parameters");
    }

    @Test
    void unsupportedConfigValuesNameFileFieldAndValue() throws IOException {
        rejects("hf-llama-tiny", c -> c.put("model_type", "mistral"), "model_type", "\"mistral\"");
        rejects("hf-llama-tiny", c -> c.put("hidden_act", "gelu"), "hidden_act", "\"gelu\"");
        rejects("hf-llama-tiny", c -> c.put("mlp_bias", true), "mlp_bias=true");
        rejects("hf-llama-tiny", c -> c.put("num_key_value_heads", 3), "num_attention_heads=4", "num_key_value_heads=3");
        rejects("hf-llama-tiny", c -> c.put("head_dim", 15), "head_dim=15");
        rejects("hf-llama-tiny", c -> c.put("hidden_size", -64), "hidden_size", "-64");
        rejects("hf-llama-tiny", c -> c.remove("vocab_size"), "vocab_size is missing");
        rejects("hf-llama-tiny", c -> c.put("partial_rotary_factor", 0.5), "partial_rotary_factor=0.5");
        rejects("hf-llama-tiny", c -> rope(c).put("rope_type", "yarn"), "rope_parameters.rope_type", "\"yarn\"");
        rejects("hf-llama-tiny", c -> { c.remove("rope_parameters"); c.put("rope_scaling", Map.of("type", "dynamic", "factor", 2.0)); },
                "rope_scaling.rope_type", "\"dynamic\"");
        rejects("hf-llama-tiny", c -> { rope(c).put("rope_type", "llama3"); rope(c).put("factor", 8.0); },
                "low_freq_factor is missing");
        rejects("hf-llama-tiny", c -> rope(c).put("rope_theta", "big"), "rope_theta=big");
        rejects("hf-qwen2-tiny", c -> c.put("use_sliding_window", true), "use_sliding_window=true");
        rejects("hf-qwen2-tiny", c -> c.put("layer_types", List.of("full_attention", "sliding_attention")),
                "layer_types[1]", "\"sliding_attention\"");
    }

    @Test
    void transformers4ConfigsWithTopLevelRopeThetaAndLlama3ScalingLoad() throws IOException {
        Path dir = withConfig("hf-llama-tiny", c -> {
            c.remove("rope_parameters");
            c.put("rope_theta", 500000.0);
            c.put("torch_dtype", "float32");
            c.put("rope_scaling", Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0,
                    "high_freq_factor", 4.0, "original_max_position_embeddings", 64));
        });
        try (Llama m = HfLlama.load(dir, be)) {
            assertEquals(500000.0, m.config().ropeTheta());
            assertEquals(new LlamaConfig.RopeScaling("llama3", 8, 1, 4, 64), m.config().ropeScaling());
            Path out = tmp.resolve("out");
            HfLlama.export(m, out, 1, 2);   // the scaling survives export
            assertEquals(m.config(), HfLlama.readConfig(out.resolve(HfGpt2.CONFIG)));
        }
    }

    /** Rewrites the fixture's tensors through {@code edit} (name -> tensor), keeping the config. */
    private Path withTensors(String fixture, Consumer<Map<String, HfFixtures.T>> edit) throws IOException {
        Path src = Golden.path(fixture), dst = tmp.resolve(fixture + "-t" + System.nanoTime());
        Map<String, HfFixtures.T> t = new LinkedHashMap<>();
        for (Safetensors.Entry e : Safetensors.read(src.resolve(HfGpt2.MODEL)).tensors().values()) {
            t.put(e.name(), new HfFixtures.T(e.name(), e.shape(), e.data()));
        }
        edit.accept(t);
        HfFixtures.writeConfig(dst, HfFixtures.readJson(src.resolve(HfGpt2.CONFIG)));
        HfFixtures.writeSafetensors(dst.resolve(HfGpt2.MODEL), new ArrayList<>(t.values()));
        return dst;
    }

    @Test
    void missingMisshapedUnexpectedAndNonFloatTensors() throws IOException {
        String q = "model.layers.1.self_attn.q_proj.weight";
        String msg = loadError(withTensors("hf-llama-tiny", t -> t.remove("model.layers.1.mlp.up_proj.weight")));
        assertTrue(msg.contains("missing tensor 'model.layers.1.mlp.up_proj.weight'"), msg);
        msg = loadError(withTensors("hf-llama-tiny", t -> t.remove("lm_head.weight")));
        assertTrue(msg.contains("missing tensor 'lm_head.weight'") && msg.contains("tie_word_embeddings=false"), msg);
        msg = loadError(withTensors("hf-llama-tiny", t -> {
            HfFixtures.T k = t.get("model.layers.0.self_attn.k_proj.weight");
            t.put(k.name(), new HfFixtures.T(k.name(), new int[]{64, 32}, k.data()));
        }));
        assertTrue(msg.contains("'model.layers.0.self_attn.k_proj.weight'") && msg.contains("[64, 32]")
                && msg.contains("needs [32, 64]"), msg);
        msg = loadError(withTensors("hf-llama-tiny", t -> t.put("model.layers.0.self_attn.q_proj.bias",
                new HfFixtures.T("model.layers.0.self_attn.q_proj.bias", new int[]{64}, new float[64]))));
        assertTrue(msg.contains("unexpected tensor 'model.layers.0.self_attn.q_proj.bias'") && msg.contains("biases off"), msg);
        msg = loadError(withTensors("hf-llama-tiny", t -> t.put(q, new HfFixtures.T(q, "I32", new int[]{64, 64}, null,
                new byte[64 * 64 * 4]))));
        assertTrue(msg.contains("'" + q + "'") && msg.contains("dtype I32"), msg);
        msg = loadError(withTensors("hf-qwen2-tiny", t -> t.put("lm_head.weight",
                new HfFixtures.T("lm_head.weight", new int[]{1000, 64}, new float[64000]))));
        assertTrue(msg.contains("differs from model.embed_tokens.weight") && msg.contains("tie_word_embeddings=true"), msg);
    }

    @Test
    void baseModelNamesAndInvFreqBuffersLoad() throws IOException {
        Path dir = withTensors("hf-llama-tiny", t -> {
            Map<String, HfFixtures.T> renamed = new LinkedHashMap<>();
            t.forEach((k, v) -> {
                String n = k.startsWith("model.") ? k.substring(6) : k;
                renamed.put(n, v.renamed(n));
            });
            renamed.put("layers.0.self_attn.rotary_emb.inv_freq",
                    new HfFixtures.T("layers.0.self_attn.rotary_emb.inv_freq", new int[]{8}, new float[8]));
            t.clear();
            t.putAll(renamed);
        });
        try (Llama a = HfLlama.load(dir, be); Llama b = HfLlama.load(Golden.path("hf-llama-tiny"), be)) {
            assertArrayEquals(HfGpt2Test.bits(be.toArray(a.parameterData())), HfGpt2Test.bits(be.toArray(b.parameterData())));
        }
    }

    @Test
    void f16ExportRoundsToNearestAndReloads() throws IOException {
        try (Llama m = HfLlama.load(Golden.path("hf-llama-tiny"), be)) {
            Path out = tmp.resolve("f16");
            HfLlama.export(m, out, 1, 2, "F16", 0);
            assertEquals("float16", HfFixtures.readJson(out.resolve(HfGpt2.CONFIG)).get("torch_dtype"));
            Safetensors.Header h = Safetensors.readHeader(out.resolve(HfGpt2.MODEL));
            float[] f32 = be.toArray(m.param("model.layers.0.mlp.down_proj.weight"));
            float[] f16 = Safetensors.readTensor(h, "model.layers.0.mlp.down_proj.weight");
            assertEquals("F16", h.tensors().get("model.layers.0.mlp.down_proj.weight").dtype());
            for (int i = 0; i < f32.length; i++) {
                double halfUlp = Math.max(Math.ulp(f16[i]) * (1 << 12), 0x1p-25);   // half of an fp16 ulp (or subnormal step)
                assertTrue(Math.abs(f32[i] - f16[i]) <= halfUlp,
                        "element " + i + ": " + f32[i] + " -> " + f16[i]);
            }
            try (Llama r = HfLlama.load(out, be)) {
                assertEquals(m.config(), r.config());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HfLlama.export(m, tmp.resolve("x"), 1, 2, "F8", 0));
            assertTrue(e.getMessage().contains("F8"), e.getMessage());
        }
    }
}
