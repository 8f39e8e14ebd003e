package dev.flan4j.minidata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Checks the generated collection committed under src/main/resources/mini-flan (as on the classpath). */
class ShippedCollectionTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Set<String> CLUSTER_NAMES = Set.of("nli", "reading_comprehension", "closed_book_qa", "commonsense",
            "sentiment", "paraphrase", "coreference", "reading_comprehension_with_commonsense", "translation",
            "summarization", "struct_to_text", "misc");

    @Test
    void shippedCollectionIsValid() throws Exception {
        Path dir = Path.of(ShippedCollectionTest.class.getResource("/mini-flan/collection.json").toURI()).getParent();
        checkCollection(dir, 12, 8);
        // size budget: everything shipped well under 15 MB
        long total = 0;
        try (var s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) if (Files.isRegularFile(p)) total += Files.size(p);
        }
        assertTrue(total < 15_000_000L, "collection is " + total + " bytes");
        assertTrue(Files.readString(dir.resolve("NOTICE")).contains("wordnet-base"));
    }

    @Test
    void heldOutChaptersAreNotInTheCorpus() throws Exception {
        Path dir = Path.of(ShippedCollectionTest.class.getResource("/mini-flan/collection.json").toURI()).getParent();
        StringBuilder all = new StringBuilder();
        for (JsonNode doc : readJsonl(dir.resolve("corpus.jsonl.gz"))) all.append(doc.path("text").asText()).append('\n');
        String corpus = all.toString();
        int checked = 0;
        for (String[] t : new String[][] {{"cloze_rc", "passage"}, {"story_continuation", "context"}, {"name_cloze", "context"}}) {
            List<JsonNode> ex = readJsonl(dir.resolve("tasks/" + t[0] + ".jsonl.gz"));
            for (int i = 0; i < ex.size(); i += Math.max(1, ex.size() / 60)) {
                String text = ex.get(i).path("fields").path(t[1]).asText();
                String probe = text.substring(0, Math.min(80, text.length()));
                assertFalse(corpus.contains(probe), t[0] + " text found in the corpus: " + probe);
                checked++;
            }
        }
        assertTrue(checked > 100);
        // and the corpus is not empty of the sources those tasks draw on
        assertTrue(corpus.contains("Call me Ishmael") || corpus.contains("Elizabeth"));
    }

    /**
     * No sentence (Overlap keys: sentences of 5 or more words, and texts that are shorter sentences, matched exactly)
     * of any dataset's test split occurs in any dataset's train split.
     */
    @Test
    void noTestSentenceInAnyTrainSplit() throws Exception {
        Path dir = Path.of(ShippedCollectionTest.class.getResource("/mini-flan/collection.json").toURI()).getParent();
        assertEquals(List.of(), overlaps(dir));
    }

    /** "dataset/test-id ~ dataset/train-id: sentence" for every test sentence found in a train split. */
    static List<String> overlaps(Path dir) throws Exception {
        JsonNode coll = M.readTree(dir.resolve("collection.json").toFile());
        Map<String, String> trainKeys = new java.util.HashMap<>(); // key -> dataset/id of a train example
        List<String[]> testKeys = new ArrayList<>();              // key, dataset/id
        for (JsonNode d : coll.path("datasets")) {
            List<String> fixed = new ArrayList<>();
            for (JsonNode o : d.path("options")) fixed.add(o.asText());
            for (JsonNode e : readJsonl(dir.resolve(d.path("file").asText()))) {
                List<String> fields = new ArrayList<>();
                e.path("fields").forEach(f -> fields.add(f.asText()));
                List<String> opts = null;
                if (e.has("options")) {
                    opts = new ArrayList<>();
                    for (JsonNode o : e.path("options")) opts.add(o.asText());
                }
                String where = d.path("name").asText() + "/" + e.path("id").asText();
                Set<String> keys = Overlap.keys(fields, e.path("answer").asText(), opts, d.path("options").isArray() ? fixed : null);
                String split = e.path("split").asText();
                for (String k : keys) {
                    if (split.equals("train")) trainKeys.putIfAbsent(k, where);
                    else if (split.equals("test")) testKeys.add(new String[] {k, where});
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] t : testKeys) if (trainKeys.containsKey(t[0])) out.add(t[1] + " ~ " + trainKeys.get(t[0]) + ": " + t[0]);
        return out.size() > 20 ? out.subList(0, 20) : out;
    }

    @Test
    void overlapCheckFindsASharedSentence() throws Exception {
        // the check itself: a test sentence of one dataset in another dataset's train split is reported
        Path dir = Files.createTempDirectory("overlap");
        Files.createDirectories(dir.resolve("tasks"));
        Files.writeString(dir.resolve("collection.json"), "{\"datasets\": ["
                + "{\"name\": \"a\", \"options\": [\"no\", \"yes\"], \"file\": \"tasks/a.jsonl.gz\"},"
                + "{\"name\": \"b\", \"options\": null, \"file\": \"tasks/b.jsonl.gz\"}]}");
        write(dir.resolve("tasks/a.jsonl.gz"), "{\"id\": \"a-1\", \"split\": \"test\", \"fields\": {\"s\": \"She went home early today.\"}, \"answer\": \"yes\"}");
        write(dir.resolve("tasks/b.jsonl.gz"), "{\"id\": \"b-1\", \"split\": \"train\", \"fields\": {\"x\": \"Fix it.\"}, \"answer\": \"she went home, early today!\"}\n"
                + "{\"id\": \"b-2\", \"split\": \"train\", \"fields\": {\"x\": \"No.\"}, \"answer\": \"yes\"}");
        List<String> found = overlaps(dir);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("a/a-1 ~ b/b-1"), found.toString());
        // a short test sentence is found in train only as the same whole text (whitespace aside)
        write(dir.resolve("tasks/a.jsonl.gz"), "{\"id\": \"a-1\", \"split\": \"test\", \"fields\": {\"s\": \"I haven a clue.\"}, \"answer\": \"no\"}");
        write(dir.resolve("tasks/b.jsonl.gz"), "{\"id\": \"b-1\", \"split\": \"train\", \"fields\": {\"x\": \"i haven a clue\"}, \"answer\": \"I haven a clue!\"}\n"
                + "{\"id\": \"b-2\", \"split\": \"train\", \"fields\": {\"x\": \"He said it. I haven a clue.\"}, \"answer\": \"yes\"}\n"
                + "{\"id\": \"b-3\", \"split\": \"train\", \"fields\": {\"x\": \"Fix:\"}, \"answer\": \"I  haven a\\nclue.\"}");
        found = overlaps(dir);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("a/a-1 ~ b/b-3: =I haven a clue."), found.toString());
    }

    @Test
    void shortSentencesAreKeysOnlyAsWholeTexts() {
        assertEquals(Set.of("=I haven a clue."), Overlap.keys("I  haven a clue."));
        assertEquals(Set.of("=\"Oh, have I? Sorry.\""), Overlap.keys("\"Oh, have I? Sorry.\""));
        assertEquals(Set.of("she went home early today"), Overlap.keys("Mrs. Smith came. She went home early today."));
        assertEquals(Set.of(), Overlap.keys("Anne"));
        assertEquals(Set.of(), Overlap.keys("desert"));
        assertEquals(Set.of(), Overlap.keys("make dull or blunt"));
    }

    static void write(Path p, String lines) throws Exception {
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(p))) {
            out.write((lines + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    static List<JsonNode> readJsonl(Path p) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) out.add(M.readTree(line));
        }
        return out;
    }

    static void checkCollection(Path dir, int minDatasets, int minClusters) throws Exception {
        JsonNode coll = M.readTree(dir.resolve("collection.json").toFile());
        assertEquals("mini-flan", coll.path("name").asText());
        Map<String, String> clusterKinds = new LinkedHashMap<>();
        for (JsonNode c : coll.path("clusters")) {
            assertTrue(CLUSTER_NAMES.contains(c.path("name").asText()), c.toString());
            assertTrue(Set.of("nlu", "nlg").contains(c.path("kind").asText()));
            clusterKinds.put(c.path("name").asText(), c.path("kind").asText());
        }
        Set<String> usedClusters = new HashSet<>();
        Set<String> names = new HashSet<>();
        JsonNode datasets = coll.path("datasets");
        assertTrue(datasets.size() >= minDatasets, "datasets: " + datasets.size());
        for (JsonNode d : datasets) {
            String name = d.path("name").asText();
            assertTrue(names.add(name), "duplicate dataset " + name);
            String cluster = d.path("cluster").asText();
            assertTrue(clusterKinds.containsKey(cluster), name + ": unknown cluster " + cluster);
            usedClusters.add(cluster);
            String task = d.path("task").asText();
            assertTrue(Set.of("classification", "generation").contains(task), name);
            assertTrue(Set.of("accuracy", "exact_match", "f1", "bleu", "rouge").contains(d.path("metric").asText()), name);
            for (String k : List.of("source", "version", "license", "labels", "description"))
                assertFalse(d.path("card").path(k).asText().isBlank(), name + ": card." + k);
            // templates
            JsonNode ts = d.path("templates");
            assertTrue(ts.size() >= 5 && ts.size() <= 10, name + ": " + ts.size() + " templates");
            boolean plain = false;
            Set<String> slots = new HashSet<>();
            for (JsonNode t : ts) {
                if (!t.path("turned_around").asBoolean()) plain = true;
                slots.addAll(Generate.slots(t.path("input").asText() + "\n" + t.path("target").asText()));
                if (task.equals("classification") && !t.path("turned_around").asBoolean())
                    assertTrue(t.path("input").asText().contains("{options_}"), name + ": classification template without {options_}");
            }
            assertTrue(plain, name + ": all templates turned around");
            slots.remove("answer");
            slots.remove("options_");
            // examples
            List<JsonNode> ex = readJsonl(dir.resolve(d.path("file").asText()));
            Map<String, Integer> counts = new LinkedHashMap<>();
            Set<String> train = new HashSet<>();
            List<String> test = new ArrayList<>();
            String prevSplit = "train";
            List<String> order = List.of("train", "dev", "test");
            Set<String> ids = new HashSet<>();
            for (JsonNode e : ex) {
                String split = e.path("split").asText();
                assertTrue(order.contains(split), name + ": split " + split);
                assertTrue(order.indexOf(split) >= order.indexOf(prevSplit), name + ": splits out of order");
                prevSplit = split;
                assertTrue(ids.add(e.path("id").asText()), name + ": duplicate id");
                counts.merge(split, 1, Integer::sum);
                for (String s : slots) assertTrue(e.path("fields").has(s), name + ": slot {" + s + "} missing in " + e);
                String answer = e.path("answer").asText();
                assertFalse(answer.isBlank(), name + ": empty answer");
                if (task.equals("classification")) {
                    JsonNode opts = e.has("options") ? e.path("options") : d.path("options");
                    assertTrue(opts.isArray() && opts.size() >= 2, name + ": no options for " + e);
                    boolean found = false;
                    for (JsonNode o : opts) found |= o.asText().equals(answer);
                    assertTrue(found, name + ": answer not among options: " + e);
                }
                String key = e.path("fields").toString();
                if (split.equals("train")) train.add(key);
                else if (split.equals("test")) test.add(key);
            }
            for (String s : order) {
                assertTrue(counts.getOrDefault(s, 0) > 0, name + ": empty split " + s);
                assertEquals(counts.getOrDefault(s, 0), d.path("counts").path(s).asInt(), name + ": counts." + s);
            }
            for (String t : test) assertFalse(train.contains(t), name + ": test example also in train: " + t);
        }
        assertTrue(usedClusters.size() >= minClusters, "clusters: " + usedClusters);
        // corpus
        List<JsonNode> corpus = readJsonl(dir.resolve("corpus.jsonl.gz"));
        Set<String> splits = new HashSet<>();
        for (JsonNode doc : corpus) {
            splits.add(doc.path("split").asText());
            assertNotNull(doc.get("id"));
            assertFalse(doc.path("text").asText().isBlank());
        }
        assertEquals(Set.of("train", "valid"), splits);
    }
}
