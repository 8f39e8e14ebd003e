package dev.flan4j.backend;

/**
 * Creates one kind of backend. Providers are found with {@link java.util.ServiceLoader}, so a CUDA provider
 * registers itself through {@code META-INF/services/dev.flan4j.backend.BackendProvider}.
 */
public interface BackendProvider {
    /** The name users select it by, e.g. "cuda". */
    String name();

    /** Why this backend cannot run here, or null when it can (e.g. "no CUDA device"). */
    String unavailableReason();

    /** A new backend; call only when {@link #unavailableReason()} is null. */
    Backend create();
}
