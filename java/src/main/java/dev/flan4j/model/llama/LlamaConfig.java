package dev.flan4j.model.llama;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.ModelConfig;

/**
 * Llama-family hyper-parameters (Llama 2/3, SmolLM2, Qwen2): pre-norm blocks with RMSNorm, rotary position embeddings
 * (Hugging Face's rotate-half layout), grouped-query attention, a SwiGLU MLP, a tied or untied LM head and optional
 * attention biases. The embedding table and an untied head have {@link #paddedVocabSize()} rows (zero past V).
 *
 * @param modelType         the Hugging Face {@code model_type} ("llama" or "qwen2"), written back on export
 * @param vocabSize         real vocabulary size V
 * @param blockSize         maximum sequence length T ({@code max_position_embeddings}: rows of the RoPE tables)
 * @param nLayer            number of blocks L
 * @param nHead             query heads NH
 * @param nKvHead           key/value heads (GQA); divides nHead
 * @param nEmbd             hidden size C
 * @param headDim           head dimension HD (even; usually C / NH)
 * @param intermediateSize  SwiGLU width I
 * @param rmsNormEps        RMSNorm epsilon
 * @param ropeTheta         RoPE base
 * @param ropeScaling       Llama-3 or linear frequency scaling, or null
 * @param tieWordEmbeddings whether the LM head is the embedding table
 * @param qkvBias           whether q/k/v projections have biases (Qwen2; Llama's attention_bias)
 * @param oBias             whether the output projection has a bias (Llama's attention_bias)
 */
public record LlamaConfig(String modelType, int vocabSize, int blockSize, int nLayer, int nHead, int nKvHead, int nEmbd,
                          int headDim, int intermediateSize, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          boolean tieWordEmbeddings, boolean qkvBias, boolean oBias) implements ModelConfig {
    /** The family name of Llama-architecture models (every {@link #modelType()}: llama, qwen2). */
    public static final String FAMILY = "llama";

    /**
     * RoPE frequency scaling. {@code "llama3"}: Llama 3.1's smooth interpolation between {@code inv_freq / factor}
     * (wavelengths above originalMaxPositions / lowFreqFactor) and {@code inv_freq} (below originalMaxPositions /
     * highFreqFactor); {@code "linear"}: {@code inv_freq / factor} (the other fields unused).
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositions) {
        public RopeScaling {
            if (!"llama3".equals(type) && !"linear".equals(type)) {
                throw new IllegalArgumentException("RopeScaling.type must be \"llama3\" or \"linear\", got " + type);
            }
            if (!(factor > 0)) throw new IllegalArgumentException("RopeScaling.factor must be > 0, got " + factor);
            if ("llama3".equals(type) && !(lowFreqFactor > 0 && highFreqFactor > lowFreqFactor && originalMaxPositions > 0)) {
                throw new IllegalArgumentException("llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor and"
                        + " original_max_position_embeddings > 0, got low_freq_factor=" + lowFreqFactor
                        + ", high_freq_factor=" + highFreqFactor + ", original_max_position_embeddings=" + originalMaxPositions);
            }
        }
    }

    public LlamaConfig {
        require(vocabSize > 0, "vocabSize", vocabSize, "> 0");
        require(blockSize > 0, "blockSize", blockSize, "> 0");
        require(nLayer > 0, "nLayer", nLayer, "> 0");
        require(nHead > 0, "nHead", nHead, "> 0");
        require(nKvHead > 0 && nHead % nKvHead == 0, "nKvHead", nKvHead, "> 0 and divide nHead=" + nHead);
        require(nEmbd > 0, "nEmbd", nEmbd, "> 0");
        require(headDim > 0 && headDim % 2 == 0, "headDim", headDim, "even and > 0");
        require(intermediateSize > 0, "intermediateSize", intermediateSize, "> 0");
        if (!(rmsNormEps > 0)) throw new IllegalArgumentException("LlamaConfig.rmsNormEps must be > 0, got " + rmsNormEps);
        if (!(ropeTheta > 1)) throw new IllegalArgumentException("LlamaConfig.ropeTheta must be > 1, got " + ropeTheta);
        if (modelType == null || modelType.isEmpty()) throw new IllegalArgumentException("LlamaConfig.modelType is empty");
    }

    private static void require(boolean ok, String name, int value, String rule) {
        if (!ok) throw new IllegalArgumentException("LlamaConfig." + name + " must be " + rule + ", got " + value);
    }

    /** A small Llama (no biases, no rope scaling) with the usual head size C / NH. */
    public static LlamaConfig llama(int vocabSize, int blockSize, int nLayer, int nHead, int nKvHead, int nEmbd,
                                    int intermediateSize, boolean tied) {
        return new LlamaConfig("llama", vocabSize, blockSize, nLayer, nHead, nKvHead, nEmbd, nEmbd / nHead,
                intermediateSize, 1e-5, 10000, null, tied, false, false);
    }

    @Override
    public String family() { return FAMILY; }

    /** Vocabulary rounded up to a multiple of 64 (Vp). */
    @Override
    public int paddedVocabSize() { return (vocabSize + 63) / 64 * 64; }

    /** A Llama of this config with zero parameters. */
    @Override
    public Llama newModel(Backend backend) { return new Llama(this, backend); }

    /** Width of the queries (and of the attention output): NH * HD. */
    public int qDim() { return nHead * headDim; }

    /** Width of the keys (and of the values): nKvHead * HD. */
    public int kvDim() { return nKvHead * headDim; }

    /** Query heads per key/value head. */
    public int groupSize() { return nHead / nKvHead; }

    public LlamaConfig withBlockSize(int t) {
        return new LlamaConfig(modelType, vocabSize, t, nLayer, nHead, nKvHead, nEmbd, headDim, intermediateSize,
                rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, qkvBias, oBias);
    }

    public LlamaConfig withRopeScaling(RopeScaling s) {
        return new LlamaConfig(modelType, vocabSize, blockSize, nLayer, nHead, nKvHead, nEmbd, headDim, intermediateSize,
                rmsNormEps, ropeTheta, s, tieWordEmbeddings, qkvBias, oBias);
    }

    public LlamaConfig withBiases(boolean qkv, boolean o) {
        return new LlamaConfig(modelType, vocabSize, blockSize, nLayer, nHead, nKvHead, nEmbd, headDim, intermediateSize,
                rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, qkv, o);
    }

    /**
     * The RoPE inverse frequencies [HD / 2] as transformers computes them in float32: {@code 1 / theta^(2i / HD)},
     * then the scaling (transformers' {@code _compute_llama3_parameters} / linear).
     */
    public float[] inverseFrequencies() {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1f / (float) Math.pow(ropeTheta, exponent);
        }
        if (ropeScaling == null) return inv;
        double factor = ropeScaling.factor();
        if (ropeScaling.type().equals("linear")) {
            for (int i = 0; i < half; i++) inv[i] = (float) (inv[i] / factor);
            return inv;
        }
        double old = ropeScaling.originalMaxPositions(), lo = ropeScaling.lowFreqFactor(), hi = ropeScaling.highFreqFactor();
        double lowFreqWavelen = old / lo, highFreqWavelen = old / hi;
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = (float) (inv[i] / factor);
            } else if (wavelen >= highFreqWavelen) {   // medium: interpolate
                double smooth = (old / wavelen - lo) / (hi - lo);
                inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
            }
        }
        return inv;
    }
}
