package dev.flan4j.tokenizer;

/**
 * Text to token ids and back. Special tokens in the text are not recognized by {@link #encode(String)} (they are
 * encoded as ordinary text); the trainer appends {@link #eotToken()} itself.
 */
public interface Tokenizer {
    /** Token ids of a text. */
    int[] encode(String text);

    /** The text of token ids (invalid UTF-8 from partial sequences becomes U+FFFD). */
    String decode(int[] tokens);

    /** Number of token ids, special tokens included (ids are 0..vocabSize-1). */
    int vocabSize();

    /** The end-of-text token id. */
    int eotToken();

    /** The tokenizer's name, e.g. {@code gpt2} or {@code mini-bpe}. */
    String name();

    /** Number of tokens of a text. */
    default int count(String text) {
        return encode(text).length;
    }
}
