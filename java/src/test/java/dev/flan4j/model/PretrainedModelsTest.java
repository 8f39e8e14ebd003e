package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Corpus;
import dev.flan4j.eval.HeldOutLoss;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

/** The shipped base model: listed, loadable by name, and as good on held-out text as its card says. */
class PretrainedModelsTest {
    static final String BASE = "flan4j-base-1m";

    @Test
    void theBaseIsListedWithItsCard() {
        String name = BASE;
        PretrainedModels.Info i = PretrainedModels.find(name).orElseThrow();
        assertEquals("mini-bpe", i.tokenizer());
        assertTrue(i.number("tokens_seen") > 1e6, "tokens seen " + i.number("tokens_seen"));
        assertTrue(i.card().path("command").asText().contains("pretrain"), i.card().toString());
        assertTrue(i.card().path("commit").asText().matches("[0-9a-f]{40}"), i.card().toString());
        assertTrue(PretrainedModels.list().stream().anyMatch(x -> x.name().equals(name)));
        assertTrue(i.summary().contains("block " + i.card().path("config").path("blockSize").asInt()), i.summary());
    }

    @Test
    void loadsByNameAndMatchesTheHeldOutLossOnItsCard() throws Exception {
        String name = BASE;
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        PretrainedModels.Info info = PretrainedModels.find(name).orElseThrow();
        try (Backend be = new CpuBackend(); Gpt m = PretrainedModels.load(name, be)) {
            assertEquals(tok.vocabSize(), m.config().vocabSize());
            assertEquals((long) info.number("parameters"), m.numParameters());
            HeldOutLoss.Result r = HeldOutLoss.of(m, tok, Corpus.builtIn().split("valid"), m.config().blockSize(), 8, 0);
            // the card's loss was measured on the fp32 checkpoint; the shipped weights are F16
            assertEquals(info.number("held_out_loss"), r.loss(), 0.01);
            assertEquals((long) info.number("held_out_tokens"), r.tokens());
            assertTrue(r.loss() < Math.log(tok.vocabSize()) - 2, "a pretrained model is far below uniform: " + r.loss());
        }
    }

    @Test
    void anUnknownNameListsTheShippedOnes() {
        try (Backend be = new CpuBackend()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.load("nope", be));
            assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains(BASE), e.getMessage());
        }
    }
}
