package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every {@link CausalLm} family here shares: its parameters in one flat allocation and its gradients in another,
 * laid out by a {@link Param} list and sliced into a view per name (the names checkpoints use), the parameter
 * allocation marked as weights ({@link Backend#markWeights}); the LM head's logits buffer and fused setting
 * ({@link HeadLogits}); and the size of the last batch. {@link Gpt} and {@code Llama} extend it with their layers.
 */
public abstract class FlatParameterModel implements CausalLm {
    protected final Backend backend;
    protected final List<Param> params;
    protected final long numParams;
    protected final Tensor paramData;   // [numParams]
    protected final Tensor gradData;    // [numParams], laid out like paramData
    private final Map<String, Tensor> p = new LinkedHashMap<>(), g = new LinkedHashMap<>();
    /** N rows of logits unfused, one chunk's when the head is fused. */
    protected final HeadLogits headLogits;
    /** Tokens of the last forward pass. */
    protected int lastN;

    /** Zero parameters and gradients laid out as {@code layout} (contiguous, in order), on {@code backend}. */
    protected FlatParameterModel(Backend backend, List<Param> layout, int paddedVocabSize) {
        this.backend = backend;
        this.params = layout;
        Param last = layout.get(layout.size() - 1);
        this.numParams = last.offset() + last.size();
        this.paramData = backend.zeros(Math.toIntExact(numParams));
        backend.markWeights(paramData);   // read by every product between optimizer steps
        this.gradData = backend.zeros(Math.toIntExact(numParams));
        for (Param q : layout) {
            p.put(q.name(), paramData.view(q.offset(), q.shape()));
            g.put(q.name(), gradData.view(q.offset(), q.shape()));
        }
        this.headLogits = new HeadLogits(backend, paddedVocabSize);
    }

    /** The parameter views by name, in layout order. */
    protected final Map<String, Tensor> paramViews() { return Collections.unmodifiableMap(p); }

    /** The gradient views by name, in layout order. */
    protected final Map<String, Tensor> gradViews() { return Collections.unmodifiableMap(g); }

    @Override public final Backend backend() { return backend; }
    @Override public final List<Param> parameters() { return params; }
    @Override public final long numParameters() { return numParams; }
    /** All parameters, one flat tensor [numParameters]. */
    @Override public final Tensor parameterData() { return paramData; }
    /** All gradients, one flat tensor [numParameters], laid out like {@link #parameterData()}. */
    @Override public final Tensor gradientData() { return gradData; }
    /** The view of a named parameter. */
    @Override public final Tensor param(String name) { return lookup(p, name); }
    /** The view of a named parameter's gradient. */
    @Override public final Tensor grad(String name) { return lookup(g, name); }

    private static Tensor lookup(Map<String, Tensor> m, String name) {
        Tensor t = m.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
        return t;
    }

    /** Copies all parameters from a flat host array laid out as {@link #parameters()}. */
    @Override
    public final void loadParameters(float[] all) {
        if (all.length != numParams) {
            throw new IllegalArgumentException("expected " + numParams + " parameters, got " + all.length);
        }
        try (Tensor src = backend.fromArray(all, all.length)) {
            backend.copy(paramData, src);
        }
    }

    /** Sets all gradients to zero. */
    @Override
    public final void zeroGrad() { backend.fill(gradData, 0f); }

    /**
     * Logits [N, Vp] of the last forward pass ({@link #forward} only; a backward pass overwrites them, and a fused
     * one keeps none: an IllegalStateException).
     */
    @Override
    public final Tensor logits() { return headLogits.last(lastN); }

    @Override public final FusedHead fusedHead() { return headLogits.setting(); }

    @Override
    public final void setFusedHead(FusedHead setting) { headLogits.setting(setting); }

    /** An fp32 tensor that {@code owned} closes. */
    protected final Tensor alloc(List<Tensor> owned, int... shape) {
        Tensor t = backend.zeros(shape);
        owned.add(t);
        return t;
    }

    /** A tensor in activation storage ({@link Backend#activations}) that {@code owned} closes. */
    protected final Tensor act(List<Tensor> owned, int... shape) {
        Tensor t = backend.activations(shape);
        owned.add(t);
        return t;
    }

    /** Frees what this class allocated: the parameters, the gradients and the logits buffer. */
    protected final void closeParameters() {
        headLogits.close();
        paramData.close();
        gradData.close();
    }
}
