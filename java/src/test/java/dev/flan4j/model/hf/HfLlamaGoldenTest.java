package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Safetensors;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden tests against transformers' LlamaForCausalLM / Qwen2ForCausalLM: the fixtures {@code hf-llama-tiny},
 * {@code hf-llama-tiny-bf16} and {@code hf-qwen2-tiny} of {@code src/test/resources/hf/fixtures/} (GQA 4 on 2 heads,
 * untied head; its BF16 cast; Qwen2 with q/k/v biases, tied head, theta 1e6), on sequences of 1 to 128 tokens.
 */
class HfLlamaGoldenTest {
    static final double TOL = 1e-4, LOSS_TOL = 1e-5;
    private final CpuBackend be = new CpuBackend();
    @TempDir Path tmp;

    static Golden.Model adapter(Llama m) {
        return new Golden.Model() {
            @Override public double forward(Batch b) { return m.forward(b); }
            @Override public float[] logits() { return m.backend().toArray(m.logits()); }
            @Override public int paddedVocab() { return m.config().paddedVocabSize(); }
        };
    }

    private Golden.Diff matches(String fixture, String type) throws Exception {
        Golden g = Golden.load(fixture);
        assertEquals(type, g.modelType);
        try (Llama m = HfLlama.load(g.dir, be)) {
            checkIntermediates(g, m);
            return g.check(adapter(m), TOL, LOSS_TOL);
        }
    }

    /** The first case's residual stream after each block and the final norm, within the same tolerance. */
    private void checkIntermediates(Golden g, Llama m) {
        Golden.Case c = g.cases.get(0);
        JsonNode in = c.intermediates();
        m.forward(Golden.batch(c.ids()));
        int C = m.config().nEmbd();
        for (int l = 0; l < m.config().nLayer(); l++) {
            assertClose(in.get("block_outputs").get(l), be.toArray(m.blockOutput(l)), C, g.dir.getFileName() + " block " + l);
        }
        assertClose(in.get("final_norm"), be.toArray(m.finalNorm()), C, g.dir.getFileName() + " final norm");
    }

    private static void assertClose(JsonNode rows, float[] got, int C, String what) {
        double max = 0;
        for (int t = 0; t < rows.size(); t++) {
            for (int i = 0; i < C; i++) max = Math.max(max, Math.abs(Float.parseFloat(rows.get(t).get(i).asText()) - got[t * C + i]));
        }
        assertTrue(max <= TOL, what + ": max |diff| " + max);
    }

    @Test
    void llamaGqaUntiedMatchesTransformers() throws Exception {
        matches("hf-llama-tiny", "llama");
    }

    /** The goldens of the BF16 file were computed from its bf16 weights widened to fp32: the same fp32 bound. */
    @Test
    void llamaBf16MatchesTransformersOnItsRoundedWeights() throws Exception {
        matches("hf-llama-tiny-bf16", "llama");
    }

    @Test
    void qwen2BiasesTiedMatchesTransformers() throws Exception {
        matches("hf-qwen2-tiny", "qwen2");
    }

    @Test
    void configsReadAsTransformersWroteThem() throws Exception {
        LlamaConfig l = HfLlama.readConfig(Golden.path("hf-llama-tiny").resolve("config.json"));
        assertEquals(new LlamaConfig("llama", 1000, 128, 2, 4, 2, 64, 16, 176, 1e-5, 1e4, null, false, false, false), l);
        LlamaConfig q = HfLlama.readConfig(Golden.path("hf-qwen2-tiny").resolve("config.json"));
        assertEquals(new LlamaConfig("qwen2", 1000, 128, 2, 4, 2, 64, 16, 176, 1e-6, 1e6, null, true, true, false), q);
    }

    /** Export -> reload: the same parameters and logits bit for bit, in one file and in shards; the file's tensors. */
    @Test
    void exportThenReloadIsBitIdentical() throws Exception {
        for (String fixture : new String[]{"hf-llama-tiny", "hf-qwen2-tiny"}) {
            Golden g = Golden.load(fixture);
            try (Llama m = HfLlama.load(g.dir, be)) {
                for (long shard : new long[]{0, 200_000}) {
                    Path out = tmp.resolve(fixture + "-" + shard);
                    HfLlama.export(m, out, 1, 2, "F32", shard);
                    assertEquals(shard > 0, out.resolve(HfGpt2.INDEX).toFile().exists(), "index iff sharded");
                    try (Llama r = HfLlama.load(out, be)) {
                        assertEquals(m.config(), r.config());
                        assertArrayEquals(HfGpt2Test.bits(be.toArray(m.parameterData())), HfGpt2Test.bits(be.toArray(r.parameterData())));
                        int[] ids = g.cases.get(1).ids();
                        m.forward(Golden.batch(ids));
                        float[] a = be.toArray(m.logits());
                        r.forward(Golden.batch(ids));
                        assertArrayEquals(HfGpt2Test.bits(a), HfGpt2Test.bits(be.toArray(r.logits())));
                    }
                }
                Path out = tmp.resolve(fixture);
                HfLlama.export(m, out, null, null);
                Safetensors.Header theirs = Safetensors.readHeader(g.dir.resolve(HfGpt2.MODEL));
                Safetensors.Header ours = Safetensors.readHeader(out.resolve(HfGpt2.MODEL));
                assertEquals(theirs.tensors().keySet(), ours.tensors().keySet());
                for (String name : theirs.tensors().keySet()) {
                    assertArrayEquals(HfGpt2Test.bits(Safetensors.readTensor(theirs, name)),
                            HfGpt2Test.bits(Safetensors.readTensor(ours, name)), name);
                }
            }
        }
    }

    /** Exported as BF16 from the BF16 fixture: the same bits as transformers' file, and the golden logits again. */
    @Test
    void bf16ExportReproducesTheFileAndTheGoldens() throws Exception {
        Golden g = Golden.load("hf-llama-tiny-bf16");
        Path out = tmp.resolve("bf16");
        try (Llama m = HfLlama.load(g.dir, be)) {
            HfLlama.export(m, out, 1, 2, "BF16", 0);
        }
        Safetensors.Header theirs = Safetensors.readHeader(g.dir.resolve(HfGpt2.MODEL));
        Safetensors.Header ours = Safetensors.readHeader(out.resolve(HfGpt2.MODEL));
        for (String name : theirs.tensors().keySet()) {
            assertEquals("BF16", ours.tensors().get(name).dtype(), name);
            assertArrayEquals(HfGpt2Test.bits(Safetensors.readTensor(theirs, name)),
                    HfGpt2Test.bits(Safetensors.readTensor(ours, name)), name);
        }
        try (Llama r = HfLlama.load(out, be)) {
            g.check(adapter(r), TOL, LOSS_TOL);
        }
    }
}
