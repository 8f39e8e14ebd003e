/**
 * Tokenizers: GPT-2's BPE and a small byte-level BPE trained on the mini-FLAN corpus, both run by JTokkit
 * ({@link dev.flan4j.tokenizer.Tokenizers#byName(String)}).
 */
package dev.flan4j.tokenizer;
