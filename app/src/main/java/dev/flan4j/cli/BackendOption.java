package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.backend.Precision;
import dev.flan4j.backend.cuda.CudaBackend;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --backend cpu|cuda|auto}, {@code --precision} and {@code --tf32}, shared by the commands that compute. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "cpu, cuda or auto (default: -Dflan4j.backend, $FLAN4J_BACKEND, else auto).")
    String backend;

    @Option(names = "--precision", paramLabel = "P",
            description = "fp32, bf16 or auto (default). bf16 is CUDA mixed precision: bf16 GEMMs and attention with "
                    + "fp32 accumulation, fp32 master weights, optimizer state and norms; auto picks it on GPUs of "
                    + "compute capability 8.0 and up, else fp32. The CPU backend computes in fp32.")
    String precision;

    @Option(names = "--tf32", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "On CUDA, let fp32 GEMMs use TF32 tensor cores (default: on; --no-tf32 for full fp32 GEMMs).")
    boolean tf32;

    /** The backend asked for; --precision bf16 on a backend without it is an error naming both. */
    Backend create() {
        String p = precision == null ? "auto" : precision.trim().toLowerCase(Locale.ROOT);
        if (!p.equals("auto")) {
            try {
                Precision.parse(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--precision must be fp32, bf16 or auto, got '" + precision + "'");
            }
        }
        System.setProperty(CudaBackend.TF32_PROPERTY, String.valueOf(tf32));
        System.setProperty(CudaBackend.PRECISION_PROPERTY, p);
        Backend b = backend == null ? Backends.create() : Backends.create(backend);
        if (p.equals("bf16") && b.precision() != Precision.BF16) {
            b.close();
            throw new IllegalArgumentException("--precision bf16 needs the CUDA backend; the " + b.name()
                    + " backend computes in fp32 (use --precision fp32 or auto)");
        }
        return b;
    }
}
