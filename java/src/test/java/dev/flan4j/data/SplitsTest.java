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

    /** One synthetic dataset per cluster, for the exclusion rules. */
    private static Collection allClusters() {
        List<Cluster> cs = new java.util.ArrayList<>();
        for (String n : List.of("nli", "reading_comprehension", "closed_book_qa", "commonsense", "paraphrase",
                "reading_comprehension_with_commonsense", "translation")) {
            cs.add(new Cluster(n, Cluster.Kind.NLU, List.of(Fixtures.synthetic("d_" + n, n, 3, 1))));
        }
        return new Collection("all", "1", 0, cs);
    }

    @Test
    void holdingOutReadingComprehensionDropsOnlyTheCombinedCluster() {
        Splits.Split s = Splits.leaveOut(allClusters(), "reading_comprehension");
        assertEquals(List.of("nli", "closed_book_qa", "commonsense", "paraphrase", "translation"), s.tuneClusters());
    }

    @Test
    void holdingOutCommonsenseDropsOnlyTheCombinedCluster() {
        Splits.Split s = Splits.leaveOut(allClusters(), "commonsense");
        assertEquals(List.of("nli", "reading_comprehension", "closed_book_qa", "paraphrase", "translation"), s.tuneClusters());
        assertEquals(List.of("commonsense"), s.evalClusters());
    }

    @Test
    void holdingOutTheCombinedClusterDropsBothOfItsParts() {
        Splits.Split s = Splits.leaveOut(allClusters(), "reading_comprehension_with_commonsense");
        assertEquals(List.of("nli", "closed_book_qa", "paraphrase", "translation"), s.tuneClusters());
    }

    @Test
    void holdingOutParaphraseDropsNli() {
        assertEquals(List.of("reading_comprehension", "closed_book_qa", "commonsense",
                "reading_comprehension_with_commonsense", "translation"), Splits.leaveOut(allClusters(), "paraphrase").tuneClusters());
    }

    @Test
    void otherClustersDropNothingElse() {
        assertEquals(Set.of("translation"), Splits.excludedFromTuning(List.of("translation")));
        assertEquals(Set.of("closed_book_qa"), Splits.excludedFromTuning(List.of("closed_book_qa")));
        assertEquals(Set.of("commonsense", "reading_comprehension_with_commonsense", "nli", "paraphrase"),
                Splits.excludedFromTuning(List.of("commonsense", "nli")));
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
