package dev.flan4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's plumbing on a run of seconds: files, table rows, recorded config, and determinism on the CPU. */
class DemoTest {
    @TempDir Path tmp;

    @Test
    void tinyDemoWritesItsTableAndConfigAndRepeatsExactly() throws Exception {
        Recipe c = Recipe.builder("demo-test").model("tiny").batch(2, 64).pretrain(3, 3e-3).tune(2, 1e-3).checkpoints(4, 2)
                .eval(3, 2, 0, 32).heldOut("nli").seed(7).build();
        var tok = Tokenizers.byName("mini-bpe");
        Collection coll = Collection.builtIn();
        Corpus corpus = Corpus.builtIn();
        Demo.Result a = Demo.run(new CpuBackend(), tok, coll, corpus, c, tmp.resolve("a"), false);
        Demo.Result b = Demo.run(new CpuBackend(), tok, coll, corpus, c, tmp.resolve("b"), false);
        assertEquals(a.table(), b.table(), "same seed, same table");
        assertTrue(a.table().rows().stream().anyMatch(r -> r.get(0).equals("wordnet_nli")), a.table().text());
        assertTrue(a.table().rows().stream().anyMatch(r -> r.get(0).equals("[cluster average]") && r.get(1).equals("nli")));
        for (String f : new String[]{"results.md", "results.csv", "run.json"}) assertTrue(Files.isRegularFile(tmp.resolve("a").resolve(f)), f);
        JsonNode run = new ObjectMapper().readTree(tmp.resolve("a/run.json").toFile());
        assertEquals("cpu", run.path("run").path("backend").asText());
        assertEquals(7, run.path("recipe").path("seed").asInt());
        assertTrue(run.path("wall_seconds").asDouble() > 0);
        assertTrue(run.path("tune_clusters").toString().contains("sentiment"));
        assertTrue(!run.path("tune_clusters").toString().contains("paraphrase"), "FLAN drops paraphrase with NLI held out");
        // A second run in the same folder reuses the finished checkpoints instead of training again.
        Demo.Result again = Demo.run(new CpuBackend(), tok, coll, corpus, c, tmp.resolve("a"), false);
        assertEquals(a.table(), again.table());
        assertTrue(new ObjectMapper().readTree(tmp.resolve("a/run.json").toFile()).path("pretrain").path("reused_checkpoint").asBoolean());
    }
}
