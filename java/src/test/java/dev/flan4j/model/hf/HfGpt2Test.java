package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Param;
import dev.flan4j.model.Safetensors;
import dev.flan4j.model.hf.HfFixtures.T;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and exporting Hugging Face GPT-2 checkpoints: orientation, names, dtypes, shards, round trips. */
class HfGpt2Test {
    private final CpuBackend be = new CpuBackend();
    /** V=100 is not a multiple of 64 (wte padded to 128 rows); C=32, 4 heads of 8; 2 layers; 16 positions. */
    private final GptConfig cfg = new GptConfig(100, 16, 2, 4, 32);
    private final int[] ids = {5, 99, 0, 42, 42, 7, 63, 64, 17, 3, 88, 1};
    @TempDir Path tmp;

    /** A flan4j model whose every parameter is random (biases and norms too); padded wte rows zero. */
    static Gpt randomModel(GptConfig c, CpuBackend be, long seed) {
        Gpt m = new Gpt(c, be);
        SplittableRandom r = new SplittableRandom(seed);
        float[] all = new float[Math.toIntExact(m.numParameters())];
        for (int i = 0; i < all.length; i++) all[i] = (float) (0.2 * r.nextGaussian());
        for (Param p : m.parameters()) {
            if (p.name().contains("ln_") && p.name().endsWith(".weight")) {
                for (int i = 0; i < p.size(); i++) all[(int) p.offset() + i] += 1f;
            }
        }
        Arrays.fill(all, c.vocabSize() * c.nEmbd(), c.paddedVocabSize() * c.nEmbd(), 0f);
        m.loadParameters(all);
        return m;
    }

