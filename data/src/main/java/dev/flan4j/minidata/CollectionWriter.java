package dev.flan4j.minidata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Writes the collection in the layout of data/FORMAT.md, byte-for-byte reproducibly. */
public final class CollectionWriter {
    private CollectionWriter() {}

    static final ObjectMapper MAPPER = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** gzip with a fixed header (mtime 0, no name) and maximum compression. */
    public static OutputStream gzip(Path p) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
        return new GZIPOutputStream(raw, 1 << 16) {
            { def.setLevel(Deflater.BEST_COMPRESSION); }
        };
    }

    static ObjectWriter pretty() {
        DefaultIndenter ind = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(ind).withArrayIndenter(ind);
        return MAPPER.writer(pp);
    }

    public static Map<String, Object> exampleJson(Example e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id);
        m.put("split", e.split);
        m.put("fields", e.fields);
        m.put("answer", e.answer);
        if (e.options != null) m.put("options", e.options);
        return m;
    }

    public static void writeTasks(Path file, Dataset d) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = gzip(file)) {
            for (Example e : d.examples) {
                out.write(MAPPER.writeValueAsBytes(exampleJson(e)));
                out.write('\n');
            }
        }
    }

    public static void writeCorpus(Path file, List<Map<String, Object>> docs) throws IOException {
        try (OutputStream out = gzip(file)) {
            for (Map<String, Object> d : docs) {
                out.write(MAPPER.writeValueAsBytes(d));
                out.write('\n');
            }
        }
    }

    public static Map<String, Object> datasetJson(Dataset d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name);
        m.put("cluster", d.cluster);
        m.put("task", d.task);
        m.put("metric", d.metric);
        m.put("options", d.options);
        m.put("file", "tasks/" + d.name + ".jsonl.gz");
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("train", "dev", "test")) counts.put(s, d.count(s));
        m.put("counts", counts);
        List<Map<String, Object>> ts = new ArrayList<>();
        for (Template t : d.templates) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("input", t.input());
            tm.put("target", t.target());
            tm.put("turned_around", t.turnedAround());
            ts.add(tm);
        }
        m.put("templates", ts);
        m.put("card", d.card);
        return m;
    }

    public static void writeCollection(Path file, Map<String, Object> collection) throws IOException {
        byte[] b = pretty().writeValueAsBytes(collection);
        Files.write(file, concat(b, "\n".getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
