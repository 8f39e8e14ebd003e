package dev.flan4j.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * GPT-2 architecture hyper-parameters: learned positions, pre-LN blocks, GELU-tanh MLP (4C), tied LM head.
 * The embedding table has {@link #paddedVocabSize()} rows (vocab rounded up to a multiple of 64); the extra rows
 * are never a target and get no probability mass.
 *
 * @param vocabSize real vocabulary size V
 * @param blockSize maximum sequence length T (rows of the position table)
 * @param nLayer    number of transformer blocks L
 * @param nHead     attention heads NH; nEmbd must be a multiple of it
 * @param nEmbd     channels C
 */
public record GptConfig(int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd) implements ModelConfig {
    /** The family name of GPT-2 models. */
    public static final String FAMILY = "gpt2";

    public GptConfig {
        require(vocabSize > 0, "vocabSize", vocabSize, "> 0");
        require(blockSize > 0, "blockSize", blockSize, "> 0");
        require(nLayer > 0, "nLayer", nLayer, "> 0");
        require(nHead > 0, "nHead", nHead, "> 0");
        require(nEmbd > 0, "nEmbd", nEmbd, "> 0");
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("nEmbd=" + nEmbd + " must be a multiple of nHead=" + nHead);
        }
    }

    private static void require(boolean ok, String name, int value, String rule) {
        if (!ok) throw new IllegalArgumentException("GptConfig." + name + " must be " + rule + ", got " + value);
    }

    @Override
    public String family() { return FAMILY; }

    /** Vocabulary rounded up to a multiple of 64 (Vp). */
    @Override
    public int paddedVocabSize() { return (vocabSize + 63) / 64 * 64; }

    /** A GPT-2 of this config with zero parameters. */
    @Override
    public Gpt newModel(dev.flan4j.backend.Backend backend) { return new Gpt(this, backend); }

    /** Head dimension HD = C / NH. */
    public int headDim() { return nEmbd / nHead; }

    /** Number of parameters (the padded embedding rows included). */
    public long parameterCount() {
        long C = nEmbd;
        long perLayer = 12 * C * C + 13 * C;
        return (long) paddedVocabSize() * C + (long) blockSize * C + nLayer * perLayer + 2 * C;
    }

    /** The same architecture with another vocabulary (e.g. to match a tokenizer). */
    public GptConfig withVocabSize(int v) { return new GptConfig(v, blockSize, nLayer, nHead, nEmbd); }

    /** The same architecture with another block size. */
    public GptConfig withBlockSize(int t) { return new GptConfig(vocabSize, t, nLayer, nHead, nEmbd); }

    /**
     * The scaling ladder. Sizes count parameters with the vocabulary given (the small presets assume the 4,096-token
     * mini BPE; gpt2 uses GPT-2's 50,257 tokens).
     */
    public static final Map<String, GptConfig> PRESETS = presets();

    private static Map<String, GptConfig> presets() {
        Map<String, GptConfig> m = new LinkedHashMap<>();
        m.put("tiny", new GptConfig(4096, 256, 2, 4, 64));        // ~0.4M: tests, seconds on CPU
        m.put("1m", new GptConfig(4096, 256, 4, 4, 128));         // ~1.4M: the CPU demo
        m.put("3m", new GptConfig(4096, 256, 6, 6, 192));         // ~3.5M
        m.put("10m", new GptConfig(4096, 512, 8, 8, 320));        // ~11M
        m.put("30m", new GptConfig(4096, 512, 8, 8, 512));        // ~28M: GPU
        m.put("gpt2", new GptConfig(50257, 1024, 12, 12, 768));   // GPT-2 small, 124M
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A preset by name, or an exception listing the names. */
    public static GptConfig preset(String name) {
        GptConfig c = name == null ? null : PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (c == null) throw new IllegalArgumentException("unknown model preset '" + name + "'; presets: " + PRESETS.keySet());
        return c;
    }
}
