package dev.flan4j.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class CollectionTest {

    @Test
    void loadsFixtureCollection() {
        Collection c = Fixtures.collection();
        assertEquals("fixture", c.name());
        assertEquals(7, c.seed());
        assertEquals(List.of("nli", "paraphrase", "commonsense", "translation"), c.clusters().stream().map(Cluster::name).toList());
        assertEquals(Cluster.Kind.NLG, c.cluster("translation").kind());
        Dataset nli = c.dataset("tiny_nli");
        assertEquals(TaskType.CLASSIFICATION, nli.task());
        assertEquals(Metric.ACCURACY, nli.metric());
        assertEquals(3, nli.templates().size());
        assertTrue(nli.templates().get(2).turnedAround());
        assertEquals("CC0", nli.card().get("license"));
        assertEquals(6, nli.examples("train").size());
        assertEquals(2, nli.examples("dev").size());
        assertEquals(2, nli.examples("test").size());
        Example first = nli.examples("train").get(0);
        assertEquals("tiny_nli-000000", first.id());
        assertEquals("A dog runs in the park.", first.fields().get("premise"));
        assertEquals(List.of("yes", "it is not possible to tell", "no"), nli.optionsFor(first));
        Dataset story = c.dataset("tiny_story");
        Example s = story.examples("train").get(0);
        assertEquals(List.of("She opened her umbrella.", "She flew to the moon."), story.optionsFor(s));
        assertTrue(c.dataset("tiny_para").examples("dev").isEmpty());
        assertEquals(List.of(), c.dataset("tiny_en_es").optionsFor(c.dataset("tiny_en_es").examples("test").get(0)));
    }

    @Test
    void builtInCollectionLoadsWhenShipped() {
        Assumptions.assumeTrue(Collection.builtInAvailable(),
                "mini-flan/collection.json is not on the classpath yet (flan4j-data not generated on this branch)");
        Collection c = Collection.builtIn();
        assertFalse(c.datasets().isEmpty());
        for (Dataset d : c.datasets()) assertFalse(d.examples("train").isEmpty(), d.name());
    }

    @Test
    void unknownClusterNamesFieldAndFile(@TempDir Path dir) throws IOException {
        String json = Files.readString(Fixtures.collectionDir().resolve("collection.json"))
                .replace("\"cluster\": \"paraphrase\"", "\"cluster\": \"paraphrasing\"");
        copyFixture(dir, json);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Collection.load(dir));
        assertEquals("datasets[1].cluster", e.field());
        assertTrue(e.file().endsWith("collection.json"));
        assertTrue(e.getMessage().contains("paraphrasing"), e.getMessage());
    }

    @Test
    void unknownMetricAndKeysAreRejected(@TempDir Path dir) throws IOException {
        String base = Files.readString(Fixtures.collectionDir().resolve("collection.json"));
        copyFixture(dir, base.replace("\"metric\": \"bleu\"", "\"metric\": \"meteor\""));
        assertEquals("datasets[3].metric", assertThrows(MalformedDataException.class, () -> Collection.load(dir)).field());
        copyFixture(dir, base.replace("\"turned_around\": true", "\"turned_around\": true, \"weight\": 2"));
        assertEquals("datasets[0].templates[2].weight",
                assertThrows(MalformedDataException.class, () -> Collection.load(dir)).field());
    }

    @Test
    void syntaxErrorNamesLine(@TempDir Path dir) throws IOException {
        String json = Files.readString(Fixtures.collectionDir().resolve("collection.json"));
        copyFixture(dir, json.replaceFirst("\"seed\": 7,", "\"seed\": 7,,"));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Collection.load(dir));
        assertEquals(4, e.line());
    }

    @Test
    void malformedExampleNamesFileLineAndField(@TempDir Path dir) throws IOException {
        copyFixture(dir, Files.readString(Fixtures.collectionDir().resolve("collection.json")));
        writeGz(dir.resolve("tasks/tiny_para.jsonl.gz"), String.join("\n",
                "{\"id\": \"p1\", \"split\": \"train\", \"fields\": {\"sentence1\": \"a\", \"sentence2\": \"b\"}, \"answer\": \"yes\"}",
                "{\"id\": \"p2\", \"split\": \"train\", \"fields\": {\"sentence1\": \"a\", \"sentence2\": \"b\"}, \"answer\": \"maybe\"}"));
        Collection c = Collection.load(dir); // examples are lazy
        Dataset d = c.dataset("tiny_para");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> d.examples("train"));
        assertTrue(e.file().endsWith("tiny_para.jsonl.gz"));
        assertEquals(2, e.line());
        assertEquals("answer", e.field());

        writeGz(dir.resolve("tasks/tiny_para.jsonl.gz"), "{\"id\": \"p1\", \"split\": \"valid\", \"fields\": {}, \"answer\": \"yes\"}\n");
        assertEquals("split", assertThrows(MalformedDataException.class,
                () -> Collection.load(dir).dataset("tiny_para").examples("train")).field());
        writeGz(dir.resolve("tasks/tiny_para.jsonl.gz"), "{\"id\": \"p1\", \"split\": \"train\", \"fields\": {}, \"answer\": \"yes\"\n");
        MalformedDataException syntax = assertThrows(MalformedDataException.class,
                () -> Collection.load(dir).dataset("tiny_para").examples("train"));
        assertEquals(1, syntax.line());
        // valid lines but fewer than collection.json declares
        writeGz(dir.resolve("tasks/tiny_para.jsonl.gz"), "{\"id\": \"p1\", \"split\": \"train\", \"fields\": {}, \"answer\": \"yes\"}\n");
        assertEquals("datasets[1].counts.train", assertThrows(MalformedDataException.class,
                () -> Collection.load(dir).dataset("tiny_para").examples("train")).field());
    }

    private static void copyFixture(Path dir, String collectionJson) throws IOException {
        Files.createDirectories(dir.resolve("tasks"));
        Files.writeString(dir.resolve("collection.json"), collectionJson);
        try (var files = Files.list(Fixtures.collectionDir().resolve("tasks"))) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve("tasks").resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void writeGz(Path p, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
