package dev.flan4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.BackendProvider;
import dev.flan4j.backend.Backends;
import dev.flan4j.backend.OpChecks;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.Reduction;
import dev.flan4j.kernels.Kernels;
import dev.flan4j.tensor.Tensor;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Runs everywhere (no GPU needed): provider registration, fallback to CPU, messages, host-side helpers. */
class CudaBackendSelectionTest {

    private static boolean hasDevice() {
        return CudaBackend.unavailableReason() == null;
    }

    @Test
    void providerIsRegisteredAndNeverThrows() {
        BackendProvider p = StreamSupport.stream(ServiceLoader.load(BackendProvider.class).spliterator(), false)
                .filter(x -> x.name().equals("cuda")).findFirst().orElse(null);
        assertNotNull(p, "META-INF/services registers the cuda provider");
        assertTrue(p instanceof CudaBackendProvider);
        String why = p.unavailableReason();   // must not throw, with or without a device
        if (Kernels.isLoaded() && Kernels.deviceCount() == 0) assertEquals(CudaBackend.NO_DEVICE, why);
    }

    @Test
    void autoFallsBackToCpuWithoutADevice() {
        assumeTrue(!hasDevice(), "a CUDA device is present: auto selects cuda (checked in the gpu tests)");
        try (Backend b = Backends.create("auto")) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void cudaWithoutADeviceThrowsAClearMessage() {
        assumeTrue(!hasDevice(), "a CUDA device is present");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
        assertTrue(e.getMessage().startsWith("backend 'cuda' is unavailable: "), e.getMessage());
        if (Kernels.isLoaded()) {
            // nvcc build (the JNI library loads) on a machine without a driver or device
            assertEquals("backend 'cuda' is unavailable: no CUDA device", e.getMessage());
        }
        assertThrows(IllegalStateException.class, CudaBackend::new);
    }

    @Test
    void cudaIsSelectedWithADevice() {
        assumeTrue(hasDevice(), "no CUDA device");
        try (Backend b = Backends.create("cuda")) {
            assertEquals("cuda", b.name());
        }
        try (Backend b = Backends.create("auto")) {
            assertEquals("cuda", b.name());
        }
    }

    @Test
    void docBoundsOfPackedRows() {
        int[] b = CudaBackend.docBounds(new int[] {0, 2, 3, 6}, 6);
        assertArrayEquals(new int[] {0, 0, 2, 3, 3, 3, 2, 2, 3, 6, 6, 6}, b);
    }

    @Test
    void cuSeqlensMessagesMatchTheCpuBackend() {
        OpChecks.cuSeqlens(new int[] {0, 4, 9}, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpChecks.cuSeqlens(new int[] {0, 4, 4, 9}, 9));
        assertTrue(e.getMessage().contains("cuSeqlens must increase strictly"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpChecks.cuSeqlens(new int[] {0, 8}, 9));
    }

    @Test
    void badIdsAreRejectedOnTheHostWithTheCpuMessages() {
        int[] tokens = {1, 2, 99, 3};
        IllegalArgumentException cuda = assertThrows(IllegalArgumentException.class,
                () -> OpChecks.ids("tokens", tokens, 4, 50));
        String cpuMessage;
        try (CpuBackend cpu = new CpuBackend(); Tensor out = cpu.zeros(4, 2); Tensor wte = cpu.zeros(50, 2);
             Tensor wpe = cpu.zeros(8, 2)) {
            cpuMessage = assertThrows(IllegalArgumentException.class,
                    () -> cpu.embeddingForward(out, tokens, new int[] {0, 1, 2, 3}, wte, wpe, 4, 2)).getMessage();
        }
        assertEquals(cpuMessage, cuda.getMessage());
        assertEquals("tokens[2] = 99 is outside [0, 50)", cuda.getMessage());

        int[] targets = {1, -100, 7};
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> OpChecks.targets(targets, 3, 5, -100));
        try (CpuBackend cpu = new CpuBackend(); Tensor losses = cpu.zeros(3); Tensor logits = cpu.zeros(3, 8)) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> cpu.crossEntropy(losses, logits, targets, 3, 5, 8, -100, Reduction.MEAN, 0f)).getMessage();
            assertEquals(m, t.getMessage());
        }
    }
    @Test
    void tf32IsOnUnlessThePropertySaysFalse() {
        String saved = System.getProperty(CudaBackend.TF32_PROPERTY);
        try {
            System.clearProperty(CudaBackend.TF32_PROPERTY);
            assertTrue(CudaBackend.tf32Default());
            System.setProperty(CudaBackend.TF32_PROPERTY, "FALSE");
            assertFalse(CudaBackend.tf32Default());
            System.setProperty(CudaBackend.TF32_PROPERTY, "true");
            assertTrue(CudaBackend.tf32Default());
            System.setProperty(CudaBackend.TF32_PROPERTY, "maybe");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CudaBackend::tf32Default);
            assertTrue(e.getMessage().contains(CudaBackend.TF32_PROPERTY) && e.getMessage().contains("'maybe'"), e.getMessage());
        } finally {
            if (saved == null) System.clearProperty(CudaBackend.TF32_PROPERTY);
            else System.setProperty(CudaBackend.TF32_PROPERTY, saved);
        }
    }
}
