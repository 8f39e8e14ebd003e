package dev.flan4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Splits;
import dev.flan4j.eval.Stats;
import dev.flan4j.experiment.repro.Scores;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's plumbing on a run of seconds: files, table rows, recorded config, and determinism on the CPU. */
class DemoTest {
    @TempDir Path tmp;

    @Test
    void tinyDemoWritesItsTablesCurveAndConfigAndRepeatsExactly() throws Exception {
        Recipe c = Recipe.builder("demo-test").model("tiny").batch(2, 64).pretrain(3, 3e-3).tune(4, 1e-3).checkpoints(4, 2)
                .eval(4, 0, 1, 8).heldOut("nli").curve(2, 2).seed(7).build();
        var tok = Tokenizers.byName("mini-bpe");
        Collection coll = Collection.builtIn();
        Corpus corpus = Corpus.builtIn();
        Demo.Result a = Demo.run(new CpuBackend(), tok, coll, corpus, c, null, tmp.resolve("a"), false);
        Demo.Result b = Demo.run(new CpuBackend(), tok, coll, corpus, c, null, tmp.resolve("b"), false);
        assertEquals(a.table(), b.table(), "same seed, same table");
        assertEquals(a.curve(), b.curve());
        List<String> datasets = a.rows().stream().map(Demo.Row::dataset).toList();
        assertTrue(datasets.contains("wordnet_nli") && datasets.contains("sentiment_imdb") && datasets.contains("grammar_acceptability"),
                datasets.toString());
        assertFalse(datasets.contains("bible_paraphrase"), "FLAN drops paraphrase with NLI held out");
        assertFalse(datasets.contains("trivia_qa"), "seen clusters are scored on their classification datasets");
        for (Demo.Row r : a.rows()) {
            assertEquals(!r.cluster().equals("nli"), r.seen(), r.toString());
            assertEquals(4, r.n(), r.toString());
            Dataset d = coll.dataset(r.dataset());
            assertEquals(Scores.majority(d, 4), r.majority(), 1e-9);
            Stats.Interval w = Stats.wilson95(r.tuned() / 100, 4).scaled(100);
            assertEquals(w.low(), r.tunedLow(), 1e-9);
            assertEquals(w.high(), r.tunedHigh(), 1e-9);
            assertTrue(r.tunedLow() <= r.tuned() && r.tuned() <= r.tunedHigh());
        }
        assertEquals(List.of("sentiment", "reading_comprehension", "reading_comprehension_with_commonsense", "commonsense",
                "coreference", "misc", "nli").stream().sorted().toList(),
                a.clusters().stream().map(Demo.Row::cluster).sorted().toList());
        assertEquals(a.clusters().size(), a.verdicts().size());
        assertTrue(a.verdicts().stream().anyMatch(v -> v.startsWith("nli (held out): tuned ")), a.verdicts().toString());
        assertTrue(a.verdicts().stream().anyMatch(v -> v.startsWith("sentiment (seen): tuned ")), a.verdicts().toString());
        assertEquals(List.of(0, 2, 4), a.curve().stream().map(Demo.CurvePoint::step).toList());
        Path dir = tmp.resolve("a");
        for (String f : new String[]{"results.md", "results.csv", "clusters.csv", "learning_curve.png", "learning_curve.csv", "run.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertEquals("dataset,cluster,seen,metric,n,templates,majority,base,base_ci_low,base_ci_high,tuned,tuned_ci_low,tuned_ci_high",
                Files.readAllLines(dir.resolve("results.csv")).get(0));
        assertEquals(1 + a.rows().size(), Files.readAllLines(dir.resolve("results.csv")).size());
        assertTrue(Files.readString(dir.resolve("results.md")).contains("Wilson"));
        JsonNode run = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
        assertEquals("cpu", run.path("run").path("backend").asText());
        assertEquals(7, run.path("recipe").path("seed").asInt());
        assertTrue(run.path("wall_seconds").asDouble() > 0);
        for (String phase : new String[]{"pretrain", "tune", "score_base", "score_tuned", "learning_curve", "total"}) {
            assertTrue(run.path("seconds").path(phase).asDouble() > 0, phase);
        }
        assertEquals("pretrained from scratch", run.path("base").path("source").asText());
        assertTrue(run.path("tune_clusters").toString().contains("sentiment"));
        assertTrue(!run.path("tune_clusters").toString().contains("paraphrase"), "FLAN drops paraphrase with NLI held out");
        // A second run in the same folder reuses the finished checkpoints instead of training again.
        Demo.Result again = Demo.run(new CpuBackend(), tok, coll, corpus, c, null, dir, false);
        assertEquals(a.table(), again.table());
        assertEquals(a.curve(), again.curve());
        assertTrue(new ObjectMapper().readTree(dir.resolve("run.json").toFile()).path("base").path("pretrain").path("reused_checkpoint").asBoolean());
    }

    @Test
    void aTuningFolderIsReusedOnlyWithTheSameSettings() throws Exception {
        Path dir = tmp.resolve("tune-nli");
        Demo.claim(dir, "{\"steps\":4}");
        Demo.claim(dir, "{\"steps\":4}");   // same settings: resume or reuse
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Demo.claim(dir, "{\"steps\":8}"));
        assertTrue(e.getMessage().contains("other settings") && e.getMessage().contains("--out"), e.getMessage());
        Path old = tmp.resolve("old");
        Files.createDirectories(old.resolve("checkpoints"));
        e = assertThrows(IllegalArgumentException.class, () -> Demo.claim(old, "{}"));
        assertTrue(e.getMessage().contains("not recorded"), e.getMessage());
    }

