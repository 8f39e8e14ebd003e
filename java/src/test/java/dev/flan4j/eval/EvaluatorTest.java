package dev.flan4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private static final List<String> DATASETS = List.of("wordnet_nli", "story_continuation", "trivia_qa");

    private static Evaluator.Report run(PromptFormat format, int shots, int blockSize) {
        Assumptions.assumeTrue(Collection.builtInAvailable() && Tokenizers.miniBpeAvailable());
        Collection c = Collection.builtIn();
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        List<Dataset> ds = DATASETS.stream().map(c::dataset).toList();
        try (Backend be = new CpuBackend();
             Gpt m = TestModels.random(be, new GptConfig(tok.vocabSize(), blockSize, 1, 2, 16), 3)) {
            return new Evaluator(m, tok, new Evaluator.Options(format, shots, 3, 0, 4, 1)).evaluate(ds);
        }
    }

    /**
     * How many exemplars each prompt really kept (2 wanted), per dataset, at the old cpu-mini block of 128 tokens, at
     * 384 and at the shipped base's 512 (today's cpu-mini): every prompt is counted once, a longer block keeps at
     * least as many, and at 512 every NLI and trivia prompt keeps both.
     */
    @Test
    void fewShotExemplarCountsAtTheCpuMiniBlock() {
        for (PromptFormat f : List.of(PromptFormat.FLAN, PromptFormat.GPT3_CONTINUATION)) {
            Evaluator.Report small = run(f, 2, 128), large = run(f, 2, 384), preset = run(f, 2, 512);
            for (Evaluator.Report r : List.of(small, large, preset)) {
                for (String d : DATASETS) {
                    long templates = r.templates().stream().filter(t -> t.dataset().equals(d)).count();
                    List<Integer> kept = r.exemplarsKept().get(d);
                    assertEquals(3, kept.size(), d);
                    assertEquals(3 * templates, kept.stream().mapToInt(Integer::intValue).sum(), d + " " + kept);
                }
            }
            for (String d : DATASETS) {
                System.out.println(f + " " + d + ": prompts keeping 0/1/2 exemplars at T=128 " + small.exemplarsKept().get(d)
                        + ", at T=384 " + large.exemplarsKept().get(d) + "; truncated at 128: " + small.truncation().get(d));
                assertTrue(mean(large.exemplarsKept().get(d)) >= mean(small.exemplarsKept().get(d)), d);
                assertTrue(mean(preset.exemplarsKept().get(d)) >= mean(large.exemplarsKept().get(d)), d);
            }
            for (String d : List.of("wordnet_nli", "trivia_qa")) {
                List<Integer> kept = preset.exemplarsKept().get(d);
                assertEquals(kept.stream().mapToInt(Integer::intValue).sum(), kept.get(2), f + " " + d + " at 512: " + kept);
            }
            // story_continuation prompts are long: at 128 tokens none keeps an exemplar
            assertEquals(0, small.exemplarsKept().get("story_continuation").get(2));
        }
    }

    private static double mean(List<Integer> counts) {
        double s = 0, n = 0;
        for (int k = 0; k < counts.size(); k++) {
            s += k * counts.get(k);
            n += counts.get(k);
        }
        return s / n;
    }

    /** Zero-shot runs report truncation per dataset and no exemplar counts; the report survives JSON. */
    @Test
    void reportsTruncationPerDatasetAndRoundTripsJson() throws Exception {
        Evaluator.Report r = run(PromptFormat.FLAN, 0, 128);
        assertTrue(r.exemplarsKept().isEmpty());
        for (String d : DATASETS) {
            long templates = r.templates().stream().filter(t -> t.dataset().equals(d)).count();
            assertEquals(3 * templates, r.truncation().get(d).total(), d);
        }
        assertTrue(r.truncation().get("story_continuation").truncated() > 0, "story prompts exceed 128 tokens");
        assertEquals(0, r.truncation().get("trivia_qa").truncated());
        for (Evaluator.TemplateScore t : r.templates()) {
            if (t.metric().equals("accuracy")) assertTrue(Double.isFinite(t.accNorm()) && Double.isFinite(t.accBytes()), t.toString());
        }
        ObjectMapper json = new ObjectMapper();
        Evaluator.Report back = json.readValue(json.writeValueAsString(r), Evaluator.Report.class);
        assertEquals(r, back);
        Evaluator.Report merged = new Evaluator.Report(r.templates(), r.datasets(), r.clusterMean(), r.clusterBestDev());
        assertEquals(Map.of(), json.readValue(json.writeValueAsString(merged), Evaluator.Report.class).truncation());
    }

    /** Scoring on several threads (each its own KV cache) gives exactly what one thread gives, in the same order. */
    @Test
    void scoresDoNotDependOnTheNumberOfScoringThreads() {
        Assumptions.assumeTrue(Collection.builtInAvailable() && Tokenizers.miniBpeAvailable());
        Collection c = Collection.builtIn();
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        Dataset nli = c.dataset("wordnet_nli"), qa = c.dataset("trivia_qa");
        var nliTest = nli.examples("test").subList(0, 21);
        var qaTest = qa.examples("test").subList(0, 13);
        try (Backend be = new CpuBackend();
             Gpt m = TestModels.random(be, new GptConfig(tok.vocabSize(), 128, 1, 2, 16), 3)) {
            Evaluator ev = new Evaluator(m, tok, Evaluator.Options.zeroShot(PromptFormat.FLAN));
            var nliT = PromptFormat.FLAN.templates(nli).get(0);
            var qaT = PromptFormat.FLAN.templates(qa).get(0);
            List<RankScorer.Result> rank1, rank3;
            List<String> gen1, gen3;
            String before = System.getProperty(Evaluator.THREADS_PROPERTY);
            try {
                System.setProperty(Evaluator.THREADS_PROPERTY, "1");
                assertEquals(1, ev.scoringThreads());
                rank1 = ev.rank(nli, nliT, nliTest);
                gen1 = ev.generate(qa, qaT, qaTest);
                System.setProperty(Evaluator.THREADS_PROPERTY, "3");
                assertEquals(3, ev.scoringThreads());
                rank3 = ev.rank(nli, nliT, nliTest);
                gen3 = ev.generate(qa, qaT, qaTest);
                System.setProperty(Evaluator.THREADS_PROPERTY, "two");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ev::scoringThreads);
                assertTrue(e.getMessage().contains(Evaluator.THREADS_PROPERTY) && e.getMessage().contains("'two'"), e.getMessage());
            } finally {
                if (before == null) System.clearProperty(Evaluator.THREADS_PROPERTY);
                else System.setProperty(Evaluator.THREADS_PROPERTY, before);
            }
            assertEquals(nliTest.size(), rank3.size());
            for (int i = 0; i < rank1.size(); i++) {
                assertArrayEquals(rank1.get(i).logLikelihoods(), rank3.get(i).logLikelihoods(), "example " + i);
                assertEquals(rank1.get(i).gold(), rank3.get(i).gold(), "example " + i);
            }
            assertEquals(gen1, gen3);
        }
    }
}
