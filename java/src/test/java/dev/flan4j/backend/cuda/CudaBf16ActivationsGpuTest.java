package dev.flan4j.backend.cuda;

import static dev.flan4j.backend.cuda.Compare.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.Precision;
import dev.flan4j.kernels.KernelDType;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Param;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Activations stored in bf16 ({@code Backend.activations} on CUDA in bf16 mode): the storage itself (round to
 * nearest even on the way in, exact widening on the way out, views, fill, scale), every op that takes such a tensor
 * against the same op on fp32 tensors holding the same values, the refusals of the fp32-only ops, and a Llama step
 * (its q/k/v, attention output, gate/up and SwiGLU output are stored in bf16) against the CPU.
 *
 * <p>Where storage changes nothing but where the bits live, the test asks for equality: the tensor-core attention
 * reads bf16 q, k, v either way (a cast of bf16-exact fp32 values is exact) and writes a bf16 output, and the
 * backwards that widen a bf16 input to fp32 see exactly the fp32 tensor's values. Where the op's result is rounded to
 * bf16 instead of kept in fp32 (a GEMM or GELU writing a bf16 tensor), the bound is half a bf16 unit of the fp32
 * result, 2^-9 relative, plus the GEMM's own fp32 rounding (cuBLAS may pick another kernel for another output type).
 */
@Tag("gpu")
class CudaBf16ActivationsGpuTest {

    private static CudaBackend bf16() {
        GpuAssume.device();
        return new CudaBackend(false, Precision.BF16);
    }

    /** fp32 to bf16, round to nearest even (finite inputs), as the cast kernel does. */
    static float toBf16(float x) {
        int b = Float.floatToRawIntBits(x);
        b += 0x7fff + ((b >>> 16) & 1);
        return Float.intBitsToFloat(b & 0xffff0000);
    }

    static float[] toBf16(float[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = toBf16(x[i]);
        return r;
    }

    private static KernelDType dtype(Tensor t) { return ((CudaTensor) t).dtype(); }

    @Test
    void activationsAreBf16OnlyInBf16Mode() {
        try (CudaBackend be = bf16(); Tensor a = be.activations(3, 5)) {
            assertEquals(KernelDType.BF16, dtype(a));
            assertArrayEquals(new float[15], be.toArray(a));
            assertEquals(KernelDType.BF16, dtype(a.view(4, 2, 2)), "a view keeps its allocation's dtype");
        }
        try (CudaBackend be = new CudaBackend(false); Tensor a = be.activations(3, 5)) {
            assertEquals(KernelDType.F32, dtype(a));
        }
        try (CpuBackend be = new CpuBackend(); Tensor a = be.activations(3, 5)) {
            assertArrayEquals(new float[15], be.toArray(a));
        }
    }

    @Test
    void storageRoundsToNearestEvenAndWidensExactly() {
        float[] x = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -2.5f, 3.3f, 1e-30f, 65504f, 0f, -0f, 0.1f};
        try (CudaBackend be = bf16(); Tensor a = be.activations(x.length); Tensor f = be.fromArray(x, x.length);
             Tensor back = be.zeros(x.length); Tensor wide = be.activations(20)) {
            be.copy(a, f);
            assertArrayEquals(toBf16(x), be.toArray(a), "fp32 -> bf16 copy: round to nearest even");
            assertEquals(1f, be.toArray(a)[0], "a tie rounds to the even neighbour");
            be.copy(back, a);
            assertArrayEquals(toBf16(x), be.toArray(back), "bf16 -> fp32 copy is exact");
            be.scale(a, 2f);
            float[] doubled = toBf16(x);
            for (int i = 0; i < x.length; i++) doubled[i] *= 2;
            assertArrayEquals(doubled, be.toArray(a), "scale by 2 is exact in bf16");
            be.fill(wide, 3.3f);
            be.copy(wide.view(7, x.length), f);          // a view at an odd element offset
            float[] got = be.toArray(wide);
            for (int i = 0; i < 20; i++) {
                float want = i >= 7 && i < 7 + x.length ? toBf16(x[i - 7]) : toBf16(3.3f);
                assertEquals(want, got[i], "element " + i);
            }
        }
    }

