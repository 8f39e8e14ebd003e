package dev.flan4j.eval;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.Param;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Models for the scorer tests: one whose next-token distribution is known by hand, one random. */
final class TestModels {
    private TestModels() {}

    /**
     * A model whose logits are {@code z} (padded with zeros to Vp) after every token, whatever the context:
     * all block weights are zero, so the residual stream stays wte[tok] + wpe[pos]; ln_f has weight 0 and bias e_0,
     * so every row of ln_f's output is e_0, and the tied head gives logits[v] = wte[v] . e_0 = wte[v][0] = z[v].
     */
    static Gpt fixedLogits(Backend be, float[] z, int blockSize) {
        GptConfig cfg = new GptConfig(z.length, blockSize, 2, 2, 8);
        Gpt m = new Gpt(cfg, be);   // all parameters zero
        float[] all = new float[(int) m.numParameters()];
        int C = cfg.nEmbd();
        long wte = offset(m, "wte"), lnfBias = offset(m, "ln_f.bias");
        for (int v = 0; v < z.length; v++) all[(int) wte + v * C] = z[v];
        all[(int) lnfBias] = 1f;
        m.loadParameters(all);
        return m;
    }

    /** log softmax(z)[v], in double. */
    static double logProb(float[] z, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : z) max = Math.max(max, x);
        double s = 0;
        for (float x : z) s += Math.exp(x - max);
        return z[v] - max - Math.log(s);
    }

    /** A GPT-2-initialized model with extra N(0, 0.2) noise on every parameter but wte, so attention matters. */
    static Gpt random(Backend be, GptConfig cfg, long seed) {
        Gpt m = Gpt.initialized(cfg, be, seed);
        float[] all = be.toArray(m.parameterData());
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (Param p : m.parameters()) {
            if (p.name().equals("wte")) continue;   // keep the padded vocabulary rows zero
            for (int i = 0; i < p.size(); i++) all[(int) p.offset() + i] += (float) (r.nextGaussian() * 0.2);
        }
        m.loadParameters(all);
        return m;
    }

    /**
     * Reference log-likelihood of {@code option} after {@code prompt} from the training forward pass: the sequence
     * prompt + option with targets on the option tokens only, minus the sum of the per-token losses.
     */
    static double forwardLogLikelihood(Gpt m, int[] prompt, int[] option) {
        int P = prompt.length, n = P + option.length - 1;
        int[] seq = Arrays.copyOf(prompt, P + option.length);
        System.arraycopy(option, 0, seq, P, option.length);
        int[] tokens = Arrays.copyOf(seq, n), targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = i < P - 1 ? Batch.IGNORE : seq[i + 1];
        m.forward(Batch.rows(1, n, tokens, targets));
        double s = 0;
        for (float l : m.backend().toArray(m.losses())) s += l;
        return -s;
    }

    private static long offset(Gpt m, String name) {
        return m.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().offset();
    }
}
