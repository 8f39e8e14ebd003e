package dev.flan4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reader and writer of the safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
 * {dtype, shape, data_offsets}, then the raw little-endian data. Reading validates the header against the file
 * (truncation, overlapping or out-of-range offsets, unknown dtypes) and converts F16/BF16/F64 to float.
 * <p>
 * Files written here are byte-reproducible (metadata keys sorted, tensors in the given order, fixed field order) and
 * carry a CRC-32C of each tensor's bytes in {@code __metadata__} under {@code crc32c.NAME}; reading a tensor verifies
 * its checksum when the file has one (files from elsewhere, e.g. Hugging Face, have none and load as they are).
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;
    /** Metadata key prefix of a tensor's checksum (8 lowercase hex digits of CRC-32C over its little-endian bytes). */
    public static final String CHECKSUM_PREFIX = "crc32c.";

    private Safetensors() {}

    /** One tensor as read: name, dtype in the file, shape, values as float. */
    public record Entry(String name, String dtype, int[] shape, float[] data) {}

    /** The tensors of a file, in header order, plus its {@code __metadata__}. */
    public record Contents(Map<String, Entry> tensors, Map<String, String> metadata) {}

    /** Reads and validates a whole file; every tensor must have a float dtype (F32, F16, BF16, F64). */
    public static Contents read(Path file) throws IOException {
        Header h = readHeader(file);
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (TensorInfo t : h.tensors().values()) {
            if (!t.isFloat()) throw corrupt(file, "tensor '" + t.name() + "' has unsupported dtype " + t.dtype());
            tensors.put(t.name(), new Entry(t.name(), t.dtype(), t.shape(), readTensor(h, t.name())));
        }
        return new Contents(tensors, h.metadata());
    }

    /**
     * Writes fp32 tensors (name -> shape, data, in the order of {@code shapes}) with metadata, atomically: temp file,
     * fsync, rename. The metadata is written with sorted keys and gains a checksum per tensor.
     */
    public static void write(Path file, Map<String, int[]> shapes, Map<String, float[]> data, Map<String, String> metadata)
            throws IOException {
        write(file, shapes, data, metadata, "F32");
    }

    /**
     * {@link #write(Path, Map, Map, Map)} storing every tensor as {@code dtype}: F32, or F16 / BF16 rounded to nearest
     * even (what torch's {@code .to(float16 / bfloat16)} does); the checksums cover the stored bytes.
     */
    public static void write(Path file, Map<String, int[]> shapes, Map<String, float[]> data, Map<String, String> metadata,
                             String dtype) throws IOException {
        if (!"F32".equals(dtype) && !"F16".equals(dtype) && !"BF16".equals(dtype)) {
            throw new IllegalArgumentException("dtype must be F32, F16 or BF16, got " + dtype);
        }
        int width = width(dtype);
        Map<String, String> meta = new TreeMap<>(metadata == null ? Map.of() : metadata);
        ObjectNode tensors = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            float[] d = data.get(e.getKey());
            if (d == null) throw new IllegalArgumentException("no data for tensor '" + e.getKey() + "'");
            long n = 1;
            for (int s : e.getValue()) n *= s;
            if (n != d.length) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' shape " + Arrays.toString(e.getValue())
                        + " needs " + n + " values, got " + d.length);
            }
            ObjectNode t = tensors.putObject(e.getKey());
            t.put("dtype", dtype);
            var shapeArr = t.putArray("shape");
            for (int s : e.getValue()) shapeArr.add(s);
            t.putArray("data_offsets").add(offset).add(offset + (long) width * d.length);
            offset += (long) width * d.length;
            meta.put(CHECKSUM_PREFIX + e.getKey(), checksum(d, dtype));
        }
        ObjectNode header = JSON.createObjectNode();
        ObjectNode m = header.putObject("__metadata__");
        meta.forEach(m::put);
        header.setAll(tensors);
        byte[] hb = JSON.writeValueAsBytes(header);
        int padded = (hb.length + 7) / 8 * 8;   // keep the data 8-byte aligned
        byte[] h = Arrays.copyOf(hb, padded);
        Arrays.fill(h, hb.length, padded, (byte) ' ');
        AtomicFiles.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(h));
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (String name : shapes.keySet()) {
                for (float f : data.get(name)) {
                    if (!chunk.hasRemaining()) {
                        writeFully(ch, chunk.flip());
                        chunk.clear();
                    }
                    put(chunk, f, dtype);
                }
            }
            writeFully(ch, chunk.flip());
        });
    }

    /** The checksum {@link #write} stores for fp32 values. */
    static String checksum(float[] values) {
        return checksum(values, "F32");
    }

    /** The checksum of values stored as dtype (CRC-32C of the stored little-endian bytes). */
    static String checksum(float[] values, String dtype) {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            if (!chunk.hasRemaining()) {
                crc.update(chunk.flip());
                chunk.clear();
            }
            put(chunk, f, dtype);
        }
        crc.update(chunk.flip());
        return String.format("%08x", crc.getValue());
    }

    /**
     * Throws naming the tensor and the first bad index when {@code values} hold NaN or infinity (corrupt weights or a
     * diverged run); {@code source} is the file or folder named in the message.
     */
    public static void requireFinite(Object source, String tensor, float[] values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                long bad = 0;
                for (float v : values) if (!Float.isFinite(v)) bad++;
                throw new IOException(source + ": tensor '" + tensor + "' holds " + values[i] + " at index " + i + " ("
                        + bad + " of " + values.length + " values are NaN or infinite): the weights are corrupt or "
                        + "training diverged (to load them anyway for debugging, pass --allow-non-finite)");
            }
        }
    }

    private static int width(String dtype) {
        if (dtype == null) return -1;
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> -1;
        };
    }

    private static float[] toFloat(ByteBuffer b, String dtype, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F64" -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i); }
            case "BF16" -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); }
            case "F16" -> { for (int i = 0; i < n; i++) out[i] = halfToFloat(b.getShort(2 * i)); }
            default -> throw new IllegalStateException(dtype);
        }
        return out;
    }

    private static void put(ByteBuffer b, float f, String dtype) {
        switch (dtype) {
            case "F16" -> b.putShort(floatToHalf(f));
            case "BF16" -> b.putShort(floatToBf16(f));
            default -> b.putFloat(f);
        }
    }

    /** float to bfloat16 bits, rounded to nearest even (NaN stays NaN). */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** float to IEEE 754 binary16 bits, rounded to nearest even; overflow gives infinity, tiny values subnormals. */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f), sign = (bits >>> 16) & 0x8000, abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) return (short) (sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));   // inf, NaN
        if (abs >= 0x477ff000) return (short) (sign | 0x7c00);                                     // rounds past 65504
        if (abs < 0x38800000) {                                                                     // subnormal or zero
            int shift = 126 - (abs >>> 23), mant = (abs & 0x7fffff) | 0x800000;
            if (shift > 24) return (short) sign;
            int half = mant >>> shift, rem = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) half++;
            return (short) (sign | half);
        }
        int h = ((abs - 0x38000000) >>> 13), rem = abs & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) h++;
        return (short) (sign | h);
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff, sign = (bits >>> 15) << 31, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;   // zero or subnormal
            return sign == 0 ? v : -v;
        }
        if (exp == 31) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException("corrupt safetensors file " + file + ": " + why);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) throw new IOException("unexpected end of file");
            pos += r;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lazy reading (added for dev.flan4j.model.hf): the header alone, then one tensor at a time, so a large checkpoint
    // is never held twice and tensors that are skipped (e.g. BOOL/U8 attention-mask buffers in old GPT-2 exports) are
    // never converted. Unlike read(), a dtype that cannot be converted to float is listed, not rejected.
    // ---------------------------------------------------------------------------------------------------------------

    /** A tensor's header entry: dtype, shape and its byte range, absolute in the file. */
    public record TensorInfo(String name, String dtype, int[] shape, long fileOffset, long byteLength) {
        /** Number of elements. */
        public long count() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }

        /** Whether {@link #readTensor} can convert this dtype to float (F32, F16, BF16, F64). */
        public boolean isFloat() { return width(dtype) > 0; }
    }

    /** A file's header: tensors in header order and its {@code __metadata__}. */
    public record Header(Path file, Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    /** Reads and validates the header of a file (lengths, offsets within the file, no overlaps) without its data. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw corrupt(file, "file has " + size + " bytes, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw corrupt(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw corrupt(file, "header is not valid JSON: " + e.getMessage());
            }
            if (header == null || !header.isObject()) throw corrupt(file, "header is not a JSON object");
            long dataStart = 8 + headerLen, dataLen = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode v = e.getValue();
                if (name.equals("__metadata__")) {
                    v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                String dtype = v.path("dtype").asText(null);
                if (dtype == null) throw corrupt(file, "tensor '" + name + "' has no dtype");
                JsonNode shapeNode = v.path("shape"), offs = v.path("data_offsets");
                if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
                    throw corrupt(file, "tensor '" + name + "' lacks shape or data_offsets");
                }
                int[] shape = new int[shapeNode.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    JsonNode d = shapeNode.get(i);
                    if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                        throw corrupt(file, "tensor '" + name + "' has a bad dimension " + d + " (expected an integer >= 0)");
                    }
                    shape[i] = d.intValue();
                    if (count > dataLen) count = dataLen + 1;   // already too large: avoid overflow, fails below
                    count *= shape[i];
                }
                long begin = offs.get(0).canConvertToLong() && offs.get(0).isIntegralNumber() ? offs.get(0).longValue() : -1;
                long end = offs.get(1).canConvertToLong() && offs.get(1).isIntegralNumber() ? offs.get(1).longValue() : -1;
                if (begin < 0 || end < begin || end > dataLen) {
                    throw corrupt(file, "tensor '" + name + "' data_offsets [" + begin + ", " + end
                            + ") fall outside the " + dataLen + " data bytes (truncated file?)");
                }
                int w = anyWidth(dtype);
                if (w > 0 && (count > dataLen || end - begin != count * w)) {
                    throw corrupt(file, "tensor '" + name + "' " + dtype + Arrays.toString(shape) + " needs "
                            + count * w + " bytes, data_offsets give " + (end - begin));
                }
                ranges.add(new long[]{begin, end});
                tensors.put(name, new TensorInfo(name, dtype, shape, dataStart + begin, end - begin));
            }
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < ranges.size(); i++) {
                if (ranges.get(i)[0] < ranges.get(i - 1)[1]) throw corrupt(file, "tensor data ranges overlap");
            }
            return new Header(file, tensors, meta);
        }
    }

    /** Reads one tensor of a header as float (F32, F16, BF16, F64 converted). */
    public static float[] readTensor(Header header, String name) throws IOException {
        TensorInfo t = header.tensors().get(name);
        if (t == null) throw new IOException(header.file() + ": no tensor '" + name + "'");
        if (!t.isFloat()) {
            throw new IOException(header.file() + ": tensor '" + name + "' has dtype " + t.dtype()
                    + ", which cannot be read as float (F32, F16, BF16, F64)");
        }
        if (t.count() > Integer.MAX_VALUE) throw corrupt(header.file(), "tensor '" + name + "' is too large");
        try (FileChannel ch = FileChannel.open(header.file(), StandardOpenOption.READ)) {
            if (t.fileOffset() + t.byteLength() > ch.size()) {
                throw corrupt(header.file(), "tensor '" + name + "' lies past the end of the file (changed since read?)");
            }
            ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, t.fileOffset(), t.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
            String stored = header.metadata().get(CHECKSUM_PREFIX + name);
            if (stored != null) {
                CRC32C crc = new CRC32C();
                crc.update(data.duplicate());
                String actual = String.format("%08x", crc.getValue());
                if (!actual.equals(stored)) {
                    throw corrupt(header.file(), "tensor '" + name + "' fails its checksum (crc32c " + actual
                            + ", the header says " + stored + "): its bytes changed after it was written");
                }
            }
            return toFloat(data, t.dtype(), (int) t.count());
        }
    }

    /** Byte width of any safetensors dtype, or -1 when unknown (its byte count is then not checked). */
    private static int anyWidth(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }
}