    @ParameterizedTest(name = "NH={0} HD={1}")
    @CsvSource({"2, 64", "1, 128", "3, 32", "4, 16"})
    void attentionOnBf16StorageMatchesFp32Storage(int NH, int HD) {
        int[] lens = {1, 17, 113, 2};
        int[] cu = new int[lens.length + 1];
        for (int i = 0; i < lens.length; i++) cu[i + 1] = cu[i] + lens[i];
        int N = cu[lens.length], C = NH * HD;
        float scale = (float) (1 / Math.sqrt(HD));
        SplittableRandom rng = new SplittableRandom(HD * 7 + NH);
        float[] qkv = toBf16(random(rng, N * 3 * C, 1)), dout = random(rng, N * C, 1);
        boolean tensorCores = HD == 64 || HD == 128;
        try (CudaBackend be = bf16(); Tensor q32 = be.fromArray(qkv, N, 3 * C); Tensor q16 = be.activations(N, 3 * C);
             Tensor o32 = be.zeros(N, C); Tensor o16 = be.activations(N, C); Tensor l32 = be.zeros(N, NH);
             Tensor l16 = be.zeros(N, NH); Tensor d = be.fromArray(dout, N, C); Tensor dq32 = be.zeros(N, 3 * C);
             Tensor dq16 = be.zeros(N, 3 * C)) {
            be.copy(q16, q32);
            be.attentionForward(o32, l32, q32, cu, N, NH, HD, scale);
            be.attentionForward(o16, l16, q16, cu, N, NH, HD, scale);
            assertArrayEquals(be.toArray(l32), be.toArray(l16), "lse");
            float[] out32 = be.toArray(o32), out16 = be.toArray(o16);
            assertArrayEquals(tensorCores ? out32 : toBf16(out32), out16,
                    tensorCores ? "the kernels write bf16 either way" : "the fp32 kernels' output, rounded");
            be.attentionBackward(dq32, d, q32, o32, l32, cu, N, NH, HD, scale);
            be.attentionBackward(dq16, d, q16, o16, l16, cu, N, NH, HD, scale);
            float[] g32 = be.toArray(dq32), g16 = be.toArray(dq16);
            // the same bf16 inputs reach the tensor-core kernels: dk, dv (written once) agree bit for bit, dq (added
            // with fp32 atomics, in whatever order the blocks run) to fp32 rounding; the fp32 kernels see out rounded
            // to bf16 in delta = rowsum(dout * out), half a bf16 unit of each out
            double dqTol = tensorCores ? 1e-5 : 1e-2, kvTol = tensorCores ? 0 : 1e-2;
            double[] worst = new double[2], max = new double[2];
            for (int i = 0; i < g32.length; i++) {
                int part = i % (3 * C) < C ? 0 : 1;
                worst[part] = Math.max(worst[part], Math.abs(g32[i] - g16[i]));
                max[part] = Math.max(max[part], Math.abs(g32[i]));
            }
            assertTrue(worst[0] <= dqTol * max[0], "dq differs by " + worst[0] + " of max " + max[0]);
            assertTrue(worst[1] <= kvTol * max[1], "dk, dv differ by " + worst[1] + " of max " + max[1]);
        }
    }

    @ParameterizedTest(name = "beta={0}")
    @CsvSource({"0", "1"})
    void matmulWritesBf16Outputs(float beta) {
        int m = 130, n = 160, k = 200;   // m, n >= BF16_MIN_DIM: both products take the bf16 GEMM
        SplittableRandom rng = new SplittableRandom(21);
        float[] a = random(rng, m * k, 1), b = random(rng, k * n, 1), c0 = toBf16(random(rng, m * n, 1));
        try (CudaBackend be = bf16(); Tensor ta = be.fromArray(a, m * k); Tensor tb = be.fromArray(b, k * n);
             Tensor a16 = be.activations(m * k); Tensor out32 = be.fromArray(c0, m * n);
             Tensor out16 = be.activations(m * n); Tensor init = be.fromArray(c0, m * n)) {
            be.copy(a16, ta);
            be.copy(out16, init);
            be.matmul(out32, ta, tb, 1, m, n, k, false, false, 1f, beta);   // bf16 GEMM (operands cast), fp32 out
            be.matmul(out16, a16, tb, 1, m, n, k, false, false, 1f, beta);  // bf16 A as stored, bf16 out
            float[] want = be.toArray(out32), got = be.toArray(out16);
            for (int i = 0; i < want.length; i++) {
                double bound = 0x1p-9 * Math.abs(want[i]) + 1e-5 * Math.sqrt(k);
                assertTrue(Math.abs(got[i] - want[i]) <= bound, String.format(Locale.ROOT,
                        "element %d: bf16 out %.6g, fp32 out %.6g", i, got[i], want[i]));
            }
        }
    }

    @Test
    void geluAndSwigluOnBf16Storage() {
        int N = 9, I = 40, n = N * 2 * I;
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = toBf16(random(rng, n, 2)), dout = random(rng, n, 1), dhalf = random(rng, N * I, 1);
        try (CudaBackend be = bf16(); Tensor x32 = be.fromArray(x, n); Tensor x16 = be.activations(n);
             Tensor y32 = be.zeros(n); Tensor y16 = be.activations(n); Tensor g = be.fromArray(dout, n);
             Tensor dx32 = be.zeros(n); Tensor dx16 = be.zeros(n); Tensor s32 = be.zeros(N, I);
             Tensor s16 = be.activations(N, I); Tensor dh = be.fromArray(dhalf, N, I)) {
            be.copy(x16, x32);
            be.geluForward(y32, x32, n);
            be.geluForward(y16, x16, n);
            within("gelu", be.toArray(y32), be.toArray(y16));
            be.geluBackward(dx32, x32, g, n);
            be.geluBackward(dx16, x16, g, n);
            assertArrayEquals(be.toArray(dx32), be.toArray(dx16), "gelu backward widens x exactly");
            be.swigluForward(s32, x32, N, I);
            be.swigluForward(s16, x16, N, I);
            within("swiglu", be.toArray(s32), be.toArray(s16));
            be.swigluBackward(dx32, dh, x32, N, I);
            be.swigluBackward(dx16, dh, x16, N, I);
            assertArrayEquals(be.toArray(dx32), be.toArray(dx16), "swiglu backward widens x exactly");
        }
    }

