package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Safetensors;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The golden test against real transformers: {@code src/test/resources/hf/tiny-gpt2/} holds a small randomly
 * initialized {@code GPT2LMHeadModel} saved by transformers' {@code save_pretrained(safe_serialization=True)} and
 * {@code golden.json} (token ids, transformers' logits [T, V] and mean loss for labels = ids). Both are made by
 * {@code scripts/hf/make_gpt2_fixture.py}, which needs PyTorch and transformers; where the fixture is absent the test
 * is skipped, saying so.
 */
class HfGpt2GoldenTest {
    static final String FIXTURE = "hf/tiny-gpt2";
    /** Where the test leaves flan4j's export of the golden model, for scripts/hf/check_export.py. */
    static final Path EXPORT = Path.of("target", "hf-golden-export");

    private final CpuBackend be = new CpuBackend();

    static Path fixture() throws Exception {
        URL u = HfGpt2GoldenTest.class.getClassLoader().getResource(FIXTURE + "/golden.json");
        Assumptions.assumeTrue(u != null, "golden fixture src/test/resources/" + FIXTURE + "/ is absent: it must be"
                + " generated with real PyTorch + transformers by scripts/hf/make_gpt2_fixture.py (see scripts/hf/README.md)");
        return Path.of(u.toURI()).getParent();
    }

    @Test
    void logitsAndLossMatchTransformers() throws Exception {
        Path dir = fixture();
        JsonNode g = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        int[] ids = new int[g.get("input_ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = g.get("input_ids").get(i).asInt();
        try (Gpt m = HfGpt2.load(dir, be)) {
            GptConfig c = m.config();
            int V = c.vocabSize(), Vp = c.paddedVocabSize();
            JsonNode logits = g.get("logits");
            assertEquals(ids.length, logits.size());
            double loss = m.forward(HfGpt2Test.batch(ids));
            float[] got = be.toArray(m.logits());
            double maxDiff = 0;
            for (int t = 0; t < ids.length; t++) {
                assertEquals(V, logits.get(t).size());
                for (int v = 0; v < V; v++) {
                    maxDiff = Math.max(maxDiff, Math.abs(logits.get(t).get(v).asDouble() - got[t * Vp + v]));
                }
            }
            assertTrue(maxDiff <= 1e-4, "max |flan4j logit - transformers logit| = " + maxDiff);
            assertEquals(g.get("loss").asDouble(), loss, 1e-5, "mean cross-entropy for labels = ids");
        }
    }

    @Test
    void exportReproducesTheTransformersTensors() throws Exception {
        Path dir = fixture();
        try (Gpt m = HfGpt2.load(dir, be)) {
            HfGpt2.export(m, EXPORT);
        }
        Safetensors.Header theirs = Safetensors.readHeader(dir.resolve(HfGpt2.MODEL));
        Safetensors.Header ours = Safetensors.readHeader(EXPORT.resolve(HfGpt2.MODEL));
        int compared = 0;
        for (String name : theirs.tensors().keySet()) {
            String base = name.startsWith(HfGpt2.PREFIX) ? name.substring(HfGpt2.PREFIX.length()) : name;
            if (base.endsWith("attn.bias") || base.endsWith("attn.masked_bias") || base.equals("lm_head.weight")) continue;
            Safetensors.TensorInfo o = ours.tensors().get(HfGpt2.PREFIX + base);
            assertTrue(o != null, "export lacks " + base);
            assertArrayEquals(theirs.tensors().get(name).shape(), o.shape(), base);
            assertArrayEquals(HfGpt2Test.bits(Safetensors.readTensor(theirs, name)),
                    HfGpt2Test.bits(Safetensors.readTensor(ours, HfGpt2.PREFIX + base)), base);
            compared++;
        }
        assertEquals(ours.tensors().size(), compared);
        Map<String, Object> cfg = HfFixtures.readJson(dir.resolve(HfGpt2.CONFIG));
        Map<String, Object> exported = HfFixtures.readJson(EXPORT.resolve(HfGpt2.CONFIG));
        for (String k : new String[]{"model_type", "vocab_size", "n_positions", "n_embd", "n_layer", "n_head",
                "activation_function", "layer_norm_epsilon"}) {
            assertEquals(cfg.get(k), exported.get(k), k);
        }
        assertTrue(Files.isRegularFile(EXPORT.resolve(HfGpt2.CONFIG)));
    }
}
