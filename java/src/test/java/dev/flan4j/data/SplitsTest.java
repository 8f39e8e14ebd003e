package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SplitsTest {
    private final Collection c = Fixtures.collection();

    @Test
    void nliAndParaphraseExcludeEachOther() {
        Splits.Split s = Splits.leaveOut(c, "nli");
        assertEquals(List.of("commonsense", "translation"), s.tuneClusters());
        assertEquals(List.of("nli"), s.evalClusters());
        assertEquals(List.of("tiny_nli"), s.eval().stream().map(Dataset::name).toList());
        assertEquals(List.of("tiny_story", "tiny_en_es"), s.tune().stream().map(Dataset::name).toList());
        assertEquals(List.of("commonsense", "translation"), Splits.leaveOut(c, "paraphrase").tuneClusters());
    }

    @Test
    void readingComprehensionGroupGoesTogether() {
        assertEquals(Set.of("commonsense", "reading_comprehension", "reading_comprehension_with_commonsense"),
                Splits.excludedFromTuning(List.of("commonsense")));
        assertEquals(Set.of("reading_comprehension", "reading_comprehension_with_commonsense", "commonsense"),
                Splits.excludedFromTuning(List.of("reading_comprehension_with_commonsense")));
        assertEquals(Set.of("translation"), Splits.excludedFromTuning(List.of("translation")));
        assertEquals(List.of("nli", "paraphrase", "translation"), Splits.leaveOut(c, "commonsense").tuneClusters());
    }

    @Test
    void explicitListsAndUnknownClusters() {
        Splits.Split s = Splits.explicit(c, List.of("translation", "paraphrase"), List.of("nli"));
        assertEquals(List.of("tiny_para", "tiny_en_es"), s.tune().stream().map(Dataset::name).toList());
        assertThrows(IllegalArgumentException.class, () -> Splits.explicit(c, List.of("nli"), List.of("nli")));
        assertThrows(java.util.NoSuchElementException.class, () -> Splits.leaveOut(c, "sentiment"));
    }

    @Test
    void devSplitOrCarvedFromTrain() {
        assertEquals(c.dataset("tiny_nli").examples("dev"), Splits.dev(c.dataset("tiny_nli")));
        assertEquals(4, Splits.dev(c.dataset("tiny_para")).size()); // fewer than 200 in train: all of them
        Dataset big = Fixtures.synthetic("big", "x", 1_000, 1);
        List<Example> dev = Splits.dev(big);
        assertEquals(200, dev.size());
        assertEquals(dev, Splits.dev(Fixtures.synthetic("big", "x", 1_000, 1)));
        assertNotEquals(big.examples("train").subList(0, 200), dev);
    }
}
