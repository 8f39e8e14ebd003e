package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private final CpuBackend be = new CpuBackend();
    private final GptConfig cfg = new GptConfig(40, 8, 2, 2, 8);
    @TempDir Path tmp;

    @Test
    void roundTripIsBitIdenticalWithOptimizerAndState() throws IOException {
        Gpt m = Gpt.initialized(cfg, be, 9);
        Path dir = tmp.resolve("ckpt");
        Checkpoint.save(dir, m, Map.of("adamw.m", new float[]{1, 2, 3}), Map.of("step", 12, "lr", 0.5));
        Checkpoint.Loaded l = Checkpoint.load(dir, be);
        assertEquals(cfg, l.model().config());
        assertArrayEquals(be.toArray(m.parameterData()), be.toArray(l.model().parameterData()), 0f);
        assertArrayEquals(new float[]{1, 2, 3}, l.optimizer().get("adamw.m"), 0f);
        assertEquals(12, l.state().get("step"));
        // Saving again over the folder replaces it; no temporary folders are left behind.
        Checkpoint.save(dir, l.model());
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
        assertTrue(Checkpoint.load(dir, be).optimizer().isEmpty());
    }

    @Test
    void safetensorsHeaderIsReadableByTheFormatRules() throws IOException {
        Gpt m = Gpt.initialized(cfg, be, 9);
        Path dir = tmp.resolve("c");
        Checkpoint.save(dir, m);
        byte[] bytes = Files.readAllBytes(dir.resolve(Checkpoint.MODEL));
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"h.1.mlp.c_fc.weight\":{\"dtype\":\"F32\",\"shape\":[32,8]"), header);
        assertEquals(8 + n + 4 * m.numParameters(), bytes.length);
    }

    @Test
    void truncatedCheckpointIsRejectedWithTheReason() throws IOException {
        Path dir = tmp.resolve("c");
        Checkpoint.save(dir, Gpt.initialized(cfg, be, 9));
        Path f = dir.resolve(Checkpoint.MODEL);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 100));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(f, Arrays.copyOf(bytes, 5));
        e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("shorter than the 8-byte header"), e.getMessage());
    }

    @Test
    void corruptedHeaderConfigAndShapesAreRejected() throws IOException {
        Path dir = tmp.resolve("c");
        Checkpoint.save(dir, Gpt.initialized(cfg, be, 9));
        Path f = dir.resolve(Checkpoint.MODEL);
        byte[] bytes = Files.readAllBytes(f);
        byte[] bad = bytes.clone();
        bad[8] = '#';
        Files.write(f, bad);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.write(f, bytes);
        // A config that disagrees with the weights.
        Files.writeString(dir.resolve(Checkpoint.CONFIG), Files.readString(dir.resolve(Checkpoint.CONFIG)).replace("\"n_embd\" : 8", "\"n_embd\" : 16"));
        e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("has shape [64, 8], the config needs [64, 16]"), e.getMessage());
        Files.writeString(dir.resolve(Checkpoint.CONFIG), "{\"architecture\": \"flan4j-gpt2\", \"vocab_size\": 40}");
        e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("'block_size' must be an integer"), e.getMessage());
        assertThrows(IOException.class, () -> Checkpoint.load(tmp.resolve("missing"), be));
    }

    /** GQA, q/k/v and o biases, untied head, Llama-3 rope scaling: every LlamaConfig field away from its default. */
    private static final LlamaConfig LLAMA = new LlamaConfig("llama", 40, 8, 2, 4, 2, 16, 4, 24, 1e-5, 500000,
            new LlamaConfig.RopeScaling("llama3", 8, 1, 4, 4), false, true, true);

    @Test
    void llamaRoundTripKeepsTheConfigAndTheLogits() throws IOException {
        for (LlamaConfig c : new LlamaConfig[]{LLAMA, LlamaConfig.llama(40, 8, 1, 2, 2, 8, 12, true)
                .withRopeScaling(new LlamaConfig.RopeScaling("linear", 2, 0, 0, 0))}) {
            Path dir = tmp.resolve("llama-" + c.tieWordEmbeddings());
            Batch b = new Batch(new int[]{3, 1, 4, 1, 5, 9}, new int[]{1, 4, 1, 5, 9, 2}, new int[]{0, 1, 2, 0, 1, 2},
                    new int[]{0, 3, 6});
            try (Llama m = Llama.initialized(c, be, 5)) {
                Checkpoint.save(dir, m, Map.of(), Map.of("step", 1));
                String json = Files.readString(dir.resolve(Checkpoint.CONFIG));
                assertTrue(json.contains("\"architecture\" : \"flan4j-llama\""), json);
                Checkpoint.Loaded l = Checkpoint.load(dir, be);
                try (CausalLm back = l.model()) {
                    assertEquals(c, back.config());
                    assertTrue(back instanceof Llama, back.getClass().getName());
                    assertArrayEquals(be.toArray(m.parameterData()), be.toArray(back.parameterData()), 0f);
                    m.forward(b);
                    back.forward(b);
                    assertArrayEquals(be.toArray(m.logits()), be.toArray(back.logits()), 0f);
                }
            }
        }
    }

    @Test
    void llamaConfigWithABadFieldIsRejectedNamingFileFieldAndValue() throws IOException {
        Path dir = tmp.resolve("c");
        try (Llama m = Llama.initialized(LLAMA, be, 5)) {
            Checkpoint.save(dir, m);
        }
        Path f = dir.resolve(Checkpoint.CONFIG);
        String good = Files.readString(f);
        String[][] cases = {
                {"\"n_kv_head\" : 2", "\"n_kv_head\" : 3", "nKvHead must be > 0 and divide nHead=4, got 3"},
                {"\"rope_theta\" : 500000.0", "\"rope_theta\" : \"big\"", "field 'rope_theta' must be a finite number, got big"},
                {"\"qkv_bias\" : true", "\"qkv_bias\" : 1", "field 'qkv_bias' must be true or false, got 1"},
                {"\"model_type\" : \"llama\"", "\"model_type\" : \"mistral\"", "field 'model_type' must be one of [llama, qwen2], got mistral"},
                {"\"factor\" : 8.0", "\"factor\" : -8.0", "rope_scaling': RopeScaling.factor must be > 0, got -8.0"},
                {"\"original_max_positions\" : 4", "\"original_max_positions\" : 4.5",
                        "field 'rope_scaling.original_max_positions' must be an integer, got 4.5"},
                {"\"architecture\" : \"flan4j-llama\"", "\"architecture\" : \"flan4j-mistral\"",
                        "architecture is flan4j-mistral, expected flan4j-gpt2 or flan4j-llama"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0] + " in " + good);
            Files.writeString(f, good.replace(c[0], c[1]));
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be), c[1]);
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(c[2]), e.getMessage());
        }
        Files.writeString(f, good.replaceAll("\"rope_scaling\" : \\{[^}]*},?", ""));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("field 'rope_scaling' is missing"), e.getMessage());
        Files.writeString(f, good);
        Checkpoint.load(dir, be).model().close();
    }

    @Test
    void halfPrecisionConversions() {
        assertEquals(1f, Safetensors.halfToFloat((short) 0x3c00));
        assertEquals(-2f, Safetensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, Safetensors.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Safetensors.halfToFloat((short) 0x0001));
        assertTrue(Float.isInfinite(Safetensors.halfToFloat((short) 0x7c00)));
    }
}
