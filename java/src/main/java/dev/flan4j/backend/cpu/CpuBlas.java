package dev.flan4j.backend.cpu;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS as the CPU ops call it; every OpenBLAS call goes through this class. OpenBLAS always runs
 * single-threaded (set once, process-wide, when this class loads, so before its first call); {@link #gemm} splits a large product into row or column blocks over the same threads that run every
 * other CPU op ({@link CpuParallel}). One pool for everything matters: OpenBLAS's own workers spin for a while after
 * each product, and on two cores a spinning worker halves the threads of the element-wise op that follows
 * (measured: a 4-layer step was 10-17% faster with OpenBLAS's spin timeout cut to its minimum, and a GEMM split
 * over two Java threads runs as fast as OpenBLAS's own two threads, 209 GFLOP/s at 2048 x 1024 x 256).
 * Inside a {@link #callersInParallel} section products are not split: the callers already keep the cores busy.
 */
public final class CpuBlas {
    private CpuBlas() {}

    static {
        openblas.blas_set_num_threads(1);
    }

    /** Multiply-adds below which a product runs on the calling thread alone. */
    static final long MIN_SPLIT_WORK = 1L << 21;
    /** Split points are multiples of this (whole micro-kernel panels). */
    private static final int ALIGN = 16;
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private static final AtomicInteger SECTIONS = new AtomicInteger();

    /** Opens a section in which several callers issue ops at once; closing the handle more than once is harmless. */
    public static AutoCloseable callersInParallel() {
        SECTIONS.incrementAndGet();
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) SECTIONS.decrementAndGet();
        };
    }

    /**
     * c[co..] = alpha op(A) op(B) + beta c, row-major, op(A) [m, k] and op(B) [k, n], split over the CPU's
     * threads when large. A starts at a[ao] with leading dimension lda (an [m, k] block, or [k, m] when transA),
     * likewise B ([k, n], or [n, k] when transB) and C ([m, n] with leading dimension ldc).
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatBuffer a, int ao,
                            int lda, FloatBuffer b, int bo, int ldb, float beta, FloatBuffer c, int co, int ldc) {
        gemm(splits(m, n, k), transA, transB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    }

    /** {@link #gemm} in exactly {@code parts} blocks (fewer where the product has fewer panels). */
    static void gemm(int parts, boolean transA, boolean transB, int m, int n, int k, float alpha, FloatBuffer a,
                     int ao, int lda, FloatBuffer b, int bo, int ldb, float beta, FloatBuffer c, int co, int ldc) {
        if (parts <= 1) {
            sgemm(transA, transB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
        } else if (m >= n) {   // row blocks of op(A) and C
            int blocks = (m + ALIGN - 1) / ALIGN;
            CpuParallel.parts(blocks, Math.min(parts, blocks), (p, lo, hi) -> {
                int r0 = lo * ALIGN, r1 = Math.min(m, hi * ALIGN);
                sgemm(transA, transB, r1 - r0, n, k, alpha, a, ao + (transA ? r0 : r0 * lda), lda, b, bo, ldb,
                        beta, c, co + r0 * ldc, ldc);
            });
        } else {               // column blocks of op(B) and C
            int blocks = (n + ALIGN - 1) / ALIGN;
            CpuParallel.parts(blocks, Math.min(parts, blocks), (p, lo, hi) -> {
                int c0 = lo * ALIGN, c1 = Math.min(n, hi * ALIGN);
                sgemm(transA, transB, m, c1 - c0, k, alpha, a, ao, lda, b, bo + (transB ? c0 * ldb : c0), ldb,
                        beta, c, co + c0, ldc);
            });
        }
    }

    /** How many blocks {@link #gemm} splits an m x n x k product into. */
    static int splits(int m, int n, int k) {
        if (THREADS == 1 || SECTIONS.get() > 0) return 1;
        long work = (long) m * n * k;
        int panels = (Math.max(m, n) + ALIGN - 1) / ALIGN;
        return (int) Math.max(1, Math.min(Math.min(THREADS, panels), work / MIN_SPLIT_WORK));
    }

    /** One unsplit OpenBLAS sgemm on the calling thread (arguments as {@link #gemm}). */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatBuffer a, int ao, int lda,
                      FloatBuffer b, int bo, int ldb, float beta, FloatBuffer c, int co, int ldc) {
        if (m <= 0 || n <= 0) return;
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha,
                a.slice(ao, a.capacity() - ao), lda, b.slice(bo, b.capacity() - bo), ldb, beta,
                c.slice(co, c.capacity() - co), ldc);
    }
}
