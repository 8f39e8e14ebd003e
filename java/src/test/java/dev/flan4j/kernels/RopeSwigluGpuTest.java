package dev.flan4j.kernels;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The RoPE and SwiGLU kernels through {@link Kernels} in fp32 and bf16 against fp64 loops on the same (rounded)
 * inputs, on shapes that take the 16-byte kernels and on odd or misaligned ones that take the one-element kernels.
 */
@Tag("gpu")
class RopeSwigluGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    private static float[] round(float[] x, boolean bf16) {
        float[] r = x.clone();
        if (bf16) for (int i = 0; i < r.length; i++) r[i] = Gpu.roundBf16(r[i]);
        return r;
    }

    /** bf16 outputs are one rounding (2^-9 relative) from the fp32 result; fp32 a few ulps. */
    private static double tol(boolean bf16) {
        return bf16 ? 8e-3 : 2e-6;
    }

    @ParameterizedTest(name = "bf16={0} N={1} W={2} heads={3} HD={4} offset={5}")
    @CsvSource({"false, 37, 72, 6, 8, 0", "false, 19, 37, 2, 6, 0", "false, 65, 384, 4, 64, 1", "true, 65, 384, 4, 64, 0",
            "true, 19, 37, 2, 14, 0", "true, 33, 192, 2, 64, 3"})
    void rope(boolean bf16, int N, int W, int nHeads, int HD, int offset) {
        int half = HD / 2, tMax = 23;
        SplittableRandom r = new SplittableRandom(N * 31L + HD);
        float[] x = round(Ref.randn(r, N * W, 1.0), bf16), cos = new float[tMax * half], sin = new float[tMax * half];
        for (int p = 0; p < tMax; p++) {
            for (int j = 0; j < half; j++) {
                double a = p * Math.pow(500000, -2.0 * j / HD);
                cos[p * half + j] = (float) Math.cos(a);
                sin[p * half + j] = (float) Math.sin(a);
            }
        }
        int[] pos = new int[N];
        for (int i = 0; i < N; i++) pos[i] = (i * 7 + 3) % tMax;   // not the row index
        for (int sign : new int[] {1, -1}) {
            double[] ref = new double[N * W];
            for (int i = 0; i < N * W; i++) ref[i] = x[i];
            for (int i = 0; i < N; i++) {
                for (int h = 0; h < nHeads; h++) {
                    for (int j = 0; j < half; j++) {
                        int o = i * W + h * HD + j;
                        double c = cos[pos[i] * half + j], s = sign * (double) sin[pos[i] * half + j];
                        ref[o] = x[o] * c - x[o + half] * s;
                        ref[o + half] = x[o + half] * c + x[o] * s;
                    }
                }
            }
            float[] padded = new float[offset + N * W];
            System.arraycopy(x, 0, padded, offset, x.length);
            try (Gpu g = new Gpu()) {
                Gpu.Buf dx = bf16 ? g.bf16(padded) : g.floats(padded), dc = g.floats(cos), ds = g.floats(sin),
                        dp = g.ints(pos);
                long xa = dx.at(offset, bf16 ? 2 : 4);
                KernelDType t = bf16 ? KernelDType.BF16 : KernelDType.F32;
                if (sign > 0) {
                    Kernels.ropeForward(t, xa, dc.address(), ds.address(), dp.address(), N, W, nHeads, HD, tMax, 0L);
                } else {
                    Kernels.ropeBackward(t, xa, dc.address(), ds.address(), dp.address(), N, W, nHeads, HD, tMax, 0L);
                }
                float[] all = bf16 ? g.readBf16(dx, padded.length) : g.readFloats(dx, padded.length);
                float[] out = java.util.Arrays.copyOfRange(all, offset, all.length);
                Ref.assertClose(sign > 0 ? "rope" : "rope backward", ref, out, tol(bf16), tol(bf16));
                for (int i = 0; i < offset; i++) Ref.assertClose("before the view", 0.0, all[i], 0, 0);
            }
        }
    }

    @ParameterizedTest(name = "bf16={0} N={1} I={2} offset={3}")
    @CsvSource({"false, 7, 5, 0", "false, 33, 24, 0", "false, 17, 1536, 1", "true, 17, 1536, 0", "true, 3, 1001, 0",
            "true, 9, 64, 2"})
    void swiglu(boolean bf16, int N, int I, int offset) {
        SplittableRandom r = new SplittableRandom(N * 131L + I);
        float[] x = round(Ref.randn(r, N * 2 * I, 2.0), bf16), dy = round(Ref.randn(r, N * I, 1.0), bf16);
        double[] y = new double[N * I], dx = new double[N * 2 * I];
        for (int row = 0; row < N; row++) {
            for (int j = 0; j < I; j++) {
                double gt = x[row * 2 * I + j], u = x[row * 2 * I + I + j], d = dy[row * I + j];
                double sig = 1 / (1 + Math.exp(-gt));
                y[row * I + j] = gt * sig * u;
                dx[row * 2 * I + j] = d * u * sig * (1 + gt * (1 - sig));
                dx[row * 2 * I + I + j] = d * gt * sig;
            }
        }
        float[] px = new float[offset + x.length];
        System.arraycopy(x, 0, px, offset, x.length);
        int eb = bf16 ? 2 : 4;
        KernelDType t = bf16 ? KernelDType.BF16 : KernelDType.F32;
        try (Gpu g = new Gpu()) {
            Gpu.Buf dX = bf16 ? g.bf16(px) : g.floats(px), dY = g.alloc((long) eb * N * I),
                    dDy = bf16 ? g.bf16(dy) : g.floats(dy), dDx = g.alloc((long) eb * N * 2 * I);
            Kernels.swigluForward(t, dY.address(), dX.at(offset, eb), N, I, 0L);
            Ref.assertClose("swiglu", y, bf16 ? g.readBf16(dY, N * I) : g.readFloats(dY, N * I), tol(bf16), tol(bf16));
            Kernels.swigluBackward(t, dDx.address(), dDy.address(), dX.at(offset, eb), N, I, 0L);
            Ref.assertClose("swiglu backward", dx, bf16 ? g.readBf16(dDx, N * 2 * I) : g.readFloats(dDx, N * 2 * I),
                    tol(bf16), tol(bf16));
        }
    }
}
