package dev.flan4j.backend.cpu;

/**
 * Array kernels of the CPU backend's inner loops: exp-and-sum for softmax and cross-entropy, GELU, dot, axpy, max.
 * With the JDK's Vector API present (launch the JVM with {@code --add-modules jdk.incubator.vector}; the
 * {@code ./flan4j} launcher and the test runner do) they run as SIMD loops in {@link VectorOps}, with a polynomial
 * exp (Cephes' expf: |relative error| < 2e-7 on the clamped range); otherwise as plain loops with {@link Math#exp}.
 * {@code -Dflan4j.cpu.vector=false} forces the plain loops.
 */
public final class Simd {
    private Simd() {}

    /** Whether the Vector API kernels are in use. */
    public static final boolean VECTOR = detect();

    // exp: x = n ln2 + r, |r| <= ln2 / 2, exp(r) by a degree-7 polynomial, 2^n from the exponent bits.
    static final float EXP_HI = 88.0f, EXP_LO = -87.3f;   // 2^n stays a normal float
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    // GELU, tanh form: 0.5 x (1 + tanh(K (x + C x^3))).
    static final float GELU_K = (float) Math.sqrt(2.0 / Math.PI), GELU_C = 0.044715f;

    private static boolean detect() {
        if (!Boolean.parseBoolean(System.getProperty("flan4j.cpu.vector", "true"))) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return VectorOps.F.length() >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Floats per SIMD register (8 when the plain loops run): widths that are a multiple of it have no scalar tail. */
    public static final int LANES = VECTOR ? VectorOps.F.length() : 8;

    /** "Vector API, 256-bit" or "scalar loops (...)", for the backend's device line. */
    public static String describe() {
        return VECTOR ? "Vector API " + VectorOps.F.vectorBitSize() + "-bit"
                : "scalar loops (no jdk.incubator.vector)";
    }

    /**
     * exp with the vector kernel's clamp to [EXP_LO, EXP_HI] (NaN stays NaN), so that the scalar tail of a vector
     * loop, which holds every element when n is below the vector width (16 floats at 512 bits), agrees with its
     * lanes: finite at +88 and above, never 0 or subnormal.
     */
    static float exp(float x) { return (float) Math.exp(Math.max(EXP_LO, Math.min(EXP_HI, x))); }

    static float tanh(float u) {
        // 1 - 2 / (exp(2u) + 1): saturates at +-1 without Math.tanh (not an intrinsic).
        return 1f - 2f / (exp(2f * u) + 1f);
    }

    static float gelu(float x) {
        return 0.5f * x * (1f + tanh(GELU_K * x * (1f + GELU_C * x * x)));
    }

    /** d gelu(x) / dx. */
    static float geluGrad(float x) {
        float th = tanh(GELU_K * x * (1f + GELU_C * x * x));
        return 0.5f * (1f + th) + 0.5f * x * (1f - th * th) * GELU_K * (1f + 3f * GELU_C * x * x);
    }

    /** max of a[off .. off+n) (-inf when n = 0). */
    public static float max(float[] a, int off, int n) {
        if (VECTOR) return VectorOps.max(a, off, n);
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    /** Sets a[i] = mul * exp(a[i] - shift) over a[off .. off+n) and returns sum exp(a[i] - shift) (summed in fp32 lanes: shift by the max). */
    public static double expShiftSum(float[] a, int off, int n, float shift, float mul) {
        if (VECTOR) return VectorOps.expShiftSum(a, off, n, shift, mul);
        double s = 0;
        for (int i = 0; i < n; i++) {
            float e = exp(a[off + i] - shift);
            s += e;
            a[off + i] = e * mul;
        }
        return s;
    }

    /** sum exp(a[i] - shift) over a[off .. off+n), leaving a unchanged. */
    public static double expShiftSumOnly(float[] a, int off, int n, float shift) {
        if (VECTOR) return VectorOps.expShiftSumOnly(a, off, n, shift);
        double s = 0;
        for (int i = 0; i < n; i++) s += exp(a[off + i] - shift);
        return s;
    }

    /** sum a[ao+i] b[bo+i], i < n. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        if (VECTOR) return VectorOps.dot(a, ao, b, bo, n);
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** y[yo+i] += alpha x[xo+i], i < n. */
    public static void axpy(float[] y, int yo, float alpha, float[] x, int xo, int n) {
        if (VECTOR) {
            VectorOps.axpy(y, yo, alpha, x, xo, n);
            return;
        }
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** out[i] = gelu(x[i]), i < n (out may be x). */
    public static void gelu(float[] x, float[] out, int n) {
        if (VECTOR) {
            VectorOps.gelu(x, out, n);
            return;
        }
        for (int i = 0; i < n; i++) out[i] = gelu(x[i]);
    }

    /** dx[i] = gelu'(x[i]) dout[i], i < n (dx may be dout). */
    public static void geluBackward(float[] x, float[] dout, float[] dx, int n) {
        if (VECTOR) {
            VectorOps.geluBackward(x, dout, dx, n);
            return;
        }
        for (int i = 0; i < n; i++) dx[i] = geluGrad(x[i]) * dout[i];
    }

    /** a[off+i] *= f, i < n. */
    public static void scale(float[] a, int off, int n, float f) {
        if (VECTOR) {
            VectorOps.scale(a, off, n, f);
            return;
        }
        for (int i = 0; i < n; i++) a[off + i] *= f;
    }

    /** The softmax backward on one row: dp[off+i] = p[off+i] (dp[off+i] - d) mul, i < n. */
    public static void softmaxGrad(float[] p, float[] dp, int off, int n, float d, float mul) {
        if (VECTOR) {
            VectorOps.softmaxGrad(p, dp, off, n, d, mul);
            return;
        }
        for (int i = 0; i < n; i++) dp[off + i] = p[off + i] * (dp[off + i] - d) * mul;
    }

    /** sum a[off+i], i < n. */
    public static float sum(float[] a, int off, int n) {
        if (VECTOR) return VectorOps.sum(a, off, n);
        float s = 0;
        for (int i = 0; i < n; i++) s += a[off + i];
        return s;
    }

    /**
     * A small row-major GEMM on arrays, accumulating: {@code C[r, j] += sum_kk A[r, kk] B[kk, j]} for
     * r < rows (at most 4), j < n, kk < k, where A[r, kk] = a[ao + r lda + kk], B[kk, j] = b[bo + kk ldb + j] and
     * C[r, j] = c[co + r ldc + j]. The building block of attention per document and head.
     */
    public static void gemmAcc(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                               int rows, int n, int k) {
        if (rows < 1 || rows > 4) throw new IllegalArgumentException("rows must be in [1, 4], got " + rows);
        if (VECTOR) VectorOps.gemmAcc(a, ao, lda, b, bo, ldb, c, co, ldc, rows, n, k);
        else gemmAccScalar(a, ao, lda, b, bo, ldb, c, co, ldc, rows, 0, n, k);
    }

    /** {@link #gemmAcc} over columns [j0, n). */
    static void gemmAccScalar(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                              int rows, int j0, int n, int k) {
        for (int r = 0; r < rows; r++) {
            int cr = co + r * ldc;
            for (int kk = 0; kk < k; kk++) {
                float av = a[ao + r * lda + kk];
                int br = bo + kk * ldb;
                for (int j = j0; j < n; j++) c[cr + j] += av * b[br + j];
            }
        }
    }
}
