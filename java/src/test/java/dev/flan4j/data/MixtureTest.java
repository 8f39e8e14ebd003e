package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MixtureTest {
    private final Dataset small = Fixtures.synthetic("small", "a", 1_000, 3);
    private final Dataset big = Fixtures.synthetic("big", "b", 5_000, 2);

    @Test
    void ratesAreExamplesProportionalWithCap() {
        Mixture m = Mixture.flan(List.of(small, big));
        // min(1000, 3000) : min(5000, 3000)
        assertEquals(1000.0 / 4000, m.rates().get("small"), 1e-12);
        assertEquals(3000.0 / 4000, m.rates().get("big"), 1e-12);
    }

    @Test
    void temperatureAndTrainCap() {
        Mixture m = new Mixture(List.of(small, big), PromptFormat.FLAN, new Mixture.Config(2_000, 3_000, 2.0));
        assertEquals(Map.of("small", 1_000, "big", 2_000), m.sizes());
        double ws = Math.sqrt(1000), wb = Math.sqrt(2000);
        assertEquals(ws / (ws + wb), m.rates().get("small"), 1e-12);
        assertEquals(Math.pow(3000, 0.5), Mixture.weight(10_000, 3_000, 2.0), 1e-9);
    }

    @Test
    void samplingFollowsRatesAndIsDeterministic() {
        Mixture m = Mixture.flan(List.of(small, big));
        List<Instance> a = m.sample(42, 4_000);
        assertEquals(a, m.sample(42, 4_000));
        assertNotEquals(a, m.sample(43, 4_000));
        long fromSmall = a.stream().filter(i -> i.task().equals("small")).count();
        assertEquals(1_000, fromSmall, 100);
    }

    @Test
    void eachExampleKeepsOneTemplateAcrossEpochs() {
        Mixture m = Mixture.flan(List.of(small));
        Map<String, String> templateOf = new HashMap<>();
        for (Instance i : m.sample(1, 1_000)) templateOf.put(i.input().substring(4), i.input().substring(0, 2));
        assertEquals(1_000, templateOf.size()); // one epoch: every example once
        for (int i = 0; i < 1_000; i++) assertEquals("T" + (i % 3), templateOf.get("x" + i)); // rotate over consecutive examples
        // later epochs: the same example, the same template (FLAN applies templates once, before shuffling)
        for (Instance i : m.sample(1, 3_000).subList(1_000, 3_000)) {
            assertEquals(templateOf.get(i.input().substring(4)), i.input().substring(0, 2), i.input());
        }
        assertEquals(3_000, m.sample(1, 3_000).stream().distinct().count() * 3); // 1,000 distinct instances, each thrice
        assertEquals(m.firstEpoch().stream().collect(java.util.stream.Collectors.toSet()),
                new java.util.HashSet<>(m.sample(1, 1_000)));
    }

    @Test
    void rotationFlagMovesEachExampleToTheNextTemplate() {
        Mixture m = new Mixture(List.of(small), PromptFormat.FLAN, Mixture.Config.FLAN.withTemplateRotation(true));
        for (Instance i : m.sample(1, 2_000).subList(1_000, 2_000)) {
            int idx = Integer.parseInt(i.input().substring(5));
            assertEquals("T" + ((idx + 1) % 3), i.input().substring(0, 2));
        }
    }

    @Test
    void rotationCountsOnlyAllowedTemplates() {
        Dataset nli = Fixtures.collection().dataset("tiny_nli");
        Mixture m = new Mixture(List.of(nli), PromptFormat.GPT3_CONTINUATION, Mixture.Config.FLAN);
        for (Instance i : m.sample(3, 60)) assertTrue(i.isClassification());
        long turned = Mixture.flan(List.of(nli)).sample(3, 60).stream().filter(i -> !i.isClassification()).count();
        assertEquals(20, turned);
    }

    @Test
    void withoutTurnedAroundTemplatesEveryClassificationTargetIsAnOption() {
        Collection c = Collection.builtIn();
        List<Dataset> ds = c.datasetsIn(List.of("sentiment"));
        Mixture all = new Mixture(ds, PromptFormat.FLAN, Mixture.Config.FLAN);
        Mixture kept = new Mixture(ds, PromptFormat.FLAN, Mixture.Config.FLAN.withTurnedAround(false));
        assertTrue(all.firstEpoch().stream().anyMatch(in -> !in.options().contains(in.target())),
                "FLAN's mixture has turned-around instances (their targets are reviews, not options)");
        assertTrue(kept.firstEpoch().stream().allMatch(in -> in.options().contains(in.target())),
                "without turned-around templates every target is one of the options");
        assertEquals(all.sizes(), kept.sizes());
    }
}
