package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * GPT-2 checkpoints pair with GPT-2's tokenizer: flan4j's {@link Tokenizers#gpt2()} (JTokkit r50k_base) must give the
 * ids Hugging Face's GPT2Tokenizer and tiktoken's "gpt2" give. Expected ids are published reference values
 * (transformers' GPT2Tokenizer docstring, tiktoken's test_simple / test_simple_repeated and encode() docstring).
 */
class Gpt2TokenizerTest {
    private final Tokenizer tok = Tokenizers.gpt2();

    private static int[] concat(int[] a, int... b) {
        return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
    }

    @Test
    void encodesAsGpt2Does() {
        assertArrayEquals(new int[]{15496, 995}, tok.encode("Hello world"));
        assertArrayEquals(new int[]{18435, 995}, tok.encode(" Hello world"));
        assertArrayEquals(new int[]{31373, 995}, tok.encode("hello world"));
        assertArrayEquals(new int[]{15}, tok.encode("0"));
        assertArrayEquals(new int[]{2388}, tok.encode("0000"));
        assertArrayEquals(new int[]{8269}, tok.encode("00000000"));
        assertArrayEquals(new int[]{10535, 830}, tok.encode("000000000"));
        assertArrayEquals(new int[]{8269, 10535}, tok.encode("00000000000000"));
        assertEquals("hello world", tok.decode(new int[]{31373, 995}));
    }

    @Test
    void endOfTextIs50256AndIsAppendedNotParsed() {
        assertEquals(50256, tok.eotToken());
        assertEquals(50257, tok.vocabSize());
        assertEquals(HfGpt2.GPT2_EOT, tok.eotToken());
        assertEquals(HfGpt2.GPT2_VOCAB, tok.vocabSize());
        // GPT2Tokenizer / tiktoken(allowed_special="all"): "hello <|endoftext|>" -> [31373, 220, 50256]; flan4j gets
        // the same ids by encoding the text and appending eotToken() (as the trainer does).
        assertArrayEquals(new int[]{31373, 220, 50256}, concat(tok.encode("hello "), tok.eotToken()));
        assertArrayEquals(new int[]{15496, 995, 50256}, concat(tok.encode("Hello world"), tok.eotToken()));
        // The special token's text inside a document is ordinary text (tiktoken disallowed_special=()).
        assertArrayEquals(new int[]{27, 91, 437, 1659, 5239, 91, 29}, tok.encode("<|endoftext|>"));
    }
}