    /** bf16 results within half a bf16 unit (2^-9 relative) of the fp32 results, plus fp32 noise. */
    private static void within(String what, float[] fp32, float[] bf16) {
        for (int i = 0; i < fp32.length; i++) {
            double bound = (0x1p-9 + 1e-6) * Math.abs(fp32[i]) + 1e-6;
            assertTrue(Math.abs(bf16[i] - fp32[i]) <= bound, String.format(Locale.ROOT, "%s element %d: %.6g vs %.6g",
                    what, i, bf16[i], fp32[i]));
        }
    }

    @Test
    void fp32OnlyOpsRefuseBf16Tensors() {
        try (CudaBackend be = bf16(); Tensor x16 = be.activations(2, 4); Tensor out = be.zeros(2, 4);
             Tensor mean = be.zeros(2); Tensor rstd = be.zeros(2); Tensor w = be.zeros(4); Tensor b = be.zeros(4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.layerNormForward(out, mean, rstd, x16, w, b, 2, 4, 1e-5f));
            assertTrue(e.getMessage().contains("x is a bf16 activation tensor"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.geluForward(out, x16, 8));
            assertTrue(e.getMessage().contains("geluForward: out is fp32 but x is bf16"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.markWeights(x16));
            assertTrue(e.getMessage().contains("weights is a bf16 activation tensor"), e.getMessage());
        }
    }

    /**
     * One forward and backward of a Llama with head dim 64 (tensor-core attention, GQA, RoPE, SwiGLU) in bf16 mode
     * against the fp32 CPU. Its logits come from bf16 GEMMs over bf16-stored activations: the loss within 2% (each
     * product is off by about 2^-8 of its terms' magnitude, a few 1e-3 of the loss per layer), each parameter's
     * gradient within 10% of its largest entry (the gradients pass through twice as many bf16 roundings as the loss,
     * and the smallest parameter blocks have few terms to average them out).
     */
    @Test
    void llamaStepTracksTheCpu() {
        GpuAssume.device();
        LlamaConfig cfg = LlamaConfig.llama(97, 32, 2, 2, 1, 128, 344, true);
        int[] lens = {3, 32, 1, 30};
        int N = Arrays.stream(lens).sum();
        int[] tok = new int[N], tgt = new int[N], pos = new int[N], cu = new int[lens.length + 1];
        SplittableRandom r = new SplittableRandom(5);
        for (int d = 0, i = 0; d < lens.length; d++) {
            for (int t = 0; t < lens[d]; t++, i++) {
                tok[i] = r.nextInt(cfg.vocabSize());
                tgt[i] = t % 5 == 4 ? Batch.IGNORE : r.nextInt(cfg.vocabSize());
                pos[i] = t;
            }
            cu[d + 1] = cu[d] + lens[d];
        }
        Batch batch = new Batch(tok, tgt, pos, cu);
        try (CpuBackend cpu = new CpuBackend(); CudaBackend gpu = bf16(); Llama mc = new Llama(cfg, cpu);
             Llama mg = new Llama(cfg, gpu)) {
            float[] params = random(new SplittableRandom(11), (int) mc.numParameters(), 0.05);
            for (Param p : mc.parameters()) {
                if (p.name().endsWith("norm.weight")) for (int i = 0; i < p.size(); i++) params[(int) p.offset() + i] += 1f;
            }
            mc.loadParameters(params);
            mg.loadParameters(params);
            mc.zeroPaddedRows();
            mg.zeroPaddedRows();
            mc.zeroGrad();
            mg.zeroGrad();
            double lc = mc.forwardBackward(batch, 1f / batch.targetCount());
            double lg = mg.forwardBackward(batch, 1f / batch.targetCount());
            assertEquals(lc, lg, 2e-2 * lc, "loss");
            float[] gc = cpu.toArray(mc.gradientData()), gg = gpu.toArray(mg.gradientData());
            for (Param p : mc.parameters()) {
                int o = (int) p.offset(), n = (int) p.size();
                double err = 0, max = 0;
                for (int i = o; i < o + n; i++) {
                    err = Math.max(err, Math.abs(gg[i] - gc[i]));
                    max = Math.max(max, Math.abs(gc[i]));
                }
                if (max > 0) assertTrue(err <= 0.1 * max, p.name() + ": gradient off by " + err + " of max " + max);
            }
        }
    }
}
