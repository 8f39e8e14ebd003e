package dev.flan4j.tokenizer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TokenizersTest {
    @Test
    void gpt2() {
        Tokenizer t = Tokenizers.byName("gpt2");
        assertEquals(50257, t.vocabSize());
        assertEquals(50256, t.eotToken());
        assertArrayEquals(new int[]{15496, 995}, t.encode("Hello world"));
        assertEquals("<|endoftext|>", t.decode(new int[]{50256}));
        assertEquals(2, t.count("Hello world"));
        String s = "naïve café 😀 <|endoftext|>";
        assertEquals(s, t.decode(t.encode(s)));
        assertSame(t, Tokenizers.gpt2());
    }

    @Test
    void shippedMiniBpe() {
        Assumptions.assumeTrue(Tokenizers.miniBpeAvailable(),
                "mini-flan/tokenizer/ is not on the classpath yet (flan4j-data not generated on this branch)");
        Tokenizer t = Tokenizers.byName("mini-bpe");
        assertEquals(t.vocabSize() - 1, t.eotToken());
        String s = "It is a truth universally acknowledged.";
        assertEquals(s, t.decode(t.encode(s)));
        assertArrayEquals(Tokenizers.miniBpeVocabulary().encodeReference(s), t.encode(s));
    }

    @Test
    void unknownName() {
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.byName("no-such-tokenizer"));
    }
}
