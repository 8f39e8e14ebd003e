package dev.flan4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trip of both tokenizers on arbitrary Unicode text: decode(encode(s)) == s, every id within the vocabulary. */
class TokenizerFuzzTest {
    private static final Tokenizer MINI = Tokenizers.byName("mini-bpe");
    private static final Tokenizer GPT2 = Tokenizers.byName("gpt2");

    private static void roundTrip(Tokenizer tok, String s) {
        int[] ids = tok.encode(s);
        for (int id : ids) assertTrue(id >= 0 && id < tok.vocabSize(), tok.name() + " id " + id + " for " + s);
        assertEquals(s, tok.decode(ids), tok.name());
        assertEquals(ids.length, tok.count(s));
    }

    @Property(tries = 500)
    void miniBpeRoundTrip(@ForAll("text") String s) {
        roundTrip(MINI, s);
    }

    @Property(tries = 500)
    void gpt2RoundTrip(@ForAll("text") String s) {
        roundTrip(GPT2, s);
    }

    /** Valid Unicode (no lone surrogates): ASCII-heavy prompts, whitespace runs, any code point, emoji, FLAN markers. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> anyCodePoints = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(c -> c < 0xD800 || c > 0xDFFF).list().ofMaxSize(20)
                .map(cs -> cs.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(60);
        Arbitrary<String> words = Arbitraries.of("OPTIONS:", "\n- ", "yes", " no", "  ", "\t", "\r\n", "é", "日本", "🙂",
                "<|endoftext|>", "'s", "123", " ", "\u00a0", "\u200b").list().ofMaxSize(12).map(l -> String.join("", l));
        return Arbitraries.oneOf(anyCodePoints, ascii, words);
    }
}
