package dev.flan4j.kernels;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GELU, embedding, add, scale, bias, cast, sum of squares, AdamW vs fp64 reference loops. */
@Tag("gpu")
class SmallOpsGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 59, 1000, 100003})
    void geluForwardBackward(int N) {
        SplittableRandom r = new SplittableRandom(N);
        float[] x = Ref.randn(r, N, 2.0), dy = Ref.randn(r, N, 1.0);
        double[] y = new double[N], dx = new double[N];
        for (int i = 0; i < N; i++) {
            y[i] = gelu(x[i]);
            double h = 1e-4;
            dx[i] = dy[i] * (gelu(x[i] + h) - gelu(x[i] - h)) / (2 * h);
        }
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = g.floats(x), dY = g.zerosF32(N), dDy = g.floats(dy), dDx = g.zerosF32(N);
            Kernels.geluForward(KernelDType.F32, dY.address(), dX.address(), N, 0L);
            Ref.assertClose("gelu", y, g.readFloats(dY, N), 1e-6, 1e-5);
            Kernels.geluBackward(KernelDType.F32, dDx.address(), dX.address(), dDy.address(), N, 0L);
            Ref.assertClose("dgelu", dx, g.readFloats(dDx, N), 1e-5, 1e-4);
        }
    }

    @Test
    void embeddingForwardBackwardWithPositions() {
        int B = 2, T = 17, C = 59, V = 97, maxT = 32, N = B * T;
        SplittableRandom r = new SplittableRandom(5);
        float[] wte = Ref.randn(r, V * C, 1.0), wpe = Ref.randn(r, maxT * C, 1.0), dout = Ref.randn(r, N * C, 1.0);
        int[] tok = new int[N], pos = new int[N];
        for (int i = 0; i < N; i++) {
            tok[i] = r.nextInt(V);
            pos[i] = i % 7; // packed rows: positions restart per document
        }
        tok[3] = tok[4]; // repeated token: scatter-add must accumulate
        double[] out = new double[N * C], dwte = new double[V * C], dwpe = new double[maxT * C];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                out[i * C + c] = (double) wte[tok[i] * C + c] + wpe[pos[i] * C + c];
                dwte[tok[i] * C + c] += dout[i * C + c];
                dwpe[pos[i] * C + c] += dout[i * C + c];
            }
        }
        try (Gpu g = new Gpu()) {
            Gpu.Buf dOut = g.zerosF32((long) N * C), dTok = g.ints(tok), dPos = g.ints(pos);
            Gpu.Buf dWte = g.floats(wte), dWpe = g.floats(wpe);
            Kernels.embeddingForward(KernelDType.F32, dOut.address(), dTok.address(), dPos.address(), dWte.address(),
                    dWpe.address(), B, T, C, V, maxT, 0L);
            Ref.assertClose("embedding", out, g.readFloats(dOut, N * C), 1e-6, 1e-6);
            Gpu.Buf gWte = g.zerosF32((long) V * C), gWpe = g.zerosF32((long) maxT * C), dDout = g.floats(dout);
            Kernels.embeddingBackward(KernelDType.F32, gWte.address(), gWpe.address(), dDout.address(), dTok.address(),
                    dPos.address(), B, T, C, V, maxT, 0L);
            Ref.assertClose("dwte", dwte, g.readFloats(gWte, V * C), 1e-5, 1e-5);
            Ref.assertClose("dwpe", dwpe, g.readFloats(gWpe, maxT * C), 1e-5, 1e-5);
            // without positions: pos = t
            Kernels.embeddingForward(KernelDType.F32, dOut.address(), dTok.address(), 0L, dWte.address(),
                    dWpe.address(), B, T, C, V, maxT, 0L);
            for (int i = 0; i < N; i++) {
                for (int c = 0; c < C; c++) {
                    out[i * C + c] = (double) wte[tok[i] * C + c] + wpe[(i % T) * C + c];
                }
            }
            Ref.assertClose("embedding pos=t", out, g.readFloats(dOut, N * C), 1e-6, 1e-6);
        }
    }

    @Test
    void addScaleBiasCastSumSquares() {
        int N = 113, OC = 59, n = N * OC;
        SplittableRandom r = new SplittableRandom(17);
        float[] a = Ref.randn(r, n, 1.0), b = Ref.randn(r, n, 1.0), bias = Ref.randn(r, OC, 1.0);
        try (Gpu g = new Gpu()) {
            Gpu.Buf dA = g.floats(a), dB = g.floats(b), dOut = g.zerosF32(n), dBias = g.floats(bias);
            Kernels.add(KernelDType.F32, dOut.address(), dA.address(), dB.address(), n, 0L);
            double[] sum = new double[n];
            for (int i = 0; i < n; i++) {
                sum[i] = (double) a[i] + b[i];
            }
            Ref.assertClose("add", sum, g.readFloats(dOut, n), 1e-6, 1e-6);

            Kernels.scale(KernelDType.F32, dOut.address(), -0.5f, n, 0L);
            for (int i = 0; i < n; i++) {
                sum[i] *= -0.5;
            }
            Ref.assertClose("scale", sum, g.readFloats(dOut, n), 1e-6, 1e-6);

            Kernels.biasAdd(KernelDType.F32, dA.address(), dBias.address(), N, OC, 0L);
            double[] biased = new double[n];
            for (int i = 0; i < n; i++) {
                biased[i] = (double) a[i] + bias[i % OC];
            }
            Ref.assertClose("biasAdd", biased, g.readFloats(dA, n), 1e-6, 1e-6);

            float[] ones = new float[OC];
            java.util.Arrays.fill(ones, 1f);
            Gpu.Buf dDb = g.floats(ones);
            Kernels.biasBackward(KernelDType.F32, dDb.address(), dB.address(), N, OC, 0L);
            double[] colsum = new double[OC];
            for (int i = 0; i < n; i++) {
                colsum[i % OC] += b[i];
            }
            for (int o = 0; o < OC; o++) {
                colsum[o] += 1;
            }
            Ref.assertClose("biasBackward", colsum, g.readFloats(dDb, OC), 1e-4, 1e-5);

            Gpu.Buf h = g.alloc(2L * n), back = g.zerosF32(n);
            Kernels.cast(KernelDType.BF16, h.address(), KernelDType.F32, dB.address(), n, 0L);
            Kernels.cast(KernelDType.F32, back.address(), KernelDType.BF16, h.address(), n, 0L);
            double[] rounded = new double[n];
            for (int i = 0; i < n; i++) {
                rounded[i] = Gpu.roundBf16(b[i]);
            }
            Ref.assertClose("cast f32->bf16->f32", rounded, g.readFloats(back, n), 0, 0);

            Gpu.Buf ss = g.floats(new float[] {2f});
            Kernels.sumSquares(KernelDType.F32, ss.address(), dB.address(), n, 0L);
            double sq = 2;
            for (float v : b) {
                sq += (double) v * v;
            }
            Ref.assertClose("sumSquares", sq, g.readFloats(ss, 1)[0], 1e-3, 1e-5);
        }
    }

    @Test
    void adamwTwoSteps() {
        int N = 1001;
        SplittableRandom r = new SplittableRandom(23);
        float[] p = Ref.randn(r, N, 1.0), g1 = Ref.randn(r, N, 1.0), g2 = Ref.randn(r, N, 1.0);
        double lr = 1e-3, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1, gs = 0.5;
        double[] pp = new double[N], m = new double[N], v = new double[N];
        for (int i = 0; i < N; i++) {
            pp[i] = p[i];
        }
        float[][] grads = {g1, g2};
        for (int step = 1; step <= 2; step++) {
            for (int i = 0; i < N; i++) {
                double g = grads[step - 1][i] * gs;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, step)), vh = v[i] / (1 - Math.pow(b2, step));
                pp[i] -= lr * (mh / (Math.sqrt(vh) + eps) + wd * pp[i]);
            }
        }
        try (Gpu g = new Gpu()) {
            Gpu.Buf dP = g.floats(p), dM = g.zerosF32(N), dV = g.zerosF32(N);
            for (int step = 1; step <= 2; step++) {
                Gpu.Buf dG = g.floats(grads[step - 1]);
                Kernels.adamw(dP.address(), dG.address(), dM.address(), dV.address(), N, (float) lr, (float) b1,
                        (float) b2, (float) eps, (float) wd, step, (float) gs, 0L);
            }
            Ref.assertClose("adamw params", pp, g.readFloats(dP, N), 1e-6, 1e-5);
        }
    }
}
