package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import picocli.CommandLine.Option;

/** {@code --backend cpu|cuda|auto}, shared by the commands that compute. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "cpu, cuda or auto (default: -Dflan4j.backend, $FLAN4J_BACKEND, else auto).")
    String backend;

    Backend create() {
        return backend == null ? Backends.create() : Backends.create(backend);
    }
}
