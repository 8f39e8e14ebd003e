package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tensor-core attention (bf16 / fp16 inputs, fp32 accumulation) against the fp64 reference of
 * {@link AttentionGpuTest}, run on the same 16-bit-rounded inputs.
 *
 * <p>Tolerance: max |error| / max |reference| per tensor, 2e-2 for bf16 and 4e-3 for fp16. The kernels round
 * P and dS to the input type before the second matrix product of each pair (as FlashAttention-2 does) and
 * write O, dK, dV in it: bf16 keeps 8 significant bits (a relative step of 2^-8 = 0.4%), fp16 11 bits (0.05%).
 * Sums of up to a few hundred such terms stay within a few steps of the result's magnitude; the host check
 * (native/test/hostcheck.cpp) measures at most 5e-3 (bf16) and 8e-4 (fp16) on the same shapes.
 */
@Tag("gpu")
class AttentionTcGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    static float round(boolean bf16, float f) {
        return bf16 ? Gpu.roundBf16(f) : fromHalf(toHalf(f));
    }

    /** float -> IEEE binary16, round to nearest even (Java 17 has no Float.floatToFloat16). */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int a = bits & 0x7fffffff;
        if (a > 0x7f800000) {
            return (short) (sign | 0x7e00);
        }
        if (a >= 0x477ff000) {
            return (short) (sign | 0x7c00);
        }
        if (a < 0x38800000) {
            if (a < 0x33000000) {
                return (short) sign;
            }
            int m = (a & 0x7fffff) | 0x800000;
            int shift = 126 - (a >>> 23);
            int r = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (r & 1) != 0)) {
                r++;
            }
            return (short) (sign | r);
        }
        int v = a - 0x38000000;
        v += 0xfff + ((v >>> 13) & 1);
        return (short) (sign | (v >>> 13));
    }

    static float fromHalf(short h) {
        int s = (h & 0x8000) << 16, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
        if (e == 0) {
            float f = m * (1.0f / 16777216.0f);
            return s != 0 ? -f : f;
        }
        if (e == 31) {
            return Float.intBitsToFloat(s | 0x7f800000 | (m << 13));
        }
        return Float.intBitsToFloat(s | ((e + 112) << 23) | (m << 13));
    }

    static Gpu.Buf upload(Gpu g, boolean bf16, float[] x) {
        if (bf16) {
            return g.bf16(x);
        }
        short[] h = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = toHalf(x[i]);
        }
        Gpu.Buf b = g.alloc(2L * x.length);
        JCuda.cudaMemcpy(b, Pointer.to(h), 2L * x.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
        return b;
    }

    static float[] read16(Gpu g, boolean bf16, Gpu.Buf b, int n) {
        if (bf16) {
            return g.readBf16(b, n);
        }
        g.sync();
        short[] h = new short[n];
        JCuda.cudaMemcpy(Pointer.to(h), b, 2L * n, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = fromHalf(h[i]);
        }
        return f;
    }

    static void assertScaled(String what, double[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, what + ": length");
        double maxRef = 1e-2, maxErr = 0;
        int worst = 0;
        for (int i = 0; i < want.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            double e = Math.abs(got[i] - want[i]);
            if (!(e <= maxErr)) { // NaN sticks
                maxErr = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                worst = i;
            }
        }
        if (!(maxErr <= tol * maxRef)) {
            fail(what + ": max error " + maxErr + " at index " + worst + " (expected " + want[worst] + ", got "
                    + got[worst] + ") exceeds " + tol + " * max|ref| = " + tol * maxRef);
        }
    }

    static void run(boolean bf16, int[] cu, boolean varlen, int NH, int NHkv, int HD, boolean causal, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int B = cu.length - 1, tokens = cu[B];
        int T = 0;
        for (int b = 0; b < B; b++) {
            T = Math.max(T, cu[b + 1] - cu[b]);
        }
        float[] q = Ref.randn(rnd, tokens * NH * HD, 1.0), k = Ref.randn(rnd, tokens * NHkv * HD, 1.0);
        float[] v = Ref.randn(rnd, tokens * NHkv * HD, 1.0), dO = Ref.randn(rnd, tokens * NH * HD, 1.0);
        for (float[] x : new float[][] {q, k, v, dO}) {
            for (int i = 0; i < x.length; i++) {
                x[i] = round(bf16, x[i]);
            }
        }
        double scale = 1.0 / Math.sqrt(HD);
        AttentionGpuTest.Result ref = AttentionGpuTest.reference(new AttentionGpuTest.View(q, 0, NH * HD, HD),
                new AttentionGpuTest.View(k, 0, NHkv * HD, HD), new AttentionGpuTest.View(v, 0, NHkv * HD, HD),
                new AttentionGpuTest.View(dO, 0, NH * HD, HD), cu, NH, NHkv, HD, scale, causal);
        double tol = bf16 ? 2e-2 : 4e-3;
        try (Gpu g = new Gpu()) {
            AttentionArgs a = AttentionArgs.dense(B, varlen ? T : cu[1], NH, NHkv, HD);
            a.dtype = bf16 ? KernelDType.BF16 : KernelDType.F16;
            a.causal = causal;
            a.q = upload(g, bf16, q).address();
            a.k = upload(g, bf16, k).address();
            a.v = upload(g, bf16, v).address();
            Gpu.Buf o = g.alloc(2L * tokens * NH * HD), lse = g.zerosF32((long) NH * tokens);
            a.o = o.address();
            a.lse = lse.address();
            if (varlen) {
                a.cuSeqlens = g.ints(cu).address();
                a.totalTokens = tokens;
            }
            Kernels.attentionForward(a, 0L);
            assertScaled("o", ref.o, read16(g, bf16, o, tokens * NH * HD), tol);
            Ref.assertClose("lse", ref.lse, g.readFloats(lse, NH * tokens), 1e-4, 1e-5);

            Gpu.Buf dq = g.zerosF32((long) tokens * NH * HD), dk = g.alloc(2L * tokens * NHkv * HD);
            Gpu.Buf dv = g.alloc(2L * tokens * NHkv * HD), delta = g.zerosF32((long) NH * tokens);
            a.dout = upload(g, bf16, dO).address();
            a.dq = dq.address();
            a.dk = dk.address();
            a.dv = dv.address();
            a.delta = delta.address();
            Kernels.attentionBackward(a, 0L);
            assertScaled("dq", ref.dq, g.readFloats(dq, tokens * NH * HD), tol);
            assertScaled("dk", ref.dk, read16(g, bf16, dk, tokens * NHkv * HD), tol);
            assertScaled("dv", ref.dv, read16(g, bf16, dv, tokens * NHkv * HD), tol);
        }
    }

    @ParameterizedTest(name = "bf16={0} B={1} T={2} NH={3} NHkv={4} HD={5} causal={6}")
    @CsvSource({
        "true,2,1,2,2,64,true", "true,2,17,4,2,64,true", "true,1,113,3,1,128,true", "true,1,300,2,2,128,false",
        "false,2,17,4,4,128,false", "false,1,113,4,1,64,true", "true,1,1023,2,1,64,true", "false,1,257,2,2,64,false"})
    void denseMatchesReference(boolean bf16, int B, int T, int NH, int NHkv, int HD, boolean causal) {
        run(bf16, AttentionGpuTest.uniform(B, T), false, NH, NHkv, HD, causal, 17L * T + HD);
    }

    @ParameterizedTest(name = "packed bf16={0} HD={1} causal={2}")
    @CsvSource({"true,64,true", "true,128,false", "false,128,true", "false,64,false"})
    void packedRowsAreBlockDiagonal(boolean bf16, int HD, boolean causal) {
        int[] cu = {0, 1, 18, 82, 195, 200, 265};
        run(bf16, cu, true, 4, 2, HD, causal, 5L + HD);
    }

    @Test
    void rejectsHeadDim32AndMisalignedStrides() {
        try (Gpu g = new Gpu()) {
            AttentionArgs a = AttentionArgs.dense(1, 8, 2, 2, 32);
            a.dtype = KernelDType.BF16;
            Gpu.Buf x = g.alloc(2L * 8 * 2 * 64);
            a.q = a.k = a.v = a.o = x.address();
            a.lse = g.zerosF32(16).address();
            KernelException e = assertThrows(KernelException.class, () -> Kernels.attentionForward(a, 0L));
            assertEquals(KernelStatus.UNSUPPORTED, e.status());
            a.HD = 64;
            a.qRowStride = 130; // not a multiple of 8 elements
            KernelArgumentException bad = assertThrows(KernelArgumentException.class,
                    () -> Kernels.attentionForward(a, 0L));
            assertTrue(bad.getMessage().contains("'params.q_row_stride'"), bad.getMessage());
        }
    }
}
