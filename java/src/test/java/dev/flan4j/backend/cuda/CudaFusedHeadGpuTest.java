package dev.flan4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.FusedHead;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Param;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused LM head + cross-entropy ({@link FusedHead}) on CUDA against the unfused head on the CPU, for GPT-2 and
 * an untied GQA Llama, with document weights and ignored targets, at chunks that do and do not divide N. Tolerances
 * are those of the other whole-model CUDA tests (CudaLlamaGpuTest): loss 1e-5 relative, each parameter's gradient
 * 1e-4 relative to its largest entry; per-token losses 1e-5 relative to the largest.
 */
@Tag("gpu")
class CudaFusedHeadGpuTest extends CudaVsCpuTest {
    static final GptConfig GPT = new GptConfig(97, 64, 2, 4, 64);
    static final LlamaConfig LLAMA = new LlamaConfig("llama", 97, 64, 2, 4, 2, 64, 16, 96, 1e-5, 10000, null, false,
            true, false);

    /** About 150 tokens in documents of up to 64, every fifth target ignored, weights not 1. */
    static Batch batch(int vocab) {
        SplittableRandom r = new SplittableRandom(5);
        int[] lens = {64, 17, 40, 3, 29};
        int N = Arrays.stream(lens).sum();
        int[] tok = new int[N], tgt = new int[N], pos = new int[N], cu = new int[lens.length + 1];
        float[] w = new float[lens.length];
        int i = 0;
        for (int d = 0; d < lens.length; d++) {
            for (int t = 0; t < lens[d]; t++, i++) {
                tok[i] = r.nextInt(vocab);
                tgt[i] = t % 5 == 4 ? Batch.IGNORE : r.nextInt(vocab);
                pos[i] = t;
            }
            cu[d + 1] = i;
            w[d] = 0.25f + d * 0.5f;
        }
        return new Batch(tok, tgt, pos, cu, w);
    }

    @ParameterizedTest(name = "chunk={0}")
    @ValueSource(ints = {1, 37, 64, 1000})   // 37 does not divide N=153; 1000: one chunk
    void gptFusedOnCudaMatchesUnfusedOnCpu(int chunk) {
        compare(be -> Gpt.initialized(GPT, be, 21), chunk);
    }

    @ParameterizedTest(name = "chunk={0}")
    @ValueSource(ints = {37, 1000})
    void llamaFusedOnCudaMatchesUnfusedOnCpu(int chunk) {
        compare(be -> Llama.initialized(LLAMA, be, 22), chunk);
    }

    private static void compare(Function<Backend, CausalLm> make, int chunk) {
        try (CausalLm mc = make.apply(cpu); CausalLm mg = make.apply(gpu)) {
            Batch b = batch(mc.config().vocabSize());
            mc.setFusedHead(FusedHead.off());
            mg.setFusedHead(FusedHead.chunk(chunk));
            mc.zeroGrad();
            mg.zeroGrad();
            double lc = mc.forwardBackward(b, 1f / b.targetCount()), lg = mg.forwardBackward(b, 1f / b.targetCount());
            assertEquals(lc, lg, 1e-5 * Math.abs(lc), "loss");
            double lossErr = relError(gpu.toArray(mg.losses()), cpu.toArray(mc.losses()));
            assertTrue(lossErr < 1e-5, "per-token losses rel. error " + lossErr);
            float[] gc = cpu.toArray(mc.gradientData()), gg = gpu.toArray(mg.gradientData());
            double worst = 0;
            String worstName = "";
            for (Param p : mc.parameters()) {
                int o = (int) p.offset(), n = (int) p.size();
                double e = relError(Arrays.copyOfRange(gg, o, o + n), Arrays.copyOfRange(gc, o, o + n));
                if (!(e <= worst)) {
                    worst = e;
                    worstName = p.name();
                }
            }
            assertTrue(worst < 1e-4, "gradient rel. error " + worst + " in " + worstName);
            assertTrue(relError(gg, new float[gg.length]) > 0, "gradients are not all zero");
        }
    }

    /** max |a - b| / max |b| over the whole array. */
    private static double relError(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double err = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return err / Math.max(scale, 1e-6);
    }
}
