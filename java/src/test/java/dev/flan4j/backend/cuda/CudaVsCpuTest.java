package dev.flan4j.backend.cuda;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the CUDA-vs-CPU op tests share: one CudaBackend and one CpuBackend per test class, tensors made through
 * {@link #g} / {@link #c} freed after each test, and a device synchronization after each test so an asynchronous
 * kernel error surfaces in the test that caused it.
 */
abstract class CudaVsCpuTest {
    static CudaBackend gpu;
    static CpuBackend cpu;
    final List<Tensor> owned = new ArrayList<>();

    /** Per test (not @BeforeAll) so that each test reports its own visible skip reason without a device. */
    @BeforeEach
    void openBackends() {
        GpuAssume.device();
        if (gpu == null) {
            gpu = new CudaBackend(false);   // full fp32 GEMMs: CPU tolerances (CudaTf32GpuTest checks TF32)
            cpu = new CpuBackend();
        }
    }

    @AfterAll
    static void closeBackends() {
        if (gpu != null) gpu.close();
        gpu = null;
        cpu = null;
    }

    @AfterEach
    void free() {
        for (Tensor t : owned) t.close();
        owned.clear();
        if (gpu != null) gpu.synchronize();
    }

    /** A device tensor holding {@code data}, freed after the test. */
    Tensor g(float[] data, int... shape) {
        return own(gpu.fromArray(data, shape));
    }

    /** A host tensor holding {@code data}, freed after the test. */
    Tensor c(float[] data, int... shape) {
        return own(cpu.fromArray(data, shape));
    }

    /** {@code t}, freed after the test. */
    Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }
}
