package dev.flan4j.kernels;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("gpu")
class LayerNormGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    /** fp64 reference: out, mean, rstd. */
    static double[][] forward(float[] x, float[] w, float[] b, int N, int C, double eps) {
        double[] out = new double[N * C], mean = new double[N], rstd = new double[N];
        for (int n = 0; n < N; n++) {
            double m = 0;
            for (int i = 0; i < C; i++) {
                m += x[n * C + i];
            }
            m /= C;
            double v = 0;
            for (int i = 0; i < C; i++) {
                double d = x[n * C + i] - m;
                v += d * d;
            }
            v /= C;
            double r = 1.0 / Math.sqrt(v + eps);
            mean[n] = m;
            rstd[n] = r;
            for (int i = 0; i < C; i++) {
                out[n * C + i] = (x[n * C + i] - m) * r * w[i] + (b == null ? 0 : b[i]);
            }
        }
        return new double[][] {out, mean, rstd};
    }

    /** fp64 reference backward: dx, dw, db. */
    static double[][] backward(float[] dy, float[] x, float[] w, int N, int C, double eps) {
        double[][] f = forward(x, w, null, N, C, eps);
        double[] mean = f[1], rstd = f[2];
        double[] dx = new double[N * C], dw = new double[C], db = new double[C];
        for (int n = 0; n < N; n++) {
            double sdn = 0, sdnn = 0;
            for (int i = 0; i < C; i++) {
                double nn = (x[n * C + i] - mean[n]) * rstd[n];
                double dn = dy[n * C + i] * (double) w[i];
                sdn += dn;
                sdnn += dn * nn;
                dw[i] += dy[n * C + i] * nn;
                db[i] += dy[n * C + i];
            }
            sdn /= C;
            sdnn /= C;
            for (int i = 0; i < C; i++) {
                double nn = (x[n * C + i] - mean[n]) * rstd[n];
                double dn = dy[n * C + i] * (double) w[i];
                dx[n * C + i] = rstd[n] * (dn - sdn - nn * sdnn);
            }
        }
        return new double[][] {dx, dw, db};
    }

    @ParameterizedTest
    @CsvSource({"1,1,59", "2,17,59", "3,113,64", "1,7,768", "1,3,7000"})
    void forwardAndBackwardF32(int B, int T, int C) {
        SplittableRandom r = new SplittableRandom(B * 1000L + T * 10L + C);
        int N = B * T;
        float[] x = Ref.randn(r, N * C, 2.0);
        for (int i = 0; i < x.length; i++) {
            x[i] += 3.0f; // non-zero mean
        }
        float[] w = Ref.uniform(r, C, 0.5, 1.5), b = Ref.randn(r, C, 0.1), dy = Ref.randn(r, N * C, 1.0);
        float eps = 1e-5f;
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = g.floats(x), dW = g.floats(w), dB = g.floats(b), dOut = g.zerosF32((long) N * C);
            Gpu.Buf dMean = g.zerosF32(N), dRstd = g.zerosF32(N);
            Kernels.layerNormForward(KernelDType.F32, dOut.address(), dMean.address(), dRstd.address(), dX.address(),
                    dW.address(), dB.address(), B, T, C, eps, 0L);
            double[][] ref = forward(x, w, b, N, C, eps);
            Ref.assertClose("out", ref[0], g.readFloats(dOut, N * C), 1e-5, 1e-4);
            Ref.assertClose("mean", ref[1], g.readFloats(dMean, N), 1e-5, 1e-5);
            Ref.assertClose("rstd", ref[2], g.readFloats(dRstd, N), 1e-6, 1e-4);

            // backward; dweight/dbias accumulate: start from 1.0 and expect 1.0 + grad
            float[] ones = new float[C];
            java.util.Arrays.fill(ones, 1.0f);
            Gpu.Buf dDy = g.floats(dy), dDx = g.zerosF32((long) N * C), dDw = g.floats(ones), dDb = g.floats(ones);
            Kernels.layerNormBackward(KernelDType.F32, dDx.address(), dDw.address(), dDb.address(), dDy.address(),
                    dX.address(), dW.address(), dMean.address(), dRstd.address(), B, T, C, false, 0L);
            double[][] gr = backward(dy, x, w, N, C, eps);
            for (int i = 0; i < C; i++) {
                gr[1][i] += 1.0;
                gr[2][i] += 1.0;
            }
            Ref.assertClose("dx", gr[0], g.readFloats(dDx, N * C), 1e-4, 1e-3);
            Ref.assertClose("dweight", gr[1], g.readFloats(dDw, C), 1e-3, 1e-4);
            Ref.assertClose("dbias", gr[2], g.readFloats(dDb, C), 1e-3, 1e-4);

            // accumulate_dinp: a second call adds the same gradient again
            Kernels.layerNormBackward(KernelDType.F32, dDx.address(), dDw.address(), dDb.address(), dDy.address(),
                    dX.address(), dW.address(), dMean.address(), dRstd.address(), B, T, C, true, 0L);
            double[] twice = gr[0].clone();
            for (int i = 0; i < twice.length; i++) {
                twice[i] *= 2;
            }
            Ref.assertClose("dx accumulated", twice, g.readFloats(dDx, N * C), 2e-4, 1e-3);
        }
    }

    @ParameterizedTest
    @CsvSource({"2,17,59", "1,113,256"})
    void forwardBf16(int B, int T, int C) {
        SplittableRandom r = new SplittableRandom(7);
        int N = B * T;
        float[] x = Ref.randn(r, N * C, 1.0);
        for (int i = 0; i < x.length; i++) {
            x[i] = Gpu.roundBf16(x[i]);
        }
        float[] w = Ref.uniform(r, C, 0.5, 1.5), b = Ref.randn(r, C, 0.1);
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = g.bf16(x), dW = g.floats(w), dB = g.floats(b), dOut = g.alloc(2L * N * C);
            Gpu.Buf dMean = g.zerosF32(N), dRstd = g.zerosF32(N);
            Kernels.layerNormForward(KernelDType.BF16, dOut.address(), dMean.address(), dRstd.address(), dX.address(),
                    dW.address(), dB.address(), B, T, C, 1e-5f, 0L);
            double[][] ref = forward(x, w, b, N, C, 1e-5);
            Ref.assertClose("out bf16", ref[0], g.readBf16(dOut, N * C), 1e-2, 1e-2);
            Ref.assertClose("mean", ref[1], g.readFloats(dMean, N), 1e-5, 1e-4);
        }
    }

    @ParameterizedTest
    @CsvSource({"2,17,59", "1,113,768"})
    void residualLayerNormForward(int B, int T, int C) {
        SplittableRandom r = new SplittableRandom(11);
        int N = B * T;
        float[] x = Ref.randn(r, N * C, 1.0), res = Ref.randn(r, N * C, 1.0);
        float[] w = Ref.uniform(r, C, 0.5, 1.5), b = Ref.randn(r, C, 0.1);
        float[] sum = new float[N * C];
        double[] sumD = new double[N * C];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = x[i] + res[i];
            sumD[i] = sum[i];
        }
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = g.floats(x), dR = g.floats(res), dW = g.floats(w), dB = g.floats(b);
            Gpu.Buf dOut = g.zerosF32((long) N * C), dMean = g.zerosF32(N), dRstd = g.zerosF32(N);
            // residual written in place over x
            Kernels.residualLayerNormForward(KernelDType.F32, dX.address(), dOut.address(), dMean.address(),
                    dRstd.address(), dX.address(), dR.address(), dW.address(), dB.address(), B, T, C, 1e-5f, 0L);
            double[][] ref = forward(sum, w, b, N, C, 1e-5);
            Ref.assertClose("residual", sumD, g.readFloats(dX, N * C), 0, 0);
            Ref.assertClose("out", ref[0], g.readFloats(dOut, N * C), 1e-5, 1e-4);
            Ref.assertClose("rstd", ref[2], g.readFloats(dRstd, N), 1e-6, 1e-4);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,59", "2,17,59", "1,113,1024"})
    void rmsNormForwardBackward(int B, int T, int C) {
        SplittableRandom r = new SplittableRandom(13);
        int N = B * T;
        float[] x = Ref.randn(r, N * C, 1.5), w = Ref.uniform(r, C, 0.5, 1.5), dy = Ref.randn(r, N * C, 1.0);
        double eps = 1e-6;
        double[] out = new double[N * C], rstd = new double[N], dx = new double[N * C], dw = new double[C];
        for (int n = 0; n < N; n++) {
            double ss = 0;
            for (int i = 0; i < C; i++) {
                ss += (double) x[n * C + i] * x[n * C + i];
            }
            double rs = 1.0 / Math.sqrt(ss / C + eps);
            rstd[n] = rs;
            double m = 0;
            for (int i = 0; i < C; i++) {
                out[n * C + i] = x[n * C + i] * rs * w[i];
                m += dy[n * C + i] * (double) w[i] * x[n * C + i] * rs;
                dw[i] += dy[n * C + i] * x[n * C + i] * rs;
            }
            m /= C;
            for (int i = 0; i < C; i++) {
                dx[n * C + i] = rs * (dy[n * C + i] * (double) w[i] - x[n * C + i] * rs * m);
            }
        }
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = g.floats(x), dW = g.floats(w), dOut = g.zerosF32((long) N * C), dRstd = g.zerosF32(N);
            Kernels.rmsNormForward(KernelDType.F32, dOut.address(), dRstd.address(), dX.address(), dW.address(), B, T,
                    C, (float) eps, 0L);
            Ref.assertClose("out", out, g.readFloats(dOut, N * C), 1e-5, 1e-4);
            Ref.assertClose("rstd", rstd, g.readFloats(dRstd, N), 1e-6, 1e-4);
            Gpu.Buf dDy = g.floats(dy), dDx = g.zerosF32((long) N * C), dDw = g.zerosF32(C);
            Kernels.rmsNormBackward(KernelDType.F32, dDx.address(), dDw.address(), dDy.address(), dX.address(),
                    dW.address(), dRstd.address(), B, T, C, false, 0L);
            Ref.assertClose("dx", dx, g.readFloats(dDx, N * C), 1e-4, 1e-3);
            Ref.assertClose("dweight", dw, g.readFloats(dDw, C), 1e-3, 1e-4);
        }
    }
}
