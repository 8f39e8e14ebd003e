package dev.flan4j.kernels;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fused attention vs a naive fp64 reference: odd T, GQA/MQA, causal and not, packed rows, packed qkv. */
@Tag("gpu")
class AttentionGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    /** Strided view of a host array: element (t, h, d) at off + t*row + h*head + d. */
    record View(float[] a, int off, int row, int head) {
        double get(int t, int h, int d) {
            return a[off + t * row + h * head + d];
        }
    }

    /** Reference outputs: o [tok, NH, HD], lse [NH, tok], dq, dk, dv dense. */
    static final class Result {
        double[] o, lse, dq, dk, dv;
    }

    static Result reference(View q, View k, View v, View dO, int[] cu, int NH, int NHkv, int HD, double scale,
            boolean causal) {
        int tokens = cu[cu.length - 1];
        Result r = new Result();
        r.o = new double[tokens * NH * HD];
        r.lse = new double[NH * tokens];
        r.dq = new double[tokens * NH * HD];
        r.dk = new double[tokens * NHkv * HD];
        r.dv = new double[tokens * NHkv * HD];
        int group = NH / NHkv;
        for (int b = 0; b + 1 < cu.length; b++) {
            int start = cu[b], len = cu[b + 1] - cu[b];
            for (int h = 0; h < NH; h++) {
                int hk = h / group;
                for (int i = 0; i < len; i++) {
                    int ti = start + i;
                    int nk = causal ? i + 1 : len;
                    double[] s = new double[nk];
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < nk; j++) {
                        double dot = 0;
                        for (int d = 0; d < HD; d++) {
                            dot += q.get(ti, h, d) * k.get(start + j, hk, d);
                        }
                        s[j] = dot * scale;
                        mx = Math.max(mx, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < nk; j++) {
                        sum += Math.exp(s[j] - mx);
                    }
                    double lse = mx + Math.log(sum);
                    r.lse[h * tokens + ti] = lse;
                    double[] p = new double[nk];
                    for (int j = 0; j < nk; j++) {
                        p[j] = Math.exp(s[j] - lse);
                        for (int d = 0; d < HD; d++) {
                            r.o[(ti * NH + h) * HD + d] += p[j] * v.get(start + j, hk, d);
                        }
                    }
                    if (dO == null) {
                        continue;
                    }
                    double D = 0;
                    for (int d = 0; d < HD; d++) {
                        D += dO.get(ti, h, d) * r.o[(ti * NH + h) * HD + d];
                    }
                    for (int j = 0; j < nk; j++) {
                        int tj = start + j;
                        double dp = 0;
                        for (int d = 0; d < HD; d++) {
                            dp += dO.get(ti, h, d) * v.get(tj, hk, d);
                        }
                        double ds = p[j] * (dp - D);
                        for (int d = 0; d < HD; d++) {
                            r.dq[(ti * NH + h) * HD + d] += scale * ds * k.get(tj, hk, d);
                            r.dk[(tj * NHkv + hk) * HD + d] += scale * ds * q.get(ti, h, d);
                            r.dv[(tj * NHkv + hk) * HD + d] += p[j] * dO.get(ti, h, d);
                        }
                    }
                }
            }
        }
        return r;
    }

    static void run(int[] cu, boolean varlen, int NH, int NHkv, int HD, boolean causal, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int B = cu.length - 1, tokens = cu[B];
        int T = 0;
        for (int b = 0; b < B; b++) {
            T = Math.max(T, cu[b + 1] - cu[b]);
        }
        float[] q = Ref.randn(rnd, tokens * NH * HD, 1.0), k = Ref.randn(rnd, tokens * NHkv * HD, 1.0);
        float[] v = Ref.randn(rnd, tokens * NHkv * HD, 1.0), dO = Ref.randn(rnd, tokens * NH * HD, 1.0);
        double scale = 1.0 / Math.sqrt(HD);
        Result ref = reference(new View(q, 0, NH * HD, HD), new View(k, 0, NHkv * HD, HD),
                new View(v, 0, NHkv * HD, HD), new View(dO, 0, NH * HD, HD), cu, NH, NHkv, HD, scale, causal);
        try (Gpu g = new Gpu()) {
            AttentionArgs a = AttentionArgs.dense(B, varlen ? T : cu[1], NH, NHkv, HD);
            a.causal = causal;
            a.q = g.floats(q).address();
            a.k = g.floats(k).address();
            a.v = g.floats(v).address();
            Gpu.Buf o = g.zerosF32((long) tokens * NH * HD), lse = g.zerosF32((long) NH * tokens);
            a.o = o.address();
            a.lse = lse.address();
            if (varlen) {
                a.cuSeqlens = g.ints(cu).address();
                a.totalTokens = tokens;
            }
            Kernels.attentionForward(a, 0L);
            Ref.assertClose("o", ref.o, g.readFloats(o, tokens * NH * HD), 2e-5, 1e-4);
            Ref.assertClose("lse", ref.lse, g.readFloats(lse, NH * tokens), 2e-5, 1e-5);

            Gpu.Buf dq = g.zerosF32((long) tokens * NH * HD), dk = g.zerosF32((long) tokens * NHkv * HD);
            Gpu.Buf dv = g.zerosF32((long) tokens * NHkv * HD), delta = g.zerosF32((long) NH * tokens);
            a.dout = g.floats(dO).address();
            a.dq = dq.address();
            a.dk = dk.address();
            a.dv = dv.address();
            a.delta = delta.address();
            Kernels.attentionBackward(a, 0L);
            Ref.assertClose("dq", ref.dq, g.readFloats(dq, tokens * NH * HD), 1e-4, 1e-3);
            Ref.assertClose("dk", ref.dk, g.readFloats(dk, tokens * NHkv * HD), 1e-4, 1e-3);
            Ref.assertClose("dv", ref.dv, g.readFloats(dv, tokens * NHkv * HD), 1e-4, 1e-3);
        }
    }

    static int[] uniform(int B, int T) {
        int[] cu = new int[B + 1];
        for (int b = 1; b <= B; b++) {
            cu[b] = b * T;
        }
        return cu;
    }

    @ParameterizedTest(name = "B={0} T={1} NH={2} NHkv={3} HD={4} causal={5}")
    @CsvSource({
        "1,1,2,2,32,true", "2,17,4,4,64,true", "1,113,4,2,64,true", "2,113,4,1,32,false",
        "1,17,2,2,128,true", "1,70,3,3,128,false", "2,33,4,4,32,false", "1,64,2,1,64,true"})
    void denseMatchesReference(int B, int T, int NH, int NHkv, int HD, boolean causal) {
        run(uniform(B, T), false, NH, NHkv, HD, causal, 31L * T + HD);
    }

    @ParameterizedTest(name = "packed HD={0} causal={1}")
    @CsvSource({"32,true", "64,true", "128,true", "64,false"})
    void packedRowsAreBlockDiagonal(int HD, boolean causal) {
        int[] cu = {0, 5, 22, 23, 113, 150};
        run(cu, true, 4, 2, HD, causal, 7L + HD);
    }

    /** q, k, v taken from one packed qkv [B, T, 3C] buffer through strides; o, dq... dense. */
    @Test
    void packedQkvStrides() {
        int B = 2, T = 29, NH = 4, HD = 32, C = NH * HD;
        SplittableRandom rnd = new SplittableRandom(99);
        float[] qkv = Ref.randn(rnd, B * T * 3 * C, 1.0), dO = Ref.randn(rnd, B * T * C, 1.0);
        double scale = 1.0 / Math.sqrt(HD);
        int[] cu = uniform(B, T);
        Result ref = reference(new View(qkv, 0, 3 * C, HD), new View(qkv, C, 3 * C, HD),
                new View(qkv, 2 * C, 3 * C, HD), new View(dO, 0, C, HD), cu, NH, NH, HD, scale, true);
        try (Gpu g = new Gpu()) {
            Gpu.Buf dQkv = g.floats(qkv);
            AttentionArgs a = AttentionArgs.dense(B, T, NH, NH, HD);
            a.q = dQkv.at(0, 4);
            a.k = dQkv.at(C, 4);
            a.v = dQkv.at(2L * C, 4);
            a.qRowStride = a.kRowStride = a.vRowStride = 3L * C;
            Gpu.Buf o = g.zerosF32((long) B * T * C), lse = g.zerosF32((long) NH * B * T);
            a.o = o.address();
            a.lse = lse.address();
            Kernels.attentionForward(a, 0L);
            Ref.assertClose("o", ref.o, g.readFloats(o, B * T * C), 2e-5, 1e-4);
            // gradients into a packed dqkv buffer as well
            Gpu.Buf dQkvGrad = g.zerosF32((long) B * T * 3 * C), delta = g.zerosF32((long) NH * B * T);
            a.dout = g.floats(dO).address();
            a.dq = dQkvGrad.at(0, 4);
            a.dk = dQkvGrad.at(C, 4);
            a.dv = dQkvGrad.at(2L * C, 4);
            a.dqRowStride = a.dkRowStride = a.dvRowStride = 3L * C;
            a.delta = delta.address();
            Kernels.attentionBackward(a, 0L);
            float[] got = g.readFloats(dQkvGrad, B * T * 3 * C);
            double[] want = new double[got.length];
            for (int t = 0; t < B * T; t++) {
                for (int c = 0; c < C; c++) {
                    want[t * 3 * C + c] = ref.dq[t * C + c];
                    want[t * 3 * C + C + c] = ref.dk[t * C + c];
                    want[t * 3 * C + 2 * C + c] = ref.dv[t * C + c];
                }
            }
            Ref.assertClose("dqkv", want, got, 1e-4, 1e-3);
        }
    }
}
