package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Safetensors;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden test against real transformers: the fixtures {@code hf-gpt2-tiny*} of {@code src/test/resources/hf/fixtures/}
 * are small randomly initialised {@code GPT2LMHeadModel}s saved by {@code save_pretrained}, with the logits, next-token
 * log-probabilities and losses that transformers 5.18.0 computed on four sequences (1 to 64 tokens; see the README
 * there for the producer and its checks).
 */
class HfGpt2GoldenTest {
    /** fp32 forward vs fp32 forward: the fixtures' README measures an independent float64 check at <= 2e-6. */
    static final double TOL = 1e-4;
    /** The loss is a mean of fp32 log-probabilities: equal up to float rounding. */
    static final double LOSS_TOL = 1e-5;

    /** Where the test leaves flan4j's export of the F32 fixture, for scripts/hf/check_export.py. */
    static final Path EXPORT = Path.of("target", "hf-golden-export");

    private final CpuBackend be = new CpuBackend();
    @TempDir Path tmp;

    static Golden.Model adapter(Gpt m) {
        return new Golden.Model() {
            @Override public double forward(Batch b) { return m.forward(b); }
            @Override public float[] logits() { return m.backend().toArray(m.logits()); }
            @Override public int paddedVocab() { return m.config().paddedVocabSize(); }
        };
    }

    private void matches(String fixture) throws Exception {
        Golden g = Golden.load(fixture);
        assertEquals("gpt2", g.modelType);
        try (Gpt m = HfGpt2.load(g.dir, be)) {
            assertEquals(new GptConfig(1000, 64, 2, 4, 64), m.config());
            g.check(adapter(m), TOL, LOSS_TOL);
        }
    }

    @Test
    void f32LogitsLogprobsAndLossMatchTransformers() throws Exception {
        matches("hf-gpt2-tiny");
    }

    /** The goldens of the F16 file were computed from its fp16-rounded weights widened to fp32: the same fp32 bound. */
    @Test
    void f16CheckpointMatchesTransformersOnItsRoundedWeights() throws Exception {
        matches("hf-gpt2-tiny-f16");
    }

    /** Older hub layout: no {@code transformer.} prefix, plus the attn.bias / attn.masked_bias buffers. */
    @Test
    void legacyNamesLoadToTheSameWeights() throws Exception {
        matches("hf-gpt2-tiny-legacy-names");
        try (Gpt a = HfGpt2.load(Golden.path("hf-gpt2-tiny"), be);
             Gpt b = HfGpt2.load(Golden.path("hf-gpt2-tiny-legacy-names"), be)) {
            assertArrayEquals(HfGpt2Test.bits(be.toArray(a.parameterData())), HfGpt2Test.bits(be.toArray(b.parameterData())));
        }
    }

    /** Export -> reload gives the same parameters and logits bit for bit, and the golden logits again. */
    @Test
    void exportThenReloadKeepsTheGoldenLogits() throws Exception {
        for (String fixture : new String[]{"hf-gpt2-tiny", "hf-gpt2-tiny-f16"}) {
            Golden g = Golden.load(fixture);
            Path out = tmp.resolve(fixture);
            try (Gpt m = HfGpt2.load(g.dir, be)) {
                HfGpt2.export(m, out, 999);
                try (Gpt r = HfGpt2.load(out, be)) {
                    assertEquals(m.config(), r.config());
                    assertArrayEquals(HfGpt2Test.bits(be.toArray(m.parameterData())), HfGpt2Test.bits(be.toArray(r.parameterData())));
                    int[] ids = g.cases.get(1).ids();
                    assertArrayEquals(HfGpt2Test.bits(HfGpt2Test.logits(m, ids)), HfGpt2Test.bits(HfGpt2Test.logits(r, ids)));
                    g.check(adapter(r), TOL, LOSS_TOL);
                }
            }
        }
    }

    /** flan4j's export of the F32 fixture holds transformers' tensors bit for bit, under transformers' names. */
    @Test
    void exportReproducesTheTransformersTensorsAndConfig() throws Exception {
        Path dir = Golden.path("hf-gpt2-tiny"), out = EXPORT;
        try (Gpt m = HfGpt2.load(dir, be)) {
            HfGpt2.export(m, out, 999);
        }
        Safetensors.Header theirs = Safetensors.readHeader(dir.resolve(HfGpt2.MODEL));
        Safetensors.Header ours = Safetensors.readHeader(out.resolve(HfGpt2.MODEL));
        assertEquals(theirs.tensors().keySet(), ours.tensors().keySet());
        for (String name : theirs.tensors().keySet()) {
            assertArrayEquals(theirs.tensors().get(name).shape(), ours.tensors().get(name).shape(), name);
            assertArrayEquals(HfGpt2Test.bits(Safetensors.readTensor(theirs, name)),
                    HfGpt2Test.bits(Safetensors.readTensor(ours, name)), name);
        }
        Map<String, Object> cfg = HfFixtures.readJson(dir.resolve(HfGpt2.CONFIG));
        Map<String, Object> exported = HfFixtures.readJson(out.resolve(HfGpt2.CONFIG));
        for (String k : new String[]{"model_type", "vocab_size", "n_positions", "n_embd", "n_layer", "n_head", "n_inner",
                "activation_function", "layer_norm_epsilon", "tie_word_embeddings", "bos_token_id", "eos_token_id",
                "scale_attn_weights", "scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "architectures"}) {
            assertEquals(cfg.get(k), exported.get(k), k);
        }
        assertTrue(theirs.tensors().size() == 28, "the fixture has 28 tensors (tied head)");
    }
}
