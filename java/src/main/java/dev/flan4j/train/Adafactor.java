package dev.flan4j.train;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Param;
import dev.flan4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adafactor (Shazeer and Stern, 2018) as the FLAN paper tuned with: no first moment; the second moment of a 2-D
 * weight [R, C] factored into row and column means (R + C numbers instead of R * C); decay 1 - t^-0.8; updates
 * clipped to RMS 1; an explicit learning rate (not the relative-step variant); optional decoupled weight decay.
 *
 * <p>The state lives in tensors of the model's backend (row and column factors of each 2-D weight, the full second
 * moment of the rest) and a step is one {@link Backend#adafactor} call per parameter, so on CUDA it neither
 * synchronizes nor copies anything to the host; {@link #state()} reads the state back for a checkpoint. On the CPU
 * the op is the host loop this class ran before it existed, so CPU runs give the same numbers bit for bit.
 */
public final class Adafactor implements Optimizer {
    private static final double EPS1 = 1e-30, CLIP = 1.0;
    private final CausalLm model;
    private final float weightDecay;
    private final Map<String, Tensor> rows = new LinkedHashMap<>(), cols = new LinkedHashMap<>(), full = new LinkedHashMap<>();
    private int t;

    public Adafactor(CausalLm model, float weightDecay) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        this.model = model;
        this.weightDecay = weightDecay;
        Backend be = model.backend();
        try {
            for (Param p : model.parameters()) {
                if (p.shape().length == 2) {
                    rows.put(p.name(), be.zeros(p.shape()[0]));
                    cols.put(p.name(), be.zeros(p.shape()[1]));
                } else {
                    full.put(p.name(), be.zeros(Math.toIntExact(p.size())));
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void step(float lr) {
        t++;
        double decay = 1 - Math.pow(t, -0.8);
        Backend be = model.backend();
        for (Param p : model.parameters()) {
            Tensor w = model.param(p.name()), g = model.grad(p.name());
            float wd = p.decay() ? weightDecay : 0f;
            if (p.shape().length == 2) {
                be.adafactor(w, g, rows.get(p.name()), cols.get(p.name()), null, p.shape()[0], p.shape()[1], lr, decay,
                        wd, CLIP, EPS1);
            } else {
                be.adafactor(w, g, null, null, full.get(p.name()), 1, Math.toIntExact(p.size()), lr, decay, wd, CLIP,
                        EPS1);
            }
        }
    }

    @Override
    public int stepCount() { return t; }

    /** The row and column factors and the full second moments, read back for a checkpoint. */
    @Override
    public Map<String, float[]> state() {
        Backend be = model.backend();
        Map<String, float[]> s = new LinkedHashMap<>();
        rows.forEach((k, v) -> s.put("adafactor.row." + k, be.toArray(v)));
        cols.forEach((k, v) -> s.put("adafactor.col." + k, be.toArray(v)));
        full.forEach((k, v) -> s.put("adafactor.v." + k, be.toArray(v)));
        return s;
    }

    /** Restores the state and the step count from a checkpoint; every entry is checked before any is uploaded. */
    @Override
    public void load(Map<String, float[]> state, int step) {
        check(state, "adafactor.row.", rows);
        check(state, "adafactor.col.", cols);
        check(state, "adafactor.v.", full);
        restore(state, "adafactor.row.", rows);
        restore(state, "adafactor.col.", cols);
        restore(state, "adafactor.v.", full);
        this.t = step;
    }

    private static void check(Map<String, float[]> state, String prefix, Map<String, Tensor> into) {
        for (Map.Entry<String, Tensor> e : into.entrySet()) {
            float[] src = state.get(prefix + e.getKey());
            if (src == null || src.length != e.getValue().size()) {
                throw new IllegalArgumentException("optimizer state lacks " + prefix + e.getKey() + " of "
                        + e.getValue().size() + " values");
            }
        }
    }

    private void restore(Map<String, float[]> state, String prefix, Map<String, Tensor> into) {
        Backend be = model.backend();
        for (Map.Entry<String, Tensor> e : into.entrySet()) {
            float[] src = state.get(prefix + e.getKey());
            try (Tensor up = be.fromArray(src, src.length)) {
                be.copy(e.getValue(), up);
            }
        }
    }

    /** Frees the state tensors. */
    @Override
    public void close() {
        rows.values().forEach(Tensor::close);
        cols.values().forEach(Tensor::close);
        full.values().forEach(Tensor::close);
        rows.clear();
        cols.clear();
        full.clear();
    }
}
