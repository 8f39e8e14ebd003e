package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import picocli.CommandLine.Option;

/** {@code --backend cpu|cuda|auto}, shared by the commands that compute. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "cpu, cuda or auto (default: -Dflan4j.backend, $FLAN4J_BACKEND, else auto).")
    String backend;

    @Option(names = "--tf32", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "On CUDA, let fp32 GEMMs use TF32 tensor cores (default: on; --no-tf32 for full fp32 GEMMs).")
    boolean tf32;

    Backend create() {
        System.setProperty(dev.flan4j.backend.cuda.CudaBackend.TF32_PROPERTY, String.valueOf(tf32));
        return backend == null ? Backends.create() : Backends.create(backend);
    }
}
