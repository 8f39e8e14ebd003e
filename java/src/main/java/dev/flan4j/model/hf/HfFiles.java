package dev.flan4j.model.hf;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What every Hugging Face checkpoint folder shares: config.json, model.safetensors or a sharded index. */
final class HfFiles {
    static final String CONFIG = "config.json";
    static final String MODEL = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfFiles() {}

    /** A JSON object file, or an IOException naming the file. */
    static Map<String, Object> readJson(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(what + " " + file + " does not exist");
        try {
            return JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new IOException(what + " " + file + " is not a valid JSON object: " + e.getMessage(), e);
        }
    }

    /** The safetensors headers of a folder: {@code model.safetensors}, or every shard of the index. */
    static List<Safetensors.Header> headers(Path dir) throws IOException {
        Path single = dir.resolve(MODEL), idx = dir.resolve(INDEX);
        if (Files.isRegularFile(single)) return List.of(Safetensors.readHeader(single));
        if (Files.isRegularFile(idx)) return shards(idx, dir);
        String other = Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                ? " (it has pytorch_model.bin: only safetensors is supported; re-save with"
                  + " save_pretrained(dir, safe_serialization=True))" : "";
        throw new IOException(dir + " has neither " + MODEL + " nor " + INDEX + other);
    }

    private static List<Safetensors.Header> shards(Path idx, Path dir) throws IOException {
        Map<String, Object> m = readJson(idx, "shard index");
        if (!(m.get("weight_map") instanceof Map<?, ?> wm)) throw new IOException(idx + " has no weight_map object");
        Map<String, Safetensors.Header> byFile = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : wm.entrySet()) {
            if (!(e.getValue() instanceof String f) || f.contains("/") || f.contains("\\")) {
                throw new IOException(idx + ": weight_map entry '" + e.getKey() + "' names an invalid shard " + e.getValue());
            }
            Safetensors.Header h = byFile.get(f);
            if (h == null) {
                Path shard = dir.resolve(f);
                if (!Files.isRegularFile(shard)) {
                    throw new IOException(idx + ": shard " + f + " (for '" + e.getKey() + "') does not exist in " + dir);
                }
                byFile.put(f, h = Safetensors.readHeader(shard));
            }
            if (!h.tensors().containsKey((String) e.getKey())) {
                throw new IOException(idx + ": weight_map puts '" + e.getKey() + "' in " + f + ", which has no such tensor");
            }
        }
        return new ArrayList<>(byFile.values());
    }

    /**
     * Writes tensors (in order) as {@code model.safetensors}, or, when they exceed {@code maxShardBytes} (> 0), as
     * {@code model-0000i-of-0000n.safetensors} shards plus {@code model.safetensors.index.json}, as
     * {@code save_pretrained(max_shard_size=...)} does. dtype: F32, F16 or BF16.
     */
    static void writeWeights(Path dir, Map<String, int[]> shapes, Map<String, float[]> data, String dtype,
                             long maxShardBytes) throws IOException {
        int width = "F32".equals(dtype) ? 4 : 2;
        List<List<String>> shards = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        long curBytes = 0, total = 0;
        for (String name : shapes.keySet()) {
            long bytes = (long) width * data.get(name).length;
            if (maxShardBytes > 0 && !cur.isEmpty() && curBytes + bytes > maxShardBytes) {
                shards.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(name);
            curBytes += bytes;
            total += bytes;
        }
        shards.add(cur);
        Map<String, String> meta = Map.of("format", "pt");
        if (shards.size() == 1) {
            Safetensors.write(dir.resolve(MODEL), shapes, data, meta, dtype);
            return;
        }
        Map<String, Object> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Map<String, int[]> s = new LinkedHashMap<>();
            Map<String, float[]> d = new LinkedHashMap<>();
            for (String name : shards.get(i)) {
                s.put(name, shapes.get(name));
                d.put(name, data.get(name));
                weightMap.put(name, file);
            }
            Safetensors.write(dir.resolve(file), s, d, meta, dtype);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        AtomicFiles.writeString(dir.resolve(INDEX), JSON.writeValueAsString(index) + "\n");
    }
}
