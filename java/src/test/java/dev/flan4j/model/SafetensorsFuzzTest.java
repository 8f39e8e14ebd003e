package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the safetensors reader: arbitrary bytes, mutated valid files and generated headers may only fail with
 * {@link IOException} (never another exception, a hang or an out-of-memory), and any flipped data bit is caught by the
 * checksum. The number of tries is fixed so the suite stays bounded; jqwik prints tries and seeds per property.
 */
class SafetensorsFuzzTest {
    private static final byte[] VALID = valid();

    private static byte[] valid() {
        try {
            Path f = Files.createTempFile("valid", ".safetensors");
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> data = new LinkedHashMap<>();
            shapes.put("a", new int[]{2, 3});
            data.put("a", new float[]{1, 2, 3, 4, 5, 6});
            shapes.put("b.weight", new int[]{4});
            data.put("b.weight", new float[]{-1, 0.5f, 1e-3f, 7});
            Safetensors.write(f, shapes, data, Map.of("format", "pt"));
            byte[] b = Files.readAllBytes(f);
            Files.delete(f);
            return b;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads bytes as a file; only IOException may come out. Returns the contents or null. */
    static Safetensors.Contents readOnlyIOException(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(f, bytes);
            return Safetensors.read(f);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
            return null;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("undocumented " + e + " for " + bytes.length + " bytes: "
                    + new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1), e);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 300)
    void arbitraryBytes(@ForAll @Size(max = 200) byte[] bytes) throws IOException {
        readOnlyIOException(bytes);
    }

    @Property(tries = 300)
    void arbitraryHeaderText(@ForAll("headerLike") String header, @ForAll @IntRange(max = 64) int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        readOnlyIOException(b.array());
    }

    @Property(tries = 500)
    void generatedHeaders(@ForAll("headers") String header, @ForAll @IntRange(max = 96) int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        readOnlyIOException(b.array());
    }

    @Property(tries = 500)
    void mutatedValidFiles(@ForAll @Size(min = 1, max = 4) List<@IntRange(max = 1 << 20) Integer> positions,
                           @ForAll @Size(min = 1, max = 4) List<Byte> values, @ForAll @IntRange(max = 2) int truncate)
            throws IOException {
        byte[] b = VALID.clone();
        for (int i = 0; i < positions.size(); i++) b[positions.get(i) % b.length] = values.get(i % values.size());
        if (truncate > 0) b = java.util.Arrays.copyOf(b, b.length - truncate * 7);
        readOnlyIOException(b);
    }

    @Property(tries = 500)
    void anyFlippedDataBitIsCaughtByTheChecksum(@ForAll @IntRange(min = 0, max = 10 * 32 - 1) int bit) throws IOException {
        byte[] b = VALID.clone();
        long headerLen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int pos = (int) (8 + headerLen) + bit / 8;
        b[pos] ^= (byte) (1 << (bit % 8));
        Path f = Files.createTempFile("flip", ".safetensors");
        try {
            Files.write(f, b);
            Safetensors.read(f);
            fail("bit " + bit + " flipped without an error");
        } catch (IOException e) {
            String tensor = bit < 6 * 32 ? "a" : "b.weight";
            assertTrue(e.getMessage().contains("tensor '" + tensor + "' fails its checksum"), e.getMessage());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 200)
    void writtenFilesReadBack(@ForAll @Size(max = 40) float[] values, @ForAll("names") String name) throws IOException {
        Path f = Files.createTempFile("rt", ".safetensors");
        try {
            Safetensors.write(f, Map.of(name, new int[]{values.length}), Map.of(name, values), Map.of());
            assertArrayEquals(values, Safetensors.read(f).tensors().get(name).data(), 0f);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(20).filter(s -> !s.equals("__metadata__")
                && s.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE));
    }

    @Provide
    Arbitrary<String> headerLike() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789-eE.dtypeshapdaofsF32BI_ \\u").ofMaxLength(120);
    }

    /** Headers with the right structure and arbitrary values in every field. */
    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(-3, 100).map(String::valueOf),
                Arbitraries.of("-1", "2147483648", "9223372036854775807", "1e3", "0.5", "\"4\"", "null", "true",
                        "4294967297", "18446744073709551616"));
        Arbitrary<String> dtype = Arbitraries.of("\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"BOOL\"", "\"U8\"",
                "\"X\"", "3", "null", "[]");
        Arbitrary<String> shape = number.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> shapeField = Arbitraries.oneOf(shape, Arbitraries.of("3", "\"s\"", "{}", "null"));
        Arbitrary<String> offsets = number.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> tensor = Combinators.combine(dtype, shapeField, offsets, Arbitraries.of("", ",\"extra\":1"))
                .as((d, s, o, x) -> "{\"dtype\":" + d + ",\"shape\":" + s + ",\"data_offsets\":" + o + x + "}");
        Arbitrary<String> value = Arbitraries.oneOf(tensor, Arbitraries.of("1", "\"t\"", "[]", "null", "{}"));
        Arbitrary<String> meta = Arbitraries.of("", "\"__metadata__\":{\"format\":\"pt\"},", "\"__metadata__\":3,",
                "\"__metadata__\":{\"crc32c.t0\":\"00000000\"},", "\"__metadata__\":{\"crc32c.t0\":5},");
        Arbitrary<String> entries = value.list().ofMaxSize(4).map(vs -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < vs.size(); i++) sb.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":").append(vs.get(i));
            return sb.toString();
        });
        return Combinators.combine(meta, entries).as((m, e) -> "{" + (e.isEmpty() && m.endsWith(",") ? m.substring(0, m.length() - 1) : m) + e + "}");
    }
}
