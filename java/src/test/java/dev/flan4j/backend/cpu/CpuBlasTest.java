package dev.flan4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GEMM split into row or column blocks over threads, against a double-precision product, in every layout. */
class CpuBlasTest {
    private static FloatBuffer random(int n, SplittableRandom rng) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) b.put(i, (float) rng.nextGaussian());
        return b;
    }

    @Test
    void splitProductsMatchTheReferenceInEveryLayout() {
        SplittableRandom rng = new SplittableRandom(5);
        // m >= n splits rows, m < n columns; sizes not multiples of the 16-wide panels; offsets into the buffers
        int[][] shapes = {{197, 37, 29}, {37, 211, 23}, {16, 16, 5}, {1, 70, 3}, {70, 1, 3}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int layout = 0; layout < 4; layout++) {
                boolean tA = (layout & 1) != 0, tB = (layout & 2) != 0;
                int lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 2, ldc = n + 5, ao = 7, bo = 11, co = 13;
                FloatBuffer a = random(ao + (tA ? k : m) * lda, rng), b = random(bo + (tB ? n : k) * ldb, rng);
                FloatBuffer c0 = random(co + m * ldc, rng);
                float alpha = 0.75f, beta = 0.5f;
                double[] want = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int kk = 0; kk < k; kk++) {
                            double av = a.get(ao + (tA ? kk * lda + i : i * lda + kk));
                            double bv = b.get(bo + (tB ? j * ldb + kk : kk * ldb + j));
                            acc += av * bv;
                        }
                        want[i * n + j] = alpha * acc + beta * c0.get(co + i * ldc + j);
                    }
                }
                for (int parts = 1; parts <= 5; parts++) {
                    FloatBuffer c = random(c0.capacity(), new SplittableRandom(1));
                    c.put(0, c0, 0, c0.capacity());
                    CpuBlas.gemm(parts, tA, tB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
                    String where = "m=" + m + " n=" + n + " k=" + k + " transA=" + tA + " transB=" + tB + " parts=" + parts;
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            assertEquals(want[i * n + j], c.get(co + i * ldc + j), 1e-4, where + " at " + i + "," + j);
                        }
                        for (int j = n; j < ldc && co + i * ldc + j < c.capacity(); j++) {   // padding untouched
                            assertEquals(c0.get(co + i * ldc + j), c.get(co + i * ldc + j), 0, where + " pad " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void largeProductsSplitOverTheThreadsAndSmallOnesDoNot() {
        int threads = Runtime.getRuntime().availableProcessors();
        assertEquals(1, CpuBlas.splits(64, 64, 64), "a 64^3 product is below the split threshold");
        int big = CpuBlas.splits(2048, 1024, 256);
        assertEquals(Math.min(threads, 128), big, "2048 x 1024 x 256 splits over every thread");
        try (AutoCloseable section = CpuBlas.callersInParallel()) {
            assertEquals(1, CpuBlas.splits(2048, 1024, 256), "callers in parallel: no split");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(big, CpuBlas.splits(2048, 1024, 256), "the section's end restores splitting");
    }
}
