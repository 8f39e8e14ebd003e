package dev.flan4j.experiment.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.data.Dataset;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.experiment.Table;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment plumbing on the tiny preset: every experiment's outputs, and the same table for the same seed. */
class ReproTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;
    static Backend be;
    static Tokenizer tok;
    static Collection coll;
    static Corpus corpus;
    static Path out;
    static final Map<Repro.Experiment, Repro.Result> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void runAll() throws IOException {
        be = Backends.create("cpu");
        tok = Tokenizers.byName("mini-bpe");
        coll = Collection.builtIn();
        corpus = Corpus.builtIn();
        out = tmp.resolve("out");
        try (Lab lab = new Lab(be, tok, coll, corpus, Recipe.tiny(), 1234, tmp.resolve("runs"), false)) {
            for (Repro.Experiment e : Repro.Experiment.values()) RESULTS.put(e, Repro.run(e, lab, out));
        }
    }

    @AfterAll
    static void close() {
        if (be != null) be.close();
    }

    @Test
    void everyExperimentWritesTablesFiguresRunJsonAndReport() throws IOException {
        for (Repro.Experiment e : Repro.Experiment.values()) {
            Path dir = out.resolve(e.id);
            JsonNode run = JSON.readTree(dir.resolve("run.json").toFile());
            assertEquals(e.id, run.get("experiment").asText());
            assertEquals(1234, run.get("seed").asLong());
            assertEquals("tiny", run.get("preset").get("name").asText());
            for (String k : List.of("commit", "backend", "device", "started")) assertNotNull(run.get("run").get(k), k);
            assertEquals("fp32", run.get("run").get("precision").asText());
            assertTrue(run.get("wall_seconds").asDouble() > 0);
            assertFalse(run.get("tables").isEmpty(), e.id);
            for (JsonNode t : run.get("tables")) assertTrue(Files.size(dir.resolve(t.asText())) > 0, t.asText());
            assertFalse(run.get("figures").isEmpty(), e.id);
            for (JsonNode f : run.get("figures")) {
                BufferedImage img = ImageIO.read(dir.resolve(f.asText()).toFile());
                assertNotNull(img, f.asText() + " is not a readable image");
                assertTrue(img.getWidth() >= 800 && img.getHeight() >= 400);
            }
            // every evaluation and tuned model reports its truncation per dataset, with counts that add up
            assertFalse(run.get("scoring").isEmpty(), e.id);
            for (JsonNode ev : run.get("scoring")) {
                assertFalse(ev.get("truncation").isEmpty(), ev.toString());
                for (JsonNode r : ev.get("truncation")) {
                    assertTrue(r.get("seen").asLong() > 0 && r.get("truncated").asLong() <= r.get("seen").asLong(), r.toString());
                    assertEquals(100.0 * r.get("truncated").asLong() / r.get("seen").asLong(), r.get("percent").asDouble(), 1e-9);
                }
            }
            for (JsonNode st : run.get("stages")) {
                if (st.get("stage").asText().equals("tune") && !st.get("reused_checkpoint").asBoolean()) {
                    assertNotNull(st.get("truncation"), st.toString());
                }
            }
            String report = Files.readString(dir.resolve("REPORT.md"));
            assertTrue(report.contains("## What we found"), report);
            assertTrue(report.contains("## Truncation") && report.contains("scored prompts cut"), report);
            assertTrue(report.contains("departs from the paper"), report);
            assertTrue(report.contains("HURTS held-out tasks at 8B"), report);
            try (Stream<Path> s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp files left in " + dir);
            }
        }
        String set = Files.readString(out.resolve("REPORT.md"));
        for (Repro.Experiment e : Repro.Experiment.values()) assertTrue(set.contains("(" + e.id + ", preset tiny)"), e.id);
        assertTrue(set.contains("](zero-shot/zero_shot.png)"), "figure links point into the experiment folders");
        assertFalse(set.contains("Not run"));
    }

    @Test
    void tablesHoldThePapersNumbersBesideOurs() throws IOException {
        String clusters = Files.readString(out.resolve("clusters/clusters.csv"));
        assertTrue(clusters.contains("49.9") && clusters.contains("55.0"), clusters);
        // header, untuned base, one row per tuning-cluster count, the majority and best-heuristic rows
        assertEquals(1 + 1 + Recipe.tiny().maxTuneClusters() + 2, clusters.strip().split("\n").length, clusters);
        assertTrue(clusters.contains("baseline,majority class,") && clusters.contains("baseline,best heuristic,"), clusters);
        assertTrue(clusters.lines().skip(1).limit(1 + Recipe.tiny().maxTuneClusters())
                .allMatch(l -> l.matches(".*\\d \\[\\d+\\.\\d, \\d+\\.\\d\\].*")), "every score row carries 95% CIs: " + clusters);
        String instr = Files.readString(out.resolve("instructions/instructions.csv"));
        for (String v : List.of("37.3", "46.6", "47.0", "55.2")) assertTrue(instr.contains(v), instr);
        String zs = Files.readString(out.resolve("zero-shot/zero_shot_clusters.csv"));
        assertTrue(zs.contains("42.9") && zs.contains("53.2") && zs.contains("56.2"), zs);
        String scale = Files.readString(out.resolve("scale/scale.csv"));
        assertEquals(1 + Recipe.tiny().scaleLadder().size() + 2, scale.strip().split("\n").length, scale);
        assertTrue(instr.contains("baseline: majority class") && scale.contains("baseline: best heuristic"), instr + scale);
        assertTrue(zs.lines().skip(1).allMatch(l -> l.contains(" [")), "zero-shot cluster rows carry CIs: " + zs);
        String fs = Files.readString(out.resolve("few-shot/few_shot.csv"));
        assertEquals(1 + Recipe.tiny().shots().size() * Recipe.tiny().heldOut().size(),
                fs.strip().split("\n").length, fs);
    }

    @Test
    void sameSeedSameTables() throws IOException {
        // Fresh run folders, so nothing is reused: both runs train and evaluate from scratch.
        Map<String, String> a = runZeroShotAndInstructions(tmp.resolve("det-a"), 7);
        Map<String, String> b = runZeroShotAndInstructions(tmp.resolve("det-b"), 7);
        assertEquals(a, b);
    }

    private static Map<String, String> runZeroShotAndInstructions(Path root, long seed) throws IOException {
        Map<String, String> tables = new LinkedHashMap<>();
        try (Lab lab = new Lab(be, tok, coll, corpus, Recipe.tiny(), seed, root.resolve("runs"), false)) {
            for (Repro.Experiment e : List.of(Repro.Experiment.ZERO_SHOT, Repro.Experiment.INSTRUCTIONS)) {
                Repro.run(e, lab, root.resolve("out"));
                try (Stream<Path> s = Files.list(root.resolve("out").resolve(e.id))) {
                    for (Path p : s.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                        tables.put(e.id + "/" + p.getFileName(), Files.readString(p));
                    }
                }
            }
        }
        return tables;
    }

    @Test
    void rerunReusesModelsAndEvaluations() throws IOException {
        try (Lab lab = new Lab(be, tok, coll, corpus, Recipe.tiny(), 1234, tmp.resolve("runs"), false)) {
            Repro.run(Repro.Experiment.CLUSTERS, lab, tmp.resolve("again"));
            assertTrue(lab.stages().stream().allMatch(s -> Boolean.TRUE.equals(s.get("reused_checkpoint"))), lab.stages().toString());
            assertEquals(0, lab.evalCounts().get("computed"));
        }
        JsonNode run = JSON.readTree(tmp.resolve("again/clusters/run.json").toFile());
        assertEquals(0, run.get("evaluations").get("computed").asInt());
        assertTrue(run.get("evaluations").get("cached").asInt() > 0);
        assertEquals(Files.readString(out.resolve("clusters/clusters.csv")),
                Files.readString(tmp.resolve("again/clusters/clusters.csv")));
    }

    @Test
    void unknownNamesAreClearErrors() {
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> Recipe.byName("huge"));
        assertTrue(p.getMessage().contains("unknown preset 'huge'") && p.getMessage().contains("cpu-mini"), p.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Repro.Experiment.byId("nope"));
        assertTrue(e.getMessage().contains("unknown experiment 'nope'") && e.getMessage().contains("zero-shot"), e.getMessage());
        assertEquals(Repro.Experiment.FEW_SHOT, Repro.Experiment.byId("few-shot"));
    }

    @Test
    void presetsAreConsistent() {
        for (Recipe p : Recipe.PRESETS.values()) {
            assertTrue(p.scaleLadder().contains(p.model()) || p.name().equals("gpu"), p.name());
            for (String c : p.heldOut()) coll.cluster(c);
            p.pretrainConfig(1);
            p.tuneConfig(1);
        }
        assertEquals(List.of("tiny", "1m", "3m"), Recipe.cpuMini().scaleLadder());
        for (String c : Paper.CLUSTER_ORDER) coll.cluster(c);
        assertEquals(7, Paper.CLUSTER_ORDER.size());
        assertEquals(7, Paper.CLUSTERS_HELD_OUT_AVG.size());
    }

    @Test
    void templateLimitKeepsTheFirstScorableTemplates() {
        Dataset d = coll.dataset("sentiment_amazon");
        Dataset two = Lab.limitTemplates(d, 2);
        assertEquals(2, two.templates().size());
        assertEquals(d.templates().get(0), two.templates().get(0));
        assertTrue(two.templates().stream().noneMatch(t -> t.turnedAround()));
        assertEquals(d.examples("test"), two.examples("test"));
        assertEquals(d.examples("train").size(), two.examples("train").size());
        assertEquals(d, Lab.limitTemplates(d, 0));
    }

    @Test
    void seedSummaryGivesEachNumbersMeanAndStudentInterval() throws Exception {
        List<Path> dirs = new java.util.ArrayList<>();
        double[][] v = {{40, 10}, {50, 20}, {60, 30}};
        for (int i = 0; i < 3; i++) {
            Path d = tmp.resolve("set" + i);
            Files.createDirectories(d.resolve("clusters"));
            Files.writeString(d.resolve("clusters/run.json"), "{\"numbers\": {\"nli\": {\"tuned\": " + v[i][0]
                    + "}, \"curve\": [" + v[i][1] + ", 1.0], \"label\": \"x\"}}");
            dirs.add(d);
        }
        Files.writeString(dirs.get(0).resolve("clusters/REPORT.md"), "# Clusters\n");
        Table t = Repro.writeSeedSummary(Repro.Experiment.CLUSTERS, dirs.get(0), dirs, List.of(1L, 2L, 3L));
        // 40, 50, 60: mean 50, s = 10, t(0.975, 2) = 4.303 -> 50 +- 4.303 * 10 / sqrt(3) = [25.2, 74.8].
        assertEquals(List.of("nli.tuned", "40.0 / 50.0 / 60.0", "50.0", "[25.2, 74.8]"), t.rows().get(0));
        assertEquals(List.of("curve[0]", "10.0 / 20.0 / 30.0", "20.0", "[-4.8, 44.8]"), t.rows().get(1));
        assertEquals(List.of("curve[1]", "1.0 / 1.0 / 1.0", "1.0", "[1.0, 1.0]"), t.rows().get(2));
        assertEquals(3, t.rows().size(), "text is not a number");
        assertTrue(Files.readString(dirs.get(0).resolve("clusters/REPORT.md")).contains("## Across seeds"));
        assertTrue(Files.isRegularFile(dirs.get(0).resolve("clusters/seeds.csv")));
        Repro.writeSeedSummary(Repro.Experiment.CLUSTERS, dirs.get(0), dirs, List.of(1L, 2L, 3L));
        String report = Files.readString(dirs.get(0).resolve("clusters/REPORT.md"));
        assertEquals(report.indexOf("## Across seeds"), report.lastIndexOf("## Across seeds"), "rewritten, not appended twice");
    }

    @Test
    void majorityAndWilsonCellsBesideScores() {
        Dataset s = coll.dataset("sentiment_amazon");
        List<dev.flan4j.data.Example> first = s.examples("test").subList(0, 40);
        long pos = first.stream().filter(x -> x.answer().equals("positive")).count();
        assertEquals(100.0 * Math.max(pos, 40 - pos) / 40, Scores.majority(s, 40), 1e-9);
        Dataset cloze = coll.dataset("cloze_rc");
        Map<Integer, Integer> at = new LinkedHashMap<>();
        for (dev.flan4j.data.Example x : cloze.examples("test")) at.merge(cloze.optionsFor(x).indexOf(x.answer()), 1, Integer::sum);
        double top = at.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertEquals(100 * top / cloze.examples("test").size(), Scores.majority(cloze, 0), 1e-9, "per-example options: gold position");
        Dataset qa = coll.dataset("trivia_qa");
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (dev.flan4j.data.Example x : qa.examples("train")) {
            answers.merge(dev.flan4j.eval.metrics.ExactMatch.normalizeAnswer(x.answer()), 1, Integer::sum);
        }
        String topAnswer = answers.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        long hits = qa.examples("test").stream()
                .filter(x -> dev.flan4j.eval.metrics.ExactMatch.normalizeAnswer(x.answer()).equals(topAnswer)).count();
        assertEquals(100.0 * hits / qa.examples("test").size(), Scores.majority(qa, 0), 1e-9, "most frequent train answer");
        assertEquals(Scores.majority(qa, 0), Scores.heuristic(qa), 1e-9);
        assertTrue(Double.isNaN(Scores.majority(coll.dataset("debian_summaries"), 10)), "no majority for ROUGE");
        assertEquals("[40.4, 59.6]", Scores.wilsonCell("accuracy", 50, 100));
        assertEquals("[0.0, 27.8]", Scores.wilsonCell("exact_match", 0, 10));
        assertEquals("-", Scores.wilsonCell("bleu", 20, 100));
        assertEquals("-", Scores.wilsonCell("accuracy", 50, 0));
    }

    @Test
    void chanceIsOneOverTheOptions() {
        assertEquals(50.0, Scores.chance(coll.dataset("sentiment_amazon"), 10), 1e-9);
        assertEquals(0.0, Scores.chance(coll.dataset("trivia_qa"), 10), 1e-9);
    }
    @Test
    void heuristicIsTheBestCueBaselineAndClusterIntervalsCoverTheirScores() {
        Dataset nli = coll.dataset("wordnet_nli");
        dev.flan4j.data.Baselines.Row b = dev.flan4j.data.Baselines.of(nli);
        double best = Math.max(b.majority(), Math.max(Math.max(b.position(), b.length()), Math.max(b.overlap(), b.lastFieldNb())));
        assertEquals(100 * best, Scores.heuristic(nli), 1e-9);
        assertEquals(Scores.heuristic(nli), Scores.heuristic(coll, "nli") * coll.cluster("nli").datasets().size()
                - coll.cluster("nli").datasets().stream().filter(d -> d != nli).mapToDouble(Scores::heuristic).sum(), 1e-9);
        // two datasets of 100 test examples, 60 and 40: cluster 50, interval from the normal approximation
        dev.flan4j.eval.Evaluator.Report r = new dev.flan4j.eval.Evaluator.Report(
                List.of(new dev.flan4j.eval.Evaluator.TemplateScore("a", "c", "t0", "test", "accuracy", 60, 60, 60, 100),
                        new dev.flan4j.eval.Evaluator.TemplateScore("b", "c", "t0", "test", "accuracy", 40, 40, 40, 100),
                        new dev.flan4j.eval.Evaluator.TemplateScore("g", "d", "t0", "test", "bleu", 10, 10, 10, 100)),
                List.of(new dev.flan4j.eval.Evaluator.DatasetScore("a", "c", "accuracy", 60, 60, "t0", 60, 60, 1),
                        new dev.flan4j.eval.Evaluator.DatasetScore("b", "c", "accuracy", 40, 40, "t0", 40, 40, 1),
                        new dev.flan4j.eval.Evaluator.DatasetScore("g", "d", "bleu", 10, 10, "t0", 10, 10, 1)),
                Map.of("c", 50.0, "d", 10.0), Map.of("c", 50.0, "d", 10.0));
        dev.flan4j.eval.Stats.Interval ci = Scores.interval(r, "c", false);
        assertEquals(dev.flan4j.eval.Stats.weightedAccuracies95(new double[]{0.5, 0.5}, new double[]{0.6, 0.4},
                new int[]{100, 100}).scaled(100), ci);
        assertTrue(ci.contains(50) && ci.low() > 40 && ci.high() < 60, ci.toString());
        assertEquals("50.0 [" + Table.num(ci.low()) + ", " + Table.num(ci.high()) + "]", Scores.cell(50, ci));
        assertEquals(null, Scores.interval(r, List.of("c", "d"), false), "no interval over a BLEU score");
        assertEquals("10.0", Scores.cell(10, Scores.interval(r, "d", false)));
    }
    @Test
    void theMainModelStartsFromTheShippedBaseAndTheScaleLadderPretrainsHere() throws IOException {
        assertEquals("flan4j-base-1m", Recipe.cpuMini().base());
        assertEquals("1m", Recipe.cpuMini().model());
        Recipe r = Recipe.tiny().toBuilder().model("1m").base("flan4j-base-1m").scaleLadder("tiny", "1m").build();
        try (Lab lab = new Lab(be, tok, coll, corpus, r, 3, tmp.resolve("shipped-runs"), false)) {
            Lab.Model base = lab.base("1m");
            assertEquals("base-shipped-flan4j-base-1m", base.id());
            float[] shipped = be.toArray(base.lm().parameterData());
            try (dev.flan4j.model.Gpt ref = dev.flan4j.model.PretrainedModels.load("flan4j-base-1m", be)) {
                assertTrue(java.util.Arrays.equals(be.toArray(ref.parameterData()), shipped), "the shipped weights");
            }
            Lab.Model scratch = lab.pretrained("1m");
            assertFalse(scratch.id().equals(base.id()));
            assertFalse(java.util.Arrays.equals(be.toArray(scratch.lm().parameterData()), shipped), "pretrained here");
            assertEquals(lab.pretrained("tiny").id(), lab.base("tiny").id(), "other presets are pretrained here");
        }
        Recipe wrong = Recipe.tiny().toBuilder().base("flan4j-base-1m").build();   // model preset tiny
        try (Lab lab = new Lab(be, tok, coll, corpus, wrong, 3, tmp.resolve("wrong-runs"), false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lab.base("tiny"));
            assertTrue(e.getMessage().contains("flan4j-base-1m") && e.getMessage().contains("tiny"), e.getMessage());
        }
    }

    @Test
    void truncationSectionAddsUpEveryEvaluationAndTunedModel() {
        Map<String, Object> cut = Map.of("a", Map.of("seen", 10, "truncated", 1, "tokens_dropped", 7, "percent", 10.0));
        Map<String, Object> info = Map.of(
                "scoring", List.of(Map.of("truncation", cut), Map.of("truncation",
                        Map.of("a", Map.of("seen", 30, "truncated", 3), "b", Map.of("seen", 4, "truncated", 0)))),
                "stages", List.of(Map.of("stage", "tune", "truncation", Map.of("b", Map.of("seen", 8, "truncated", 2))),
                        Map.of("stage", "pretrain")));
        String md = Repro.truncationSection(info);
        assertTrue(md.contains("| a | 10.0% (4 of 40) | - |"), md);
        assertTrue(md.contains("| b | 0.0% (0 of 4) | 25.0% (2 of 8) |"), md);
        assertEquals("", Repro.truncationSection(Map.of()));
    }
}
