package dev.flan4j.backend;

/** How cross-entropy reduces per-token losses. {@code NONE} keeps them (per-token negative log-likelihoods). */
public enum Reduction { MEAN, SUM, NONE }
