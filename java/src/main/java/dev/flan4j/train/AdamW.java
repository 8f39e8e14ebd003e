package dev.flan4j.train;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Param;
import dev.flan4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay applied to the parameters {@link Param#decay()} marks (2-D weights), not to
 * biases and norms. The moments live in two allocations laid out like the parameters.
 */
public final class AdamW implements Optimizer {
    private final CausalLm model;
    private final Tensor m, v;   // [numParameters] each
    private final float beta1, beta2, eps, weightDecay;
    private int t;

    public AdamW(CausalLm model, float beta1, float beta2, float eps, float weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        this.model = model;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        int n = Math.toIntExact(model.numParameters());
        this.m = model.backend().zeros(n);
        this.v = model.backend().zeros(n);
    }

    /** GPT-2 style defaults: betas (0.9, 0.95), eps 1e-8, weight decay 0.1. */
    public static AdamW defaults(CausalLm model) {
        return new AdamW(model, 0.9f, 0.95f, 1e-8f, 0.1f);
    }

    /** Applies one update with learning rate {@code lr} using the model's current gradients. */
    @Override
    public void step(float lr) {
        t++;
        Backend be = model.backend();
        for (Param p : model.parameters()) {
            long off = p.offset(), n = p.size();
            be.adamW(model.param(p.name()), model.grad(p.name()), m.view(off, (int) n), v.view(off, (int) n), n,
                    lr, beta1, beta2, eps, p.decay() ? weightDecay : 0f, t);
        }
    }

    /** Number of steps taken. */
    @Override
    public int stepCount() { return t; }

    /** The moments, for a checkpoint. */
    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("adamw.m", model.backend().toArray(m));
        s.put("adamw.v", model.backend().toArray(v));
        return s;
    }

    /** Restores moments and the step count from a checkpoint. */
    @Override
    public void load(Map<String, float[]> state, int step) {
        float[] mm = state.get("adamw.m"), vv = state.get("adamw.v");
        if (mm == null || vv == null) throw new IllegalArgumentException("optimizer state lacks adamw.m / adamw.v");
        if (mm.length != m.size() || vv.length != v.size()) {
            throw new IllegalArgumentException("optimizer state has " + mm.length + " values, the model has " + m.size());
        }
        Backend be = model.backend();
        try (Tensor a = be.fromArray(mm, mm.length); Tensor b = be.fromArray(vv, vv.length)) {
            be.copy(m, a);
            be.copy(v, b);
        }
        this.t = step;
    }

    /**
     * Scales the gradients so their global L2 norm is at most {@code maxNorm} (no-op when maxNorm <= 0).
     *
     * @return the norm before clipping
     */
    public static double clipGradNorm(CausalLm model, double maxNorm) {
        Backend be = model.backend();
        double norm = Math.sqrt(be.sumOfSquares(model.gradientData()));
        if (maxNorm > 0 && norm > maxNorm) be.scale(model.gradientData(), (float) (maxNorm / (norm + 1e-6)));
        return norm;
    }

    /**
     * {@link #clipGradNorm(CausalLm, double)} on the device, reading nothing back: adds the gradients' squared global
     * norm into {@code normSq} (a one-element tensor of the model's backend, accumulated into: zero it first) and, when
     * {@code maxNorm > 0}, scales the gradients by the factor {@link Backend#clipFactor} writes into {@code factor}
     * (a one-element scratch tensor). The factor is the host formula's, so the gradients are those of the host path
     * up to the rounding of the squared norm to fp32.
     */
    public static void clipGradNorm(CausalLm model, double maxNorm, Tensor normSq, Tensor factor) {
        Backend be = model.backend();
        be.sumOfSquaresInto(normSq, model.gradientData());
        if (maxNorm > 0) {
            be.clipFactor(factor, normSq, maxNorm);
            be.scaleBy(model.gradientData(), factor);
        }
    }

    @Override
    public void close() {
        m.close();
        v.close();
    }
}
