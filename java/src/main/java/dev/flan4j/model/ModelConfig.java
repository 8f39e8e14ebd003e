package dev.flan4j.model;

import dev.flan4j.backend.Backend;

/**
 * The hyper-parameters every {@link CausalLm} family shares, implemented by {@link GptConfig} (GPT-2) and
 * {@code LlamaConfig} (Llama, SmolLM2, Qwen2). The records' {@code equals} tells whether two models have the same
 * architecture (a resumed run checks it).
 */
public interface ModelConfig {
    /** The family, as checkpoints name it: {@code "gpt2"} (GPT-2) or {@code "llama"} (Llama, SmolLM2, Qwen2). */
    String family();

    /** Real vocabulary size V. */
    int vocabSize();

    /** The vocabulary rounded up to a multiple of 64 (Vp): the rows of the embedding table and of the logits. */
    int paddedVocabSize();

    /** The longest sequence the model takes (T). */
    int blockSize();

    /** Number of blocks L. */
    int nLayer();

    /** Width of the residual stream C. */
    int nEmbd();

    /** A model of this architecture with zero parameters, on {@code backend} (to load weights into). */
    CausalLm newModel(Backend backend);
}
