package dev.flan4j.minidata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorDeterminismTest {
    @TempDir Path tmp;

    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> l = new ArrayList<>();
            for (Path p : (Iterable<Path>) s.sorted()::iterator) if (Files.isRegularFile(p)) l.add(dir.relativize(p));
            return l;
        }
    }

    @Test
    void sameSeedSameBytesDifferentSeedDifferentSplits() throws Exception {
        Path srcDir = FixtureSources.prepare(tmp.resolve("src"));
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        new Generate(new Sources(srcDir), 1234).run(a);
        new Generate(new Sources(srcDir), 1234).run(b);
        new Generate(new Sources(srcDir), 99).run(c);
        List<Path> fa = files(a);
        assertEquals(fa, files(b));
        assertTrue(fa.contains(Path.of("collection.json")) && fa.contains(Path.of("corpus.jsonl.gz"))
                && fa.contains(Path.of("NOTICE")), fa.toString());
        for (Path p : fa) assertArrayEquals(Files.readAllBytes(a.resolve(p)), Files.readAllBytes(b.resolve(p)), p.toString());
        // gzip header: magic, deflate, no flags (no name), mtime 0
        byte[] gz = Files.readAllBytes(a.resolve("corpus.jsonl.gz"));
        assertEquals((byte) 0x1f, gz[0]);
        assertEquals((byte) 0x8b, gz[1]);
        assertEquals(0, gz[3], "no FNAME/FCOMMENT flags");
        assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7], "mtime 0");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("collection.json")),
                Files.readAllBytes(c.resolve("collection.json"))) && java.util.Arrays.equals(
                Files.readAllBytes(a.resolve("tasks/trivia_qa.jsonl.gz")), Files.readAllBytes(c.resolve("tasks/trivia_qa.jsonl.gz"))),
                "another seed gives other splits");
        // the fixture exercises most builders and the output passes the shipped-collection checks
        JsonNode coll = new ObjectMapper().readTree(a.resolve("collection.json").toFile());
        assertTrue(coll.path("datasets").size() >= 12, "datasets built from fixtures: " + coll.path("datasets").size());
        ShippedCollectionTest.checkCollection(a, 8, 8);
    }
}
