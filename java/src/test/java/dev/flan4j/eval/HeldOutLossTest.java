package dev.flan4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Corpus;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldOutLossTest {
    private final Tokenizer tok = Tokenizers.byName("mini-bpe");
    private final List<Corpus.Document> docs = List.of(
            new Corpus.Document("a", "t", "valid", "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife."),
            new Corpus.Document("b", "t", "valid", "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse."));

    @Test
    void aModelWithZeroWeightsPredictsUniformlySoTheLossIsLogV() {
        try (Backend be = new CpuBackend()) {
            GptConfig cfg = GptConfig.preset("tiny").withVocabSize(tok.vocabSize()).withBlockSize(16);
            try (Gpt m = new Gpt(cfg, be)) {
                m.loadParameters(new float[(int) m.numParameters()]);
                HeldOutLoss.Result r = HeldOutLoss.of(m, tok, docs, 16, 3, 0);
                assertEquals(Math.log(tok.vocabSize()), r.loss(), 1e-5);
                int stream = tok.encode(docs.get(0).text()).length + tok.encode(docs.get(1).text()).length + 2;
                assertEquals((stream - 1) / 16, r.windows());
                assertEquals(16L * r.windows(), r.tokens());
            }
        }
    }

    @Test
    void equalsTheMeanOfTheModelsLossOverConsecutiveWindows() {
        try (Backend be = new CpuBackend()) {
            GptConfig cfg = GptConfig.preset("tiny").withVocabSize(tok.vocabSize()).withBlockSize(8);
            try (Gpt m = Gpt.initialized(cfg, be, 3)) {
                HeldOutLoss.Result r = HeldOutLoss.of(m, tok, docs, 8, 2, 0);
                int[] a = tok.encode(docs.get(0).text()), b = tok.encode(docs.get(1).text());
                int[] s = new int[a.length + b.length + 2];
                System.arraycopy(a, 0, s, 0, a.length);
                s[a.length] = tok.eotToken();
                System.arraycopy(b, 0, s, a.length + 1, b.length);
                s[s.length - 1] = tok.eotToken();
                double sum = 0;
                int w = (s.length - 1) / 8;
                for (int i = 0; i < w; i++) {   // one window at a time, by hand
                    int[] pos = {0, 1, 2, 3, 4, 5, 6, 7};
                    sum += m.forward(new Batch(Arrays.copyOfRange(s, i * 8, i * 8 + 8),
                            Arrays.copyOfRange(s, i * 8 + 1, i * 8 + 9), pos, new int[]{0, 8}));
                }
                assertEquals(sum / w, r.loss(), 1e-5);
                HeldOutLoss.Result head = HeldOutLoss.of(m, tok, docs, 8, 2, 20);
                assertEquals(2, head.windows(), "20 tokens of text hold two windows of 8 (+1 target)");
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        try (Backend be = new CpuBackend()) {
            GptConfig cfg = GptConfig.preset("tiny").withVocabSize(tok.vocabSize()).withBlockSize(8);
            try (Gpt m = Gpt.initialized(cfg, be, 3)) {
                assertTrue(assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.of(m, tok, docs, 9, 2, 0))
                        .getMessage().contains("T=9"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.of(m, tok, List.of(), 8, 2, 0))
                        .getMessage().contains("no held-out documents"));
            }
        }
    }
}
