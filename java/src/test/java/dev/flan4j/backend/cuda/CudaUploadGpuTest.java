package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.flan4j.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous uploads through the pinned staging ring: many more uploads than slots, into the same scratch buffer and
 * into new tensors, queued with no synchronisation between them, each read by a kernel queued after it. A slot or
 * scratch buffer overwritten too early, or a copy run out of order, gives some call another call's ids.
 */
@Tag("gpu")
class CudaUploadGpuTest extends CudaVsCpuTest {
    @Test
    void queuedUploadsEachReachTheKernelQueuedAfterThem() {
        int calls = 3 * CudaDevice.Staging.SLOTS + 5, V = 97, maxT = 64, C = 32;
        SplittableRandom rng = new SplittableRandom(11);
        float[] wte = random(rng, V * C, 1), wpe = random(rng, maxT * C, 1);
        Tensor gwte = g(wte, V, C), gwpe = g(wpe, maxT, C), cwte = c(wte, V, C), cwpe = c(wpe, maxT, C);
        Tensor[] outs = new Tensor[calls];
        float[][] want = new float[calls][];
        for (int i = 0; i < calls; i++) {
            int n = 1 + rng.nextInt(maxT);   // different sizes: slots grow while others are in flight
            int[] tok = new int[n], pos = new int[n];
            for (int j = 0; j < n; j++) {
                tok[j] = rng.nextInt(V);
                pos[j] = rng.nextInt(maxT);
            }
            float[] bias = random(rng, n * C, 1);
            outs[i] = g(new float[n * C], n * C);
            gpu.embeddingForward(outs[i], tok, pos, gwte, gwpe, n, C);   // ids through the ring into one scratch
            gpu.add(outs[i], outs[i], g(bias, n * C), n * C);            // a small tensor uploaded through the ring
            Tensor co = c(new float[n * C], n * C);
            cpu.embeddingForward(co, tok, pos, cwte, cwpe, n, C);
            cpu.add(co, co, c(bias, n * C), n * C);
            want[i] = cpu.toArray(co);
        }
        for (int i = 0; i < calls; i++) assertArrayEquals(want[i], gpu.toArray(outs[i]), 1e-6f, "call " + i);
    }
}
