package dev.flan4j.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flan4j.kernels.Kernels;

/** Skips a GPU test with a visible reason. */
final class GpuAssume {
    private GpuAssume() {}

    static void device() {
        assumeTrue(Kernels.isLoaded(), "native library not loaded (CPU-only build): "
                + Kernels.loadError().map(Throwable::toString).orElse(""));
        assumeTrue(Kernels.deviceCount() > 0, "no CUDA device");
        String why = CudaBackend.unavailableReason();
        assumeTrue(why == null, "CUDA backend unavailable: " + why);
    }
}
