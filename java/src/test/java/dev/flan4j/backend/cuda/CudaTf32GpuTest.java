package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.random;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TF32 GEMMs (the CUDA default): within TF32's rounding of the fp64 reference, and really different from the full
 * fp32 GEMM of {@code new CudaBackend(false)} (so the flag reaches cuBLAS); {@link CudaBackend#device()} says which.
 */
@Tag("gpu")
class CudaTf32GpuTest {
    @Test
    void tf32GemmIsCloseToFp64AndNotTheFp32Gemm() {
        GpuAssume.device();
        int m = 256, n = 192, k = 1024;
        SplittableRandom rng = new SplittableRandom(5);
        float[] a = random(rng, m * k, 1), b = random(rng, k * n, 1), o = new float[m * n];
        double[] ref = Ref64.matmul(a, b, o, 1, m, n, k, false, false, 1, 0);
        float[] tf32 = run(new CudaBackend(true), a, b, m, n, k, true);
        float[] fp32 = run(new CudaBackend(false), a, b, m, n, k, false);
        float[] cpu;
        try (CpuBackend c = new CpuBackend(); Tensor ca = c.fromArray(a, m * k); Tensor cb = c.fromArray(b, k * n);
             Tensor co = c.zeros(m * n)) {
            c.matmul(co, ca, cb, 1, m, n, k, false, false, 1f, 0f);
            cpu = c.toArray(co);
        }
        // TF32 keeps 10 mantissa bits of each input (relative rounding 2^-11); over k = 1024 random products the
        // error is about sqrt(k) * 2^-11 of a typical |a||b| term: a few 1e-3 of the output scale
        Compare.close("tf32 matmul", tf32, cpu, ref, 5e-3);
        Compare.close("fp32 matmul", fp32, cpu, ref);
        double diff = 0;
        for (int i = 0; i < tf32.length; i++) diff = Math.max(diff, Math.abs(tf32[i] - fp32[i]));
        assertTrue(diff > 1e-4, "TF32 and fp32 GEMMs agree to " + diff + ": the TF32 flag did not reach cuBLAS");
    }

    private static float[] run(CudaBackend gpu, float[] a, float[] b, int m, int n, int k, boolean tf32) {
        try (gpu; Tensor ga = gpu.fromArray(a, m * k); Tensor gb = gpu.fromArray(b, k * n); Tensor go = gpu.zeros(m * n)) {
            assertTrue(gpu.tf32() == tf32);
            if (tf32) assertTrue(gpu.device().contains("TF32"), gpu.device());
            else assertFalse(gpu.device().contains("TF32"), gpu.device());
            gpu.matmul(go, ga, gb, 1, m, n, k, false, false, 1f, 0f);
            return gpu.toArray(go);
        }
    }
}