    @Test
    void tuningClustersMustBeAllowedWithTheHeldOutOne() {
        Collection coll = Collection.builtIn();
        Recipe all = Recipe.builder("t").heldOut("nli").build();
        assertFalse(Demo.tuneSplit(coll, all).tuneClusters().contains("paraphrase"), "FLAN drops paraphrase with NLI");
        Splits.Split two = Demo.tuneSplit(coll, all.toBuilder().tuneClusters("sentiment", "coreference").build());
        assertEquals(List.of("sentiment", "coreference"), two.tuneClusters());
        assertEquals(List.of("nli"), two.evalClusters());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Demo.tuneSplit(coll, all.toBuilder().tuneClusters("sentiment", "paraphrase").build()));
        assertTrue(e.getMessage().contains("'paraphrase' is not allowed with 'nli' held out"), e.getMessage());
    }

    @Test
    void verdictsSayWhetherTheIntervalClearsTheMajority() {
        Demo.Row beats = new Demo.Row("[cluster]", "sentiment", true, "accuracy", 300, 3, 50.5, 50.2, 44.6, 55.8, 78.0, 72.1, 83.0);
        assertEquals("sentiment (seen): tuned 78.0 [72.1, 83.0] beats majority 50.5 by 27.5 points; base 50.2 [44.6, 55.8].",
                Demo.verdict(beats));
        Demo.Row within = new Demo.Row("[cluster]", "nli", false, "accuracy", 100, 3, 40.0, 33.0, 24.6, 42.7, 45.0, 35.6, 54.8);
        assertEquals("nli (held out): tuned 45.0 [35.6, 54.8] does not differ from majority 40.0 (the interval contains it); "
                + "base 33.0 [24.6, 42.7].", Demo.verdict(within));
        Demo.Row below = new Demo.Row("[cluster]", "nli", false, "accuracy", 100, 3, 60.0, 33.0, 24.6, 42.7, 30.0, 21.9, 39.6);
        assertTrue(Demo.verdict(below).contains("is below majority 60.0 by 30.0 points"), Demo.verdict(below));
    }

    @Test
    void clusterRowsPoolTheirDatasetsByExamples() {
        List<Demo.Row> rows = List.of(
                new Demo.Row("a", "x", true, "accuracy", 100, 1, 50, 40, 0, 0, 80, 0, 0),
                new Demo.Row("b", "x", true, "accuracy", 300, 1, 60, 60, 0, 0, 40, 0, 0));
        Demo.Row c = Demo.clusterRows(rows).get(0);
        assertEquals(400, c.n());
        assertEquals(57.5, c.majority(), 1e-9);
        assertEquals(55.0, c.base(), 1e-9);
        assertEquals(50.0, c.tuned(), 1e-9);
        assertEquals(Stats.wilson(200, 400, Stats.Z95).low() * 100, c.tunedLow(), 1e-9);
    }
}
