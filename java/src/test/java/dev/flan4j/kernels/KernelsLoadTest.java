package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Always-run tests: the JNI library loads when the build compiled it, and the no-GPU paths behave. */
class KernelsLoadTest {

    @Test
    void markerWrittenByBuild() {
        assertTrue(NativeBuild.markerPresent(),
                "target/natives/dev/flan4j/kernels/" + NativeBuild.MARKER + " missing: the antrun native step did not run");
    }

    @Test
    void nativeLibraryLoadsWhenCompiled() {
        assumeTrue(NativeBuild.cudaCompiled(), "native code not built (nvcc was not found): CPU-only build");
        assertTrue(Kernels.isLoaded(),
                () -> "libflan4j / JNI library failed to load: " + Kernels.loadError().map(Throwable::toString).orElse(""));
        assertFalse(Kernels.loadError().isPresent());
        assertEquals("0.1.0", Kernels.version());
        assertTrue(Kernels.buildInfo().startsWith("flan4j 0.1.0"), Kernels.buildInfo());
        // One line in the build log that says the JNI library really loaded on this machine.
        System.out.println("flan4j native: JNI library loaded (" + Kernels.buildInfo() + "); CUDA devices: " + Kernels.deviceCount());
    }

    @Test
    void cpuOnlyBuildReportsNotLoaded() {
        assumeTrue(!NativeBuild.cudaCompiled(), "native code was built: the CPU-only path is not exercised here");
        assertFalse(Kernels.isLoaded());
        assertTrue(Kernels.loadError().isPresent());
        assertEquals(0, Kernels.deviceCount());
        IllegalStateException e = assertThrows(IllegalStateException.class, Kernels::requireLoaded);
        assertTrue(e.getMessage().contains("not loaded"), e.getMessage());
        // repeated use keeps reporting the same recorded state instead of NoClassDefFoundError
        assertFalse(Kernels.isLoaded());
    }

    @Test
    void deviceCountNeverCrashes() {
        int n = assertDoesNotThrow(Kernels::deviceCount);
        assertTrue(n >= 0, "deviceCount " + n);
    }

    @Test
    void kernelCallWithoutDeviceThrowsNoDevice() {
        assumeTrue(Kernels.isLoaded(), "native library not loaded");
        assumeTrue(Kernels.deviceCount() == 0, "a CUDA device is present: the no-device path is not testable here");
        // Pointers are fake but valid-looking: with no device the launch fails before touching memory.
        long p = 0x10000L;
        KernelException e = assertThrows(KernelException.class,
                () -> Kernels.layerNormForward(KernelDType.F32, p, p + 1024, p + 2048, p + 4096, p + 8192, 0L,
                        2, 3, 4, 1e-5f, 0L));
        assertEquals(KernelStatus.NO_DEVICE, e.status(), e.getMessage());
        assertTrue(e.isNoDevice());
        assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
        assertTrue(e.getMessage().contains("layernorm_forward"), e.getMessage());
    }
}
