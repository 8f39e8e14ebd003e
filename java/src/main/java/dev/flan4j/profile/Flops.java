package dev.flan4j.profile;

import dev.flan4j.model.GptConfig;

/**
 * Analytic FLOP counts (a multiply-add is 2 FLOPs). These are the conventions the comparisons use, not a count of
 * what a kernel executes: attention as FlashAttention counts it, a training step as nanoGPT/llm.c MFU estimates do.
 */
public final class Flops {
    private Flops() {}

    /** GEMM out [M, N] = a [M, K] @ b [K, N]: 2*M*N*K; its backward (dA and dB, two GEMMs of the same size) is twice that. */
    public static double matmul(long M, long N, long K, Direction d) {
        double f = 2.0 * M * N * K;
        return switch (d) {
            case FWD -> f;
            case BWD -> 2 * f;
            case FWD_BWD -> 3 * f;
        };
    }

    /**
     * Attention as FlashAttention's benchmarks count it: forward 4*B*NH*T^2*HD (QK^T and PV), halved when causal;
     * backward 2.5x forward; forward+backward 3.5x.
     */
    public static double attention(long B, long NH, long T, long HD, boolean causal, Direction d) {
        double f = 4.0 * B * NH * T * T * HD;
        if (causal) f /= 2;
        return switch (d) {
            case FWD -> f;
            case BWD -> 2.5 * f;
            case FWD_BWD -> 3.5 * f;
        };
    }

    /**
     * Parameters that the 6N term counts: all of them except the position table (nanoGPT's get_num_params()
     * convention; the token table counts because it is also the LM head). The padded vocab rows are included:
     * the LM head GEMM computes them.
     */
    public static long stepParams(GptConfig cfg) {
        return cfg.parameterCount() - (long) cfg.blockSize() * cfg.nEmbd();
    }

    /**
     * FLOPs per token of one training step at sequence length T, as nanoGPT's estimate_mfu (PaLM appendix B):
     * 6*N + 12*L*NH*HD*T (the attention term is not halved for causality). Forward alone is a third of it.
     */
    public static double stepPerToken(GptConfig cfg, long T, Direction d) {
        double f = 6.0 * stepParams(cfg) + 12.0 * cfg.nLayer() * cfg.nHead() * cfg.headDim() * T;
        return d == Direction.FWD ? f / 3 : f;
    }

    /** FLOPs of one step over B rows of T tokens. */
    public static double step(GptConfig cfg, long B, long T, Direction d) {
        return stepPerToken(cfg, T, d) * B * T;
    }
}