    static float[] logits(Gpt m, int[] ids) {
        int[] targets = new int[ids.length];
        for (int t = 0; t < ids.length; t++) targets[t] = t + 1 < ids.length ? ids[t + 1] : Batch.IGNORE;
        m.forward(Batch.rows(1, ids.length, ids, targets));
        return m.backend().toArray(m.logits());
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Export -> load
    // -----------------------------------------------------------------------------------------------------------------

    @Test
    void exportThenLoadIsBitIdenticalWithIdenticalLogits() throws IOException {
        try (Gpt m = randomModel(cfg, be, 1)) {
            Path dir = tmp.resolve("hf");
            HfGpt2.export(m, dir);
            try (Gpt l = HfGpt2.load(dir, be)) {
                assertEquals(cfg, l.config());
                assertArrayEquals(bits(be.toArray(m.parameterData())), bits(be.toArray(l.parameterData())));
                assertArrayEquals(bits(logits(m, ids)), bits(logits(l, ids)));
            }
        }
    }

    @Test
    void exportWritesHuggingFaceNamesOrientationAndConfig() throws IOException {
        try (Gpt m = randomModel(cfg, be, 2)) {
            Path dir = tmp.resolve("hf");
            HfGpt2.export(m, dir);
            Safetensors.Header h = Safetensors.readHeader(dir.resolve(HfGpt2.MODEL));
            assertEquals("pt", h.metadata().get("format"), "transformers requires format=pt");
            for (String k : h.metadata().keySet()) {   // besides format, only flan4j's per-tensor checksums
                assertTrue(k.equals("format") || k.startsWith(Safetensors.CHECKSUM_PREFIX), k);
            }
            assertEquals(2 + 2 * 12 + 2, h.tensors().size());
            assertArrayEquals(new int[]{100, 32}, h.tensors().get("transformer.wte.weight").shape());   // unpadded
            assertArrayEquals(new int[]{16, 32}, h.tensors().get("transformer.wpe.weight").shape());
            assertArrayEquals(new int[]{32, 96}, h.tensors().get("transformer.h.0.attn.c_attn.weight").shape());
            assertArrayEquals(new int[]{32, 32}, h.tensors().get("transformer.h.1.attn.c_proj.weight").shape());
            assertArrayEquals(new int[]{32, 128}, h.tensors().get("transformer.h.1.mlp.c_fc.weight").shape());
            assertArrayEquals(new int[]{128, 32}, h.tensors().get("transformer.h.1.mlp.c_proj.weight").shape());
            assertFalse(h.tensors().containsKey("lm_head.weight"), "the tied head is not written");
            for (Safetensors.TensorInfo t : h.tensors().values()) assertEquals("F32", t.dtype(), t.name());
            // Conv1D [in, out] = flan4j [out, in] transposed.
            float[] hf = Safetensors.readTensor(h, "transformer.h.1.mlp.c_fc.weight");
            float[] fl = be.toArray(m.param("h.1.mlp.c_fc.weight"));
            for (int o = 0; o < 128; o++) {
                for (int i = 0; i < 32; i++) assertEquals(fl[o * 32 + i], hf[i * 128 + o]);
            }

            Map<String, Object> c = HfFixtures.readJson(dir.resolve(HfGpt2.CONFIG));
            assertEquals("gpt2", c.get("model_type"));
            assertEquals(List.of("GPT2LMHeadModel"), c.get("architectures"));
            assertEquals(100, c.get("vocab_size"));
            assertEquals(16, c.get("n_positions"));
            assertEquals(16, c.get("n_ctx"));
            assertEquals(32, c.get("n_embd"));
            assertEquals(4, c.get("n_head"));
            assertEquals(2, c.get("n_layer"));
            assertEquals("gelu_new", c.get("activation_function"));
            assertEquals(1e-5, ((Number) c.get("layer_norm_epsilon")).doubleValue());
            assertEquals(true, c.get("tie_word_embeddings"));
            assertEquals(false, c.get("scale_attn_by_inverse_layer_idx"));
            assertEquals(false, c.get("reorder_and_upcast_attn"));
            assertTrue(c.containsKey("n_inner") && c.get("n_inner") == null);
            assertTrue(c.containsKey("bos_token_id") && c.get("bos_token_id") == null, "V != 50257: no GPT-2 eos");
            assertEquals(new ArrayList<>(new java.util.TreeSet<>(c.keySet())), new ArrayList<>(c.keySet()), "sorted keys");
            try (var s = Files.list(dir)) {
                assertEquals(List.of("config.json", "model.safetensors"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            try (var s = Files.list(tmp)) {
                assertEquals(1, s.count(), "no temporary folders left");
            }
        }
    }

    @Test
    void gpt2VocabularyGetsBosAndEos50256AndExplicitEosIsWritten() throws IOException {
        try (Gpt m = new Gpt(new GptConfig(50257, 8, 1, 2, 8), be)) {
            HfGpt2.export(m, tmp.resolve("a"));
            Map<String, Object> c = HfFixtures.readJson(tmp.resolve("a").resolve(HfGpt2.CONFIG));
            assertEquals(50256, c.get("bos_token_id"));
            assertEquals(50256, c.get("eos_token_id"));
            assertEquals(50257, c.get("vocab_size"));
        }
        try (Gpt m = randomModel(cfg, be, 3)) {
            HfGpt2.export(m, tmp.resolve("b"), 99);
            assertEquals(99, HfFixtures.readJson(tmp.resolve("b").resolve(HfGpt2.CONFIG)).get("eos_token_id"));
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> HfGpt2.export(m, tmp.resolve("c"), 100));
            assertTrue(e.getMessage().contains("100"), e.getMessage());
        }
    }

    @Test
    void loadExportLoadIsBitIdenticalAndFilesAreByteIdentical() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        try (Gpt m = randomModel(cfg, be, 4)) {
            HfGpt2.export(m, a);
        }
        try (Gpt l1 = HfGpt2.load(a, be)) {
            HfGpt2.export(l1, b);
            try (Gpt l2 = HfGpt2.load(b, be)) {
                assertArrayEquals(bits(be.toArray(l1.parameterData())), bits(be.toArray(l2.parameterData())));
            }
        }
        assertArrayEquals(Files.readAllBytes(a.resolve(HfGpt2.MODEL)), Files.readAllBytes(b.resolve(HfGpt2.MODEL)));
        assertArrayEquals(Files.readAllBytes(a.resolve(HfGpt2.CONFIG)), Files.readAllBytes(b.resolve(HfGpt2.CONFIG)));
        // Exporting over an existing folder replaces it atomically.
        try (Gpt m = randomModel(cfg, be, 5)) {
            HfGpt2.export(m, a);
            try (Gpt l = HfGpt2.load(a, be)) {
                assertArrayEquals(bits(be.toArray(m.parameterData())), bits(be.toArray(l.parameterData())));
            }
        }
        try (var s = Files.list(tmp)) {
            assertEquals(2, s.count());
        }
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Hand-written HF checkpoints -> load, checked against an independent reference forward
    // -----------------------------------------------------------------------------------------------------------------

    @Test
    void handWrittenConv1dCheckpointMatchesTheReferenceForward() throws IOException {
        Map<String, T> w = HfFixtures.randomTensors(cfg, 11);
        Path dir = tmp.resolve("hf");
        HfFixtures.write(dir, HfFixtures.config(cfg), w, "transformer.");
        try (Gpt m = HfGpt2.load(dir, be)) {
            // Orientation, element by element: c_fc is [C, 4C] in the file, [4C, C] in flan4j.
            float[] hf = w.get("h.0.mlp.c_fc.weight").data(), fl = be.toArray(m.param("h.0.mlp.c_fc.weight"));
            for (int i = 0; i < 32; i++) {
                for (int o = 0; o < 128; o++) assertEquals(hf[i * 128 + o], fl[o * 32 + i]);
            }
            float[] wte = be.toArray(m.param("wte"));
            assertEquals(128 * 32, wte.length);
            for (int i = 100 * 32; i < wte.length; i++) assertEquals(0f, wte[i], "padded rows are zero");

            double[][] ref = HfFixtures.referenceLogits(cfg, w, ids);
            float[] got = logits(m, ids);
            int Vp = cfg.paddedVocabSize();
            double maxDiff = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < cfg.vocabSize(); v++) maxDiff = Math.max(maxDiff, Math.abs(ref[t][v] - got[t * Vp + v]));
            }
            assertTrue(maxDiff < 1e-4, "max |logit - reference| = " + maxDiff);
            double loss = m.forward(batch(ids));
            assertEquals(HfFixtures.referenceLoss(ref, ids), loss, 1e-5);
        }
    }

    @Test
    void swappedOrientationWouldBeCaughtByTheReference() throws IOException {
        // Control for the test above: a square c_proj stored [out, in] loads without a shape error but diverges.
        Map<String, T> w = HfFixtures.randomTensors(cfg, 12);
        Map<String, T> bad = new LinkedHashMap<>(w);
        T p = w.get("h.0.attn.c_proj.weight");
        bad.put(p.name(), new T(p.name(), p.shape(), HfGpt2.transpose(p.data(), 32, 32)));
        Path dir = tmp.resolve("hf");
        HfFixtures.write(dir, HfFixtures.config(cfg), bad, "");
        try (Gpt m = HfGpt2.load(dir, be)) {
            double[][] ref = HfFixtures.referenceLogits(cfg, w, ids);
            float[] got = logits(m, ids);
            double maxDiff = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < 100; v++) maxDiff = Math.max(maxDiff, Math.abs(ref[t][v] - got[t * 128 + v]));
            }
            assertTrue(maxDiff > 1e-2, "a transposed c_proj must change the logits, max diff " + maxDiff);
        }
    }

    static Batch batch(int[] ids) {
        int[] targets = new int[ids.length];
        for (int t = 0; t < ids.length; t++) targets[t] = t + 1 < ids.length ? ids[t + 1] : Batch.IGNORE;
        return Batch.rows(1, ids.length, ids, targets);
    }

    @Test
    void olderExportLayoutLoads_noPrefix_maskBuffers_tiedLmHead() throws IOException {
        Map<String, T> w = HfFixtures.randomTensors(cfg, 13);
        Path ref = tmp.resolve("ref"), old = tmp.resolve("old");
        HfFixtures.write(ref, HfFixtures.config(cfg), w, "transformer.");
        Map<String, T> o = new LinkedHashMap<>(w);
        for (int l = 0; l < cfg.nLayer(); l++) {
            byte[] mask = new byte[16 * 16];
            for (int i = 0; i < 16; i++) for (int j = 0; j <= i; j++) mask[i * 16 + j] = 1;
            o.put("h." + l + ".attn.bias", new T("h." + l + ".attn.bias", "U8", new int[]{1, 1, 16, 16}, null, mask));
            o.put("h." + l + ".attn.masked_bias", new T("h." + l + ".attn.masked_bias", new int[]{}, new float[]{-1e4f}));
        }
        T wte = w.get("wte.weight");
        o.put("lm_head.weight", new T("lm_head.weight", wte.shape(), wte.data().clone()));
        Map<String, Object> c = HfFixtures.config(cfg);
        c.put("activation_function", "gelu_pytorch_tanh");
        HfFixtures.write(old, c, o, "");
        try (Gpt a = HfGpt2.load(ref, be); Gpt b = HfGpt2.load(old, be)) {
            assertArrayEquals(bits(be.toArray(a.parameterData())), bits(be.toArray(b.parameterData())));
        }
    }

    @Test
    void bf16AndF16TensorsAreConverted() throws IOException {
        Map<String, T> w = HfFixtures.randomTensors(cfg, 14);
        Map<String, T> half = new LinkedHashMap<>();
        int k = 0;
        for (T t : w.values()) half.put(t.name(), t.withDtype(k++ % 2 == 0 ? "BF16" : "F16"));
        Path dir = tmp.resolve("half");
        HfFixtures.write(dir, HfFixtures.config(cfg), half, "transformer.");
        try (Gpt m = HfGpt2.load(dir, be)) {
            k = 0;
            for (T t : w.values()) {
                boolean bf = k++ % 2 == 0;
                float[] expect = t.data().clone();
                for (int i = 0; i < expect.length; i++) expect[i] = bf ? HfFixtures.toBf16(expect[i]) : HfFixtures.toF16(expect[i]);
                String name = t.name().equals("wte.weight") ? "wte" : t.name().equals("wpe.weight") ? "wpe" : t.name();
                float[] got = be.toArray(m.param(name));
                if (name.equals("wte")) got = Arrays.copyOf(got, expect.length);
                if (HfGpt2.isConv1dWeight(name)) got = HfGpt2.transpose(got, t.shape()[1], t.shape()[0]);
                assertArrayEquals(bits(expect), bits(got), t.name() + " " + (bf ? "BF16" : "F16"));
            }
        }
    }

    @Test
    void shardedCheckpointLoads() throws IOException {
        Path one = tmp.resolve("one"), sharded = tmp.resolve("sharded");
        try (Gpt m = randomModel(cfg, be, 15)) {
            HfGpt2.export(m, one);
        }
        Safetensors.Header h = Safetensors.readHeader(one.resolve(HfGpt2.MODEL));
        List<T> s1 = new ArrayList<>(), s2 = new ArrayList<>();
        Map<String, Object> weightMap = new LinkedHashMap<>();
        for (Safetensors.TensorInfo t : h.tensors().values()) {
            boolean first = t.name().contains("h.0.") || t.name().contains("wte") || t.name().contains("wpe");
            (first ? s1 : s2).add(new T(t.name(), t.shape(), Safetensors.readTensor(h, t.name())));
            weightMap.put(t.name(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        HfFixtures.writeSafetensors(sharded.resolve("model-00001-of-00002.safetensors"), s1);
        HfFixtures.writeSafetensors(sharded.resolve("model-00002-of-00002.safetensors"), s2);
        Files.copy(one.resolve(HfGpt2.CONFIG), sharded.resolve(HfGpt2.CONFIG));
        Files.writeString(sharded.resolve(HfGpt2.INDEX), HfFixtures.JSON.writeValueAsString(
                Map.of("metadata", Map.of("total_size", 4 * 1000), "weight_map", weightMap)));
        try (Gpt a = HfGpt2.load(one, be); Gpt b = HfGpt2.load(sharded, be)) {
            assertArrayEquals(bits(be.toArray(a.parameterData())), bits(be.toArray(b.parameterData())));
        }
    }

    @Test
    void readConfigAppliesGpt2ConfigDefaults() throws IOException {
        Path dir = tmp.resolve("c");
        HfFixtures.writeConfig(dir, Map.of("model_type", "gpt2"));
        assertEquals(GptConfig.preset("gpt2"), HfGpt2.readConfig(dir.resolve(HfGpt2.CONFIG)));
        Map<String, Object> xl = new LinkedHashMap<>(Map.of("model_type", "gpt2", "n_embd", 1600, "n_head", 25,
                "n_layer", 48, "n_positions", 1024, "vocab_size", 50257, "n_ctx", 1024));
        HfFixtures.writeConfig(dir, xl);
        assertEquals(new GptConfig(50257, 1024, 48, 25, 1600), HfGpt2.readConfig(dir.resolve(HfGpt2.CONFIG)));
    }
}
