package dev.flan4j.train;

import dev.flan4j.tokenizer.Tokenizer;

/** One token per character (code points below 256), end-of-text 256: token counts are character counts. */
final class CharTokenizer implements Tokenizer {
    static final int EOT = 256;

    @Override public int[] encode(String text) { return text.chars().toArray(); }

    @Override public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) sb.append(t == EOT ? "|" : String.valueOf((char) t));
        return sb.toString();
    }

    @Override public int vocabSize() { return 257; }

    @Override public int eotToken() { return EOT; }

    @Override public String name() { return "chars"; }
}
