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
 * The update runs on the host (it moves each gradient once per step), which is fine for the CPU backend and the
 * model sizes flan4j tunes on the GPU; AdamW is the fast path there.
 */
public final class Adafactor implements Optimizer {
    private static final double EPS1 = 1e-30, CLIP = 1.0;
    private final CausalLm model;
    private final float weightDecay;
    private final Map<String, float[]> rows = new LinkedHashMap<>(), cols = new LinkedHashMap<>(), full = new LinkedHashMap<>();
    private int t;

    public Adafactor(CausalLm model, float weightDecay) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        this.model = model;
        this.weightDecay = weightDecay;
        for (Param p : model.parameters()) {
            if (p.shape().length == 2) {
                rows.put(p.name(), new float[p.shape()[0]]);
                cols.put(p.name(), new float[p.shape()[1]]);
            } else {
                full.put(p.name(), new float[(int) p.size()]);
            }
        }
    }

    @Override
    public void step(float lr) {
        t++;
        double decay = 1 - Math.pow(t, -0.8);
        Backend be = model.backend();
        for (Param p : model.parameters()) {
            Tensor pt = model.param(p.name());
            float[] w = be.toArray(pt), g = be.toArray(model.grad(p.name()));
            double[] u = new double[g.length];
            if (p.shape().length == 2) {
                int R = p.shape()[0], C = p.shape()[1];
                float[] r = rows.get(p.name()), c = cols.get(p.name());
                double[] rowSum = new double[R], colSum = new double[C];
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        double g2 = (double) g[i * C + j] * g[i * C + j] + EPS1;
                        rowSum[i] += g2;
                        colSum[j] += g2;
                    }
                }
                double rMean = 0;
                for (int i = 0; i < R; i++) {
                    r[i] = (float) (decay * r[i] + (1 - decay) * rowSum[i] / C);
                    rMean += r[i];
                }
                rMean /= R;
                for (int j = 0; j < C; j++) c[j] = (float) (decay * c[j] + (1 - decay) * colSum[j] / R);
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        double v = (double) r[i] * c[j] / rMean;
                        u[i * C + j] = g[i * C + j] / Math.sqrt(v);
                    }
                }
            } else {
                float[] v = full.get(p.name());
                for (int i = 0; i < g.length; i++) {
                    v[i] = (float) (decay * v[i] + (1 - decay) * ((double) g[i] * g[i] + EPS1));
                    u[i] = g[i] / Math.sqrt(v[i]);
                }
            }
            double ms = 0;
            for (double x : u) ms += x * x;
            double denom = Math.max(1.0, Math.sqrt(ms / u.length) / CLIP);
            double wd = p.decay() ? weightDecay : 0;
            for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] - lr * (u[i] / denom + wd * w[i]));
            try (Tensor src = be.fromArray(w, w.length)) {
                be.copy(pt, src);
            }
        }
    }

    @Override
    public int stepCount() { return t; }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        rows.forEach((k, v) -> s.put("adafactor.row." + k, v.clone()));
        cols.forEach((k, v) -> s.put("adafactor.col." + k, v.clone()));
        full.forEach((k, v) -> s.put("adafactor.v." + k, v.clone()));
        return s;
    }

    @Override
    public void load(Map<String, float[]> state, int step) {
        restore(state, "adafactor.row.", rows);
        restore(state, "adafactor.col.", cols);
        restore(state, "adafactor.v.", full);
        this.t = step;
    }

    private static void restore(Map<String, float[]> state, String prefix, Map<String, float[]> into) {
        for (Map.Entry<String, float[]> e : into.entrySet()) {
            float[] src = state.get(prefix + e.getKey());
            if (src == null || src.length != e.getValue().length) {
                throw new IllegalArgumentException("optimizer state lacks " + prefix + e.getKey() + " of "
                        + e.getValue().length + " values");
            }
            System.arraycopy(src, 0, e.getValue(), 0, src.length);
        }
    }

    @Override
    public void close() {}
}
