package dev.flan4j.eval;

/**
 * Turns token ids back into text, so that generation can look for stop strings without depending on a tokenizer
 * class: pass a tokenizer's decode method, e.g. {@code tokenizer::decode}.
 */
@FunctionalInterface
public interface TokenDecoder {
    /** The text of {@code tokens}, decoded together (a multi-byte character may span several tokens). */
    String decode(int[] tokens);
}
