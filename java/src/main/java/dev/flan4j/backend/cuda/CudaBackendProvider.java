package dev.flan4j.backend.cuda;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.BackendProvider;

/** Registers {@link CudaBackend} as "cuda" (META-INF/services/dev.flan4j.backend.BackendProvider). */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    /** Never throws: "no CUDA device", the native load error, or the cuBLAS error; null when CUDA works. */
    @Override
    public String unavailableReason() {
        return CudaBackend.unavailableReason();
    }

    @Override
    public Backend create() {
        return new CudaBackend();
    }
}
