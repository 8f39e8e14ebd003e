package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Row-major batched GEMM through run-time-loaded cuBLAS vs an fp64 reference. */
@Tag("gpu")
class GemmGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
        String lib;
        try {
            lib = Kernels.loadBlas();
        } catch (KernelException e) {
            lib = null;
            assumeTrue(false, "cuBLAS not available: " + e.getMessage());
        }
        assumeTrue(lib != null && !lib.isEmpty(), "cuBLAS not available");
    }

    @ParameterizedTest(name = "M={0} N={1} K={2} tA={3} tB={4} batch={5}")
    @CsvSource({"1,1,1,false,false,1", "17,59,113,false,false,1", "17,59,113,true,false,2", "17,59,113,false,true,3",
        "64,33,7,true,true,2"})
    void matchesReference(int M, int N, int K, boolean tA, boolean tB, int batch) {
        SplittableRandom r = new SplittableRandom(M * 31L + N * 7L + K);
        int lda = tA ? M + 3 : K + 1, ldb = tB ? K + 2 : N, ldc = N + 5; // padded leading dims
        int rowsA = tA ? K : M, rowsB = tB ? N : K;
        long sA = (long) rowsA * lda, sB = (long) rowsB * ldb, sC = (long) M * ldc;
        float[] A = Ref.randn(r, (int) (sA * batch), 1.0), B = Ref.randn(r, (int) (sB * batch), 1.0);
        float[] C = Ref.randn(r, (int) (sC * batch), 1.0);
        float alpha = 0.75f, beta = -0.5f;
        double[] want = new double[C.length];
        for (int i = 0; i < C.length; i++) {
            want[i] = C[i];
        }
        for (int bi = 0; bi < batch; bi++) {
            for (int m = 0; m < M; m++) {
                for (int n = 0; n < N; n++) {
                    double acc = 0;
                    for (int k = 0; k < K; k++) {
                        double a = tA ? A[(int) (bi * sA) + k * lda + m] : A[(int) (bi * sA) + m * lda + k];
                        double b = tB ? B[(int) (bi * sB) + n * ldb + k] : B[(int) (bi * sB) + k * ldb + n];
                        acc += a * b;
                    }
                    int ci = (int) (bi * sC) + m * ldc + n;
                    want[ci] = alpha * acc + beta * C[ci];
                }
            }
        }
        try (Gpu g = new Gpu()) {
            Gpu.Buf dA = g.floats(A), dB = g.floats(B), dC = g.floats(C);
            Kernels.gemm(KernelDType.F32, KernelDType.F32, tA, tB, M, N, K, alpha, dA.address(), lda, sA,
                    dB.address(), ldb, sB, beta, dC.address(), ldc, sC, batch, 0, 0L);
            Ref.assertClose("C", want, g.readFloats(dC, C.length), 1e-4, 1e-4);
        }
    }
}
