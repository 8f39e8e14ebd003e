package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 16-byte-vector layer norm (native/src/layernorm_vec.cuh, taken when C is a multiple of the vector width
 * and C <= 1024 in the backward): bf16 backward against the fp64 reference of {@link LayerNormGpuTest}, and
 * dweight/dbias bitwise identical from run to run (per-warp partials plus a fixed-order second pass, no atomics).
 *
 * <p>Tolerances: dx is written in bf16 (relative step 2^-8 = 0.4%), so 2e-2 absolute + 2e-2 relative on values of
 * order 1; dweight/dbias are fp32 sums of bf16-exact products over N rows, 1e-3 relative.
 */
@Tag("gpu")
class LayerNormVecGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    @ParameterizedTest(name = "B={0} T={1} C={2}")
    @CsvSource({"1,1,64", "3,113,768", "2,600,1024", "1,37,200"})
    void bf16BackwardMatchesAndIsReproducible(int B, int T, int C) {
        SplittableRandom r = new SplittableRandom(C * 31L + T);
        int N = B * T;
        float[] x = Ref.randn(r, N * C, 1.0), dy = Ref.randn(r, N * C, 1.0);
        for (int i = 0; i < x.length; i++) {
            x[i] = Gpu.roundBf16(x[i] + 0.5f);
            dy[i] = Gpu.roundBf16(dy[i]);
        }
        float[] w = Ref.uniform(r, C, 0.5, 1.5), b = Ref.randn(r, C, 0.1);
        double eps = 1e-5;
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = g.bf16(x), dW = g.floats(w), dB = g.floats(b), dOut = g.alloc(2L * N * C);
            Gpu.Buf dMean = g.zerosF32(N), dRstd = g.zerosF32(N);
            Kernels.layerNormForward(KernelDType.BF16, dOut.address(), dMean.address(), dRstd.address(), dX.address(),
                    dW.address(), dB.address(), B, T, C, (float) eps, 0L);
            Gpu.Buf dDy = g.bf16(dy), dDx = g.alloc(2L * N * C);
            float[][] dwRuns = new float[2][], dbRuns = new float[2][];
            for (int run = 0; run < 2; run++) {
                Gpu.Buf dDw = g.zerosF32(C), dDb = g.zerosF32(C);
                Kernels.layerNormBackward(KernelDType.BF16, dDx.address(), dDw.address(), dDb.address(),
                        dDy.address(), dX.address(), dW.address(), dMean.address(), dRstd.address(), B, T, C, false,
                        0L);
                dwRuns[run] = g.readFloats(dDw, C);
                dbRuns[run] = g.readFloats(dDb, C);
            }
            double[][] gr = LayerNormGpuTest.backward(dy, x, w, N, C, eps);
            Ref.assertClose("dx bf16", gr[0], g.readBf16(dDx, N * C), 2e-2, 2e-2);
            Ref.assertClose("dweight", gr[1], dwRuns[0], 1e-3, 1e-3);
            Ref.assertClose("dbias", gr[2], dbRuns[0], 1e-3, 1e-3);
            assertArrayEquals(dwRuns[0], dwRuns[1], "dweight bitwise reproducible");
            assertArrayEquals(dbRuns[0], dbRuns[1], "dbias bitwise reproducible");
        }
    }
}
