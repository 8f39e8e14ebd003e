package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints are byte-reproducible, verified on load, and written with the usual permissions; errors name the path. */
class CheckpointIntegrityTest {
    private final CpuBackend be = new CpuBackend();
    private final GptConfig cfg = new GptConfig(40, 8, 2, 2, 8);
    @TempDir Path tmp;

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void sameWeightsAndStateGiveTheSameBytesWhateverTheMapOrder() throws IOException {
        Gpt m = Gpt.initialized(cfg, be, 9);
        Map<String, float[]> optA = new LinkedHashMap<>(), optB = new LinkedHashMap<>();
        optA.put("adamw.m", new float[]{1, 2});
        optA.put("adamw.v", new float[]{3, 4});
        optB.put("adamw.v", new float[]{3, 4});
        optB.put("adamw.m", new float[]{1, 2});
        Checkpoint.save(tmp.resolve("a"), m, optA, ordered("step", 3, "consumed", 7L, "optimizer", "adamw"));
        Checkpoint.save(tmp.resolve("b"), m, optB, ordered("optimizer", "adamw", "consumed", 7L, "step", 3));
        for (String f : List.of(Checkpoint.CONFIG, Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.STATE)) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
        }
        Map<String, String> metaA = new LinkedHashMap<>(), metaB = new LinkedHashMap<>();
        metaA.put("format", "pt");
        metaA.put("producer", "x");
        metaB.put("producer", "x");
        metaB.put("format", "pt");
        Map<String, int[]> shapes = Map.of("w", new int[]{2});
        Map<String, float[]> data = Map.of("w", new float[]{1, -1});
        Safetensors.write(tmp.resolve("a.safetensors"), shapes, data, metaA);
        Safetensors.write(tmp.resolve("b.safetensors"), shapes, data, metaB);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("b.safetensors")));
        String header = header(tmp.resolve("a.safetensors"));
        assertTrue(header.startsWith("{\"__metadata__\":{\"crc32c.w\":"), header);
        assertTrue(header.indexOf("\"format\"") < header.indexOf("\"producer\""), header);
    }

    @Test
    void aFlippedBitNamesTheTensor() throws IOException {
        Path dir = tmp.resolve("c");
        Checkpoint.save(dir, Gpt.initialized(cfg, be, 9));
        Path f = dir.resolve(Checkpoint.MODEL);
        Safetensors.TensorInfo t = Safetensors.readHeader(f).tensors().get("h.1.mlp.c_proj.weight");
        byte[] bytes = Files.readAllBytes(f);
        bytes[(int) t.fileOffset() + 5] ^= 0x10;
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("tensor 'h.1.mlp.c_proj.weight' fails its checksum"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void filesWithoutChecksumsStillLoad() throws IOException {
        // A file as other tools write it: no __metadata__ at all.
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putFloat(1.5f).putFloat(-2f);
        Path f = tmp.resolve("hf.safetensors");
        Files.write(f, b.array());
        assertArrayEquals(new float[]{1.5f, -2f}, Safetensors.read(f).tensors().get("w").data(), 0f);
    }

    @Test
    void nanOrInfiniteWeightsAreAnErrorNamingTheTensorUnlessAllowed() throws IOException {
        Gpt m = Gpt.initialized(cfg, be, 9);
        float[] w = be.toArray(m.parameterData());
        Param p = m.parameters().stream().filter(q -> q.name().equals("h.0.attn.c_attn.bias")).findFirst().orElseThrow();
        w[(int) p.offset() + 2] = Float.NaN;
        m.loadParameters(w);
        Path dir = tmp.resolve("nan");
        Checkpoint.save(dir, m);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, be));
        assertTrue(e.getMessage().contains("tensor 'h.0.attn.c_attn.bias' holds NaN at index 2"), e.getMessage());
        assertThrows(IOException.class, () -> Checkpoint.requireFinite(m, "model"));
        System.setProperty(Checkpoint.ALLOW_NON_FINITE, "true");
        try {
            Checkpoint.load(dir, be).model().close();
        } finally {
            System.clearProperty(Checkpoint.ALLOW_NON_FINITE);
        }
    }

    @Test
    void filesAndFoldersGetTheUsualPermissions() throws IOException {
        Path dir = tmp.resolve("perm");
        Checkpoint.save(dir, Gpt.initialized(cfg, be, 9));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(Checkpoint.MODEL))));
        AtomicFiles.writeString(tmp.resolve("r.md"), "x");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("r.md"))));
    }

    @Test
    void writeFailuresNameThePath() throws IOException {
        Path target = tmp.resolve("out/eval.csv");
        IOException e = assertThrows(IOException.class,
                () -> AtomicFiles.write(target, ch -> { throw new IOException("No space left on device"); }));
        assertEquals("writing " + target + ": No space left on device", e.getMessage());
        try (var s = Files.list(target.getParent())) {
            assertEquals(0, s.count(), "the temp file is removed");
        }
        Path file = tmp.resolve("afile");
        Files.writeString(file, "x");
        e = assertThrows(IOException.class, () -> Checkpoint.save(file.resolve("ckpt"), Gpt.initialized(cfg, be, 9)));
        assertTrue(e.getMessage().contains(file + " is a file, not a folder"), e.getMessage());
    }

    private static String header(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    }
}
