package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flan4j.model.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackerTest {
    /** A source that hands out the given sequences in order. */
    static DataSource listSource(List<Sequence> seqs) {
        return new DataSource() {
            int i;
            @Override public Sequence next() { return seqs.get(i++ % seqs.size()); }
            @Override public long position() { return i; }
        };
    }

    @Test
    void packsWholeDocumentsWithTargetsOnlyMasksAndPadding() {
        // Row length 8: [5 6 | 7 8] (prompt 5 6, target 7 8, lossStart 2) then [9 10 11] (lossStart 1) fits 7 of 8,
        // the next 4-token document does not fit and waits for row 2.
        DataSource src = listSource(List.of(new Sequence(new int[]{5, 6, 7, 8}, 2), new Sequence(new int[]{9, 10, 11}, 1)));
        Packer p = new Packer(2, 8, 0);
        Batch b = p.next(src);
        int I = Batch.IGNORE;
        assertArrayEquals(new int[]{5, 6, 7, 8, 9, 10, 11, 0, 5, 6, 7, 8, 9, 10, 11, 0}, b.tokens());
        // Token i predicts token i+1 only when i+1 >= lossStart: 6->7, 7->8; 9->10, 10->11; padding never.
        assertArrayEquals(new int[]{I, 7, 8, I, 10, 11, I, I, I, 7, 8, I, 10, 11, I, I}, b.targets());
        assertArrayEquals(new int[]{0, 1, 2, 3, 0, 1, 2, 0, 0, 1, 2, 3, 0, 1, 2, 0}, b.positions());
        assertArrayEquals(new int[]{0, 4, 7, 8, 12, 15, 16}, b.cuSeqlens());
        assertEquals(4, p.consumed(src));   // four sequences placed; the fifth was pulled and waits
    }

    @Test
    void longSequencesKeepTheStartOfTheirPrompt() {
        DataSource src = listSource(List.of(new Sequence(new int[]{1, 2, 3, 4, 5, 6, 7}, 5)));
        Packer packer = new Packer(1, 4, 0);
        Batch b = packer.next(src);
        // FLAN trims the end of the input: prompt 1 2 3 4 5 (5 = separator) keeps 1 and its separator, both targets kept
        assertArrayEquals(new int[]{1, 5, 6, 7}, b.tokens());
        assertEquals(1, packer.truncated());
        assertArrayEquals(new int[]{Batch.IGNORE, 6, 7, Batch.IGNORE}, b.targets());
        // When the target alone is longer than T, the sequence keeps its first T tokens.
        Batch c = new Packer(1, 3, 0).next(listSource(List.of(new Sequence(new int[]{1, 2, 3, 4, 5, 6}, 2))));
        assertArrayEquals(new int[]{1, 2, 3}, c.tokens());
        assertArrayEquals(new int[]{Batch.IGNORE, 3, Batch.IGNORE}, c.targets());
    }

    @Test
    void sequenceNormalisationGivesEverySequenceTheSameWeight() {
        // Row of 10: doc [5 6 7 8] with 2 targets, doc [9 10 11 12 13] with 4 targets, one padding token. The batch
        // holds 6 targets in 2 sequences: weights 6/2/2 = 1.5 and 6/2/4 = 0.75 (each sequence's targets sum to 3, the
        // mean weight per target is 1), padding 0.
        DataSource src = listSource(List.of(new Sequence(new int[]{5, 6, 7, 8}, 2), new Sequence(new int[]{9, 10, 11, 12, 13}, 1)));
        Batch b = new Packer(1, 10, 0, TrainConfig.LossNorm.SEQUENCE).next(src);
        assertArrayEquals(new int[]{0, 4, 9, 10}, b.cuSeqlens());
        assertArrayEquals(new float[]{1.5f, 0.75f, 0f}, b.docWeights());
        assertEquals(null, new Packer(1, 10, 0).next(listSource(List.of(new Sequence(new int[]{5, 6, 7, 8}, 2)))).docWeights(),
                "token normalisation needs no weights");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new Packer(0, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sequence(new int[]{1}, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sequence(new int[]{1, 2}, 0));
    }
}
