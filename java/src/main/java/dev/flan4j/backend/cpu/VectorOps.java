package dev.flan4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link Simd} kernels on the JDK's Vector API (jdk.incubator.vector). Loaded only when that module is present,
 * so nothing else may refer to this class. Every loop ends with a scalar tail that uses {@link Simd}'s scalar
 * formulas, so a vector lane and a tail element give the same result.
 */
final class VectorOps {
    private VectorOps() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** exp(x) lane-wise: {@link Simd#exp(float)}'s range reduction and polynomial. */
    static FloatVector exp(FloatVector x) {
        x = x.max(Simd.EXP_LO).min(Simd.EXP_HI);
        // n = round(x log2(e)) by the 1.5 * 2^23 trick (no float-int conversion, which JDK 17 does not vectorize
        // on AVX2): t's low mantissa bits hold n, so t's bits shifted left by 23 are n's exponent field.
        FloatVector t = x.fma(b(Simd.LOG2E), b(ROUND));
        FloatVector fn = t.sub(ROUND);
        FloatVector r = fn.fma(b(-Simd.LN2_HI), x);
        r = fn.fma(b(-Simd.LN2_LO), r);
        FloatVector p = r.fma(b(Simd.P0), b(Simd.P1));
        p = p.fma(r, b(Simd.P2));
        p = p.fma(r, b(Simd.P3));
        p = p.fma(r, b(Simd.P4));
        p = p.fma(r, b(Simd.P5));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        FloatVector pow2n = ((IntVector) t.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).add(127 << 23)
                .reinterpretAsFloats();
        return y.mul(pow2n);
    }

    private static final float ROUND = 12582912f;   // 1.5 * 2^23

    private static FloatVector b(float v) { return FloatVector.broadcast(F, v); }

    static float max(float[] a, int off, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(F, a, off);
            for (i = L; i <= n - L; i += L) acc = acc.max(FloatVector.fromArray(F, a, off + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    static double expShiftSum(float[] a, int off, int n, float shift, float mul) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; i <= n - L; i += L) {
            FloatVector e = exp(FloatVector.fromArray(F, a, off + i).sub(shift));
            acc = acc.add(e);
            e.mul(mul).intoArray(a, off + i);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = Simd.exp(a[off + i] - shift);
            s += e;
            a[off + i] = e * mul;
        }
        return s;
    }

    static double expShiftSumOnly(float[] a, int off, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; i <= n - L; i += L) acc = acc.add(exp(FloatVector.fromArray(F, a, off + i).sub(shift)));
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += Simd.exp(a[off + i] - shift);
        return s;
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; i <= n - L; i += L) acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    static void axpy(float[] y, int yo, float alpha, float[] x, int xo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(b(alpha), FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    static void scale(float[] a, int off, int n, float f) {
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(F, a, off + i).mul(f).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] *= f;
    }

    static void softmaxGrad(float[] p, float[] dp, int off, int n, float d, float mul) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, dp, off + i).sub(d).mul(FloatVector.fromArray(F, p, off + i)).mul(mul)
                    .intoArray(dp, off + i);
        }
        for (; i < n; i++) dp[off + i] = p[off + i] * (dp[off + i] - d) * mul;
    }

    /** tanh(u) = 1 - 2 / (exp(2u) + 1), which saturates cleanly at +-1. */
    private static FloatVector tanh(FloatVector u) {
        FloatVector e = exp(u.mul(2f));
        return FloatVector.broadcast(F, 2f).div(e.add(1f)).neg().add(1f);
    }

    static void gelu(float[] x, float[] out, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector u = v.mul(v).fma(Simd.GELU_C, 1f).mul(v).mul(Simd.GELU_K);
            tanh(u).add(1f).mul(v).mul(0.5f).intoArray(out, i);
        }
        for (; i < n; i++) out[i] = Simd.gelu(x[i]);
    }

    static void geluBackward(float[] x, float[] dout, float[] dx, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector v2 = v.mul(v);
            FloatVector th = tanh(v2.fma(Simd.GELU_C, 1f).mul(v).mul(Simd.GELU_K));
            FloatVector sech2 = th.mul(th).neg().add(1f);
            // 0.5 (1 + th) + 0.5 v sech2 K (1 + 3 c v^2)
            FloatVector dgelu = v2.fma(3 * Simd.GELU_C, 1f).mul(sech2).mul(v).mul(0.5f * Simd.GELU_K)
                    .add(th.add(1f).mul(0.5f));
            dgelu.mul(FloatVector.fromArray(F, dout, i)).intoArray(dx, i);
        }
        for (; i < n; i++) dx[i] = Simd.geluGrad(x[i]) * dout[i];
    }

    static float sum(float[] a, int off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; i <= n - L; i += L) acc = acc.add(FloatVector.fromArray(F, a, off + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    /** See {@link Simd#gemmAcc}: one vector of columns of up to four rows at a time, k innermost. */
    static void gemmAcc(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                        int rows, int n, int k) {
        int j = 0;
        if (rows == 4) {
            for (; j <= n - L; j += L) {
                FloatVector c0 = FloatVector.fromArray(F, c, co + j), c1 = FloatVector.fromArray(F, c, co + ldc + j);
                FloatVector c2 = FloatVector.fromArray(F, c, co + 2 * ldc + j), c3 = FloatVector.fromArray(F, c, co + 3 * ldc + j);
                for (int kk = 0; kk < k; kk++) {
                    FloatVector bv = FloatVector.fromArray(F, b, bo + kk * ldb + j);
                    c0 = bv.fma(b(a[ao + kk]), c0);
                    c1 = bv.fma(b(a[ao + lda + kk]), c1);
                    c2 = bv.fma(b(a[ao + 2 * lda + kk]), c2);
                    c3 = bv.fma(b(a[ao + 3 * lda + kk]), c3);
                }
                c0.intoArray(c, co + j);
                c1.intoArray(c, co + ldc + j);
                c2.intoArray(c, co + 2 * ldc + j);
                c3.intoArray(c, co + 3 * ldc + j);
            }
        } else {
            for (; j <= n - L; j += L) {
                for (int r = 0; r < rows; r++) {
                    FloatVector acc = FloatVector.fromArray(F, c, co + r * ldc + j);
                    for (int kk = 0; kk < k; kk++) {
                        acc = FloatVector.fromArray(F, b, bo + kk * ldb + j).fma(b(a[ao + r * lda + kk]), acc);
                    }
                    acc.intoArray(c, co + r * ldc + j);
                }
            }
        }
        if (j < n) Simd.gemmAccScalar(a, ao, lda, b, bo, ldb, c, co, ldc, rows, j, n, k);
    }
}
