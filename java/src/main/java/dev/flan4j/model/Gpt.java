package dev.flan4j.model;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.OpChecks;
import dev.flan4j.backend.Reduction;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * GPT-2 with forward and backward written by hand against {@link Backend}, in the manner of llm.c.
 * Parameters live in one allocation and gradients in another, both sliced into named views
 * ({@code wte}, {@code h.0.attn.c_attn.weight}, ...; the names checkpoints use) and, once, into typed {@link Weights}
 * that the passes read. Linear weights are stored [out, in]. One {@link #block} function serves training forward
 * and KV-cache decoding. One of the {@link CausalLm} families.
 *
 * <p>Not thread-safe: one model, one caller.
 */
public final class Gpt extends FlatParameterModel {
    /** One transformer block's tensors (parameters, or their gradients): views into the flat allocation. */
    public record Block(Tensor ln1W, Tensor ln1B, Tensor qkvW, Tensor qkvB, Tensor attnProjW, Tensor attnProjB,
                        Tensor ln2W, Tensor ln2B, Tensor fcW, Tensor fcB, Tensor fcProjW, Tensor fcProjB) {}

    /** Every tensor of the model, typed (parameters, or their gradients), built once from the layout. */
    public record Weights(Tensor wte, Tensor wpe, List<Block> blocks, Tensor lnfW, Tensor lnfB) {
        static Weights of(Map<String, Tensor> t, int nLayer) {
            List<Block> blocks = new ArrayList<>(nLayer);
            for (int l = 0; l < nLayer; l++) {
                String h = "h." + l + ".";
                blocks.add(new Block(t.get(h + "ln_1.weight"), t.get(h + "ln_1.bias"),
                        t.get(h + "attn.c_attn.weight"), t.get(h + "attn.c_attn.bias"),
                        t.get(h + "attn.c_proj.weight"), t.get(h + "attn.c_proj.bias"),
                        t.get(h + "ln_2.weight"), t.get(h + "ln_2.bias"),
                        t.get(h + "mlp.c_fc.weight"), t.get(h + "mlp.c_fc.bias"),
                        t.get(h + "mlp.c_proj.weight"), t.get(h + "mlp.c_proj.bias")));
            }
            return new Weights(t.get("wte"), t.get("wpe"), List.copyOf(blocks), t.get("ln_f.weight"), t.get("ln_f.bias"));
        }
    }

    private static final float LN_EPS = 1e-5f;

    private final GptConfig config;
    private final Weights pw, gw;     // typed views of the parameters and gradients
    private Activations acts;         // sized for the largest N seen

    /** A model with zero parameters (to load a checkpoint into). */
    public Gpt(GptConfig config, Backend backend) {
        super(backend, layout(config), config.paddedVocabSize());
        this.config = config;
        this.pw = Weights.of(paramViews(), config.nLayer());
        this.gw = Weights.of(gradViews(), config.nLayer());
    }

    /** A model initialized as GPT-2: N(0, 0.02), residual projections N(0, 0.02/sqrt(2L)), norms 1 and 0. */
    public static Gpt initialized(GptConfig config, Backend backend, long seed) {
        Gpt m = new Gpt(config, backend);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] all = new float[Math.toIntExact(m.numParams)];
        double residualStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
        for (Param q : m.params) {
            int off = (int) q.offset(), n = (int) q.size();
            String name = q.name();
            if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.equals("ln_f.weight")) {
                java.util.Arrays.fill(all, off, off + n, 1f);
            } else if (q.decay() || name.equals("wte") || name.equals("wpe")) {
                double std = name.endsWith("c_proj.weight") ? residualStd : 0.02;
                for (int i = 0; i < n; i++) all[off + i] = (float) (rng.nextGaussian() * std);
            }
        }
        // The padded vocabulary rows stay zero: they are never a target and are masked out of the softmax.
        int C = config.nEmbd();
        java.util.Arrays.fill(all, config.vocabSize() * C, config.paddedVocabSize() * C, 0f);
        m.loadParameters(all);
        return m;
    }

    private static List<Param> layout(GptConfig c) {
        int C = c.nEmbd(), Vp = c.paddedVocabSize(), T = c.blockSize();
        List<Param> list = new ArrayList<>();
        long[] off = {0};
        java.util.function.BiConsumer<String, int[]> add = (name, shape) -> {
            boolean decay = shape.length == 2 && !name.equals("wpe");
            list.add(new Param(name, shape, decay, off[0]));
            off[0] += dev.flan4j.tensor.Shapes.size(shape);
        };
        add.accept("wte", new int[]{Vp, C});
        add.accept("wpe", new int[]{T, C});
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "h." + l + ".";
            add.accept(h + "ln_1.weight", new int[]{C});
            add.accept(h + "ln_1.bias", new int[]{C});
            add.accept(h + "attn.c_attn.weight", new int[]{3 * C, C});
            add.accept(h + "attn.c_attn.bias", new int[]{3 * C});
            add.accept(h + "attn.c_proj.weight", new int[]{C, C});
            add.accept(h + "attn.c_proj.bias", new int[]{C});
            add.accept(h + "ln_2.weight", new int[]{C});
            add.accept(h + "ln_2.bias", new int[]{C});
            add.accept(h + "mlp.c_fc.weight", new int[]{4 * C, C});
            add.accept(h + "mlp.c_fc.bias", new int[]{4 * C});
            add.accept(h + "mlp.c_proj.weight", new int[]{C, 4 * C});
            add.accept(h + "mlp.c_proj.bias", new int[]{C});
        }
        add.accept("ln_f.weight", new int[]{C});
        add.accept("ln_f.bias", new int[]{C});
        return Collections.unmodifiableList(list);
    }

    @Override public GptConfig config() { return config; }
    /** The typed views of all parameters. */
    public Weights weights() { return pw; }
    /** The typed views of all gradients, laid out like {@link #weights()}. */
    public Weights gradients() { return gw; }

    /**
     * Forward pass. Fills {@link #losses()} with per-token losses (0 where the target is ignored).
     *
     * @return the mean loss over non-ignored targets (0 when there are none)
     */
    @Override
    public double forward(Batch batch) {
        return forward(batch, 0f, Reduction.MEAN, null);
    }

    /**
     * Forward pass, cross-entropy, and backward pass accumulating into the gradients.
     * {@code gradScale} scales d(loss)/d(logit) per target token: 1/targetCount gives the gradient of the mean loss;
     * with gradient accumulation pass 1/(targets in all micro-batches).
     *
     * @return the mean loss over this batch's non-ignored targets
     */
    @Override
    public double forwardBackward(Batch batch, float gradScale) {
        if (gradScale == 0f) throw new IllegalArgumentException("gradScale must be nonzero");
        double loss = forward(batch, gradScale, Reduction.MEAN, null);
        backward(batch);
        return loss;
    }

    /**
     * {@link #forwardBackward(Batch, float)} that adds the batch's summed per-token loss into the device scalar
     * {@code lossSum} instead of reading the mean back (cross-entropy without a reduction, then a sum on the device).
     */
    @Override
    public void forwardBackward(Batch batch, float gradScale, Tensor lossSum) {
        if (gradScale == 0f) throw new IllegalArgumentException("gradScale must be nonzero");
        OpChecks.scalar("lossSum", lossSum);
        forward(batch, gradScale, Reduction.NONE, lossSum);
        backward(batch);
    }

    /** Per-token losses [N] of the last forward pass (-log p(target); 0 where ignored). */
    @Override
    public Tensor losses() { return acts.losses.view(0, lastN); }

    /** The forward pass; with {@code lossSum} (not null) the summed loss goes there and NaN is returned. */
    private double forward(Batch batch, float dlogitsScale, Reduction reduction, Tensor lossSum) {
        int N = batch.size(), C = config.nEmbd(), NH = config.nHead(), HD = config.headDim();
        int V = config.vocabSize(), Vp = config.paddedVocabSize(), L = config.nLayer();
        checkBatch(batch);
        ensureActivations(N);
        lastN = N;
        Activations a = acts;
        float scale = attentionScale();
        int[] cu = batch.cuSeqlens();

        backend.embeddingForward(a.encoded, batch.tokens(), batch.positions(), pw.wte(), pw.wpe(), N, C);
        for (int l = 0; l < L; l++) {
            BlockActs la = a.layers[l];
            Tensor residual = l == 0 ? a.encoded : a.layers[l - 1].res3;
            block(la, residual, pw.blocks().get(l), N,
                    (out, lse, qkv) -> backend.attentionForward(out, lse, qkv, cu, N, NH, HD, scale));
        }
        int chunk = headLogits.begin(N, dlogitsScale != 0f);
        if (chunk > 0) {   // the head's forward and backward at once, chunk rows of logits at a time
            backend.layerNormForward(a.lnf, a.lnfMean, a.lnfRstd, a.layers[L - 1].res3, pw.lnfW(), pw.lnfB(), N, C, LN_EPS);
            return FusedHead.lossAndBackward(backend, headLogits.rows(chunk), a.losses, a.lnf, pw.wte(), a.dlnf, gw.wte(),
                    batch, C, V, Vp, chunk, dlogitsScale, lossSum);
        }
        Tensor logits = headLogits.rows(N);
        head(logits, a.lnf, a.lnfMean, a.lnfRstd, a.layers[L - 1].res3, N);
        double loss = backend.crossEntropy(a.losses, logits, batch.targets(), N, V, Vp, Batch.IGNORE, reduction, dlogitsScale);
        if (dlogitsScale != 0f) batch.weightRows(backend, logits, Vp);
        if (lossSum != null) backend.sumInto(lossSum, a.losses.view(0, N));   // ignored tokens' losses are 0
        return loss;
    }

    private float attentionScale() { return (float) (1.0 / Math.sqrt(config.headDim())); }

    /** Causal attention of a block: out [N, C] from qkv [N, 3C]; lse [N, NH] when training (null when decoding). */
    @FunctionalInterface
    private interface Attention {
        void apply(Tensor out, Tensor lse, Tensor qkv);
    }

    /**
     * One pre-LN transformer block, for training and decoding alike: {@code a.res3 = in + attn(ln1(in))} then
     * {@code + mlp(ln2(.))}, keeping in {@code a} what the backward pass reads. {@code a.res3} may be {@code in}.
     */
    private void block(BlockActs a, Tensor in, Block w, int N, Attention attention) {
        int C = config.nEmbd();
        Backend be = backend;
        be.layerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, in, w.ln1W(), w.ln1B(), N, C, LN_EPS);
        linear(a.qkv, a.ln1, w.qkvW(), w.qkvB(), N, C, 3 * C);                   // [N, 3C]
        attention.apply(a.atty, a.lse, a.qkv);                                  // [N, C]
        linear(a.attproj, a.atty, w.attnProjW(), w.attnProjB(), N, C, C);       // [N, C]
        be.add(a.res2, in, a.attproj, (long) N * C);                            // [N, C]
        be.layerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, w.ln2W(), w.ln2B(), N, C, LN_EPS);
        linear(a.fch, a.ln2, w.fcW(), w.fcB(), N, C, 4 * C);                    // [N, 4C]
        be.geluForward(a.fchGelu, a.fch, N * 4 * C);                            // [N, 4C]
        linear(a.fcproj, a.fchGelu, w.fcProjW(), w.fcProjB(), N, 4 * C, C);     // [N, C]
        be.add(a.res3, a.res2, a.fcproj, (long) N * C);                         // [N, C]
    }

    /** Final layer norm and tied LM head: logits [rows, Vp] = ln_f(x) @ wte^T. */
    private void head(Tensor logits, Tensor lnf, Tensor mean, Tensor rstd, Tensor x, int rows) {
        int C = config.nEmbd(), Vp = config.paddedVocabSize();
        backend.layerNormForward(lnf, mean, rstd, x, pw.lnfW(), pw.lnfB(), rows, C, LN_EPS);
        backend.matmul(logits, lnf, pw.wte(), 1, rows, Vp, C, false, true, 1f, 0f);
    }

    /** out [N, OC] = in [N, IC] @ W^T + b, W [OC, IC]. */
    private void linear(Tensor out, Tensor in, Tensor w, Tensor b, int N, int IC, int OC) {
        backend.matmul(out, in, w, 1, N, OC, IC, false, true, 1f, 0f);
        backend.addBias(out, b, N, OC);
    }

    /** Backward of {@link #linear}: accumulates dW, db; writes din (overwrites). */
    private void linearBackward(Tensor din, Tensor dout, Tensor in, Tensor w, Tensor dw, Tensor db, int N, int IC, int OC) {
        backend.matmul(dw, dout, in, 1, OC, IC, N, true, false, 1f, 1f);   // dW [OC, IC] += dout^T in
        backend.biasBackward(db, dout, N, OC);
        backend.matmul(din, dout, w, 1, N, IC, OC, false, false, 1f, 0f);  // din [N, IC] = dout W
    }

    private void backward(Batch batch) {
        int N = batch.size(), C = config.nEmbd(), NH = config.nHead(), HD = config.headDim();
        int Vp = config.paddedVocabSize(), L = config.nLayer();
        Activations a = acts;
        Backend be = backend;
        float scale = attentionScale();
        // Tied LM head: logits = lnf @ wte^T (already done, chunk by chunk, when the head is fused).
        if (!headLogits.fused()) {
            Tensor dlogits = headLogits.last(N);   // cross-entropy wrote the gradient in place
            be.matmul(a.dlnf, dlogits, pw.wte(), 1, N, C, Vp, false, false, 1f, 0f);     // dlnf [N, C]
            be.matmul(gw.wte(), dlogits, a.lnf, 1, Vp, C, N, true, false, 1f, 1f);       // dwte [Vp, C] +=
        }
        be.fill(a.dres, 0f);                                                              // dres [N, C]
        be.layerNormBackward(a.dres, gw.lnfW(), gw.lnfB(), a.dlnf, a.layers[L - 1].res3, pw.lnfW(), a.lnfMean,
                a.lnfRstd, N, C);
        for (int l = L - 1; l >= 0; l--) {
            BlockActs la = a.layers[l];
            Tensor residual = l == 0 ? a.encoded : a.layers[l - 1].res3;
            Block w = pw.blocks().get(l), dw = gw.blocks().get(l);
            // res3 = res2 + fcproj: dres flows to both.
            linearBackward(a.dfch, a.dres, la.fchGelu, w.fcProjW(), dw.fcProjW(), dw.fcProjB(), N, 4 * C, C);
            be.geluBackward(a.dfch, la.fch, a.dfch, N * 4 * C);                           // d(fch)
            linearBackward(a.dln, a.dfch, la.ln2, w.fcW(), dw.fcW(), dw.fcB(), N, C, 4 * C);
            be.layerNormBackward(a.dres, dw.ln2W(), dw.ln2B(), a.dln, la.res2, w.ln2W(), la.ln2Mean, la.ln2Rstd,
                    N, C);                                                                // dres = d(res2)
            // res2 = residual + attproj.
            linearBackward(a.datty, a.dres, la.atty, w.attnProjW(), dw.attnProjW(), dw.attnProjB(), N, C, C);
            be.attentionBackward(a.dqkv, a.datty, la.qkv, la.atty, la.lse, batch.cuSeqlens(), N, NH, HD, scale);
            linearBackward(a.dln, a.dqkv, la.ln1, w.qkvW(), dw.qkvW(), dw.qkvB(), N, C, 3 * C);
            be.layerNormBackward(a.dres, dw.ln1W(), dw.ln1B(), a.dln, residual, w.ln1W(), la.ln1Mean, la.ln1Rstd,
                    N, C);                                                                // dres = d(residual)
        }
        be.embeddingBackward(gw.wte(), gw.wpe(), a.dres, batch.tokens(), batch.positions(), N, C);
    }

    private void checkBatch(Batch b) {
        int V = config.vocabSize(), T = config.blockSize();
        int[] cu = b.cuSeqlens();
        for (int i = 1; i < cu.length; i++) {
            int len = cu[i] - cu[i - 1];
            if (len <= 0) throw new IllegalArgumentException("cuSeqlens must increase strictly: " + java.util.Arrays.toString(cu));
            if (len > T) {
                throw new IllegalArgumentException("document " + (i - 1) + " has T=" + len + " tokens, more than the block size " + T);
            }
        }
        int[] tok = b.tokens(), pos = b.positions(), tgt = b.targets();
        for (int i = 0; i < tok.length; i++) {
            if (tok[i] < 0 || tok[i] >= V) {
                throw new IllegalArgumentException("token id " + tok[i] + " at position " + i + " is outside the vocabulary [0, " + V + ")");
            }
            if (pos[i] < 0 || pos[i] >= T) {
                throw new IllegalArgumentException("position " + pos[i] + " at index " + i + " is outside the block size [0, " + T + ")");
            }
            if (tgt[i] != Batch.IGNORE && (tgt[i] < 0 || tgt[i] >= V)) {
                throw new IllegalArgumentException("target id " + tgt[i] + " at position " + i + " is outside the vocabulary [0, " + V + ")");
            }
        }
    }

    private void ensureActivations(int N) {
        if (acts != null && acts.N >= N) return;
        if (acts != null) acts.close();
        acts = new Activations(N);
    }

    /**
     * What one block computes, for N tokens. Training keeps one per layer for the backward pass; decoding shares one
     * set of views across layers with {@code res3} = the block's input (the residual stream updated in place).
     */
    private record BlockActs(Tensor ln1, Tensor ln1Mean, Tensor ln1Rstd,   // [N, C], [N], [N]
                             Tensor qkv,                                   // [N, 3C]
                             Tensor atty, Tensor lse,                      // [N, C], [N, NH] (null when decoding)
                             Tensor attproj, Tensor res2,                  // [N, C], [N, C]
                             Tensor ln2, Tensor ln2Mean, Tensor ln2Rstd,   // [N, C], [N], [N]
                             Tensor fch, Tensor fchGelu,                   // [N, 4C], [N, 4C]
                             Tensor fcproj, Tensor res3) {                 // [N, C], [N, C]
    }

    private BlockActs allocBlockActs(List<Tensor> owned, int N) {
        int C = config.nEmbd();
        // qkv, the attention output and the MLP hidden layers feed only products, attention and GELU: activation
        // storage (bf16 on CUDA in bf16 mode); the residual stream, the norms' outputs and the projections stay fp32
        return new BlockActs(alloc(owned, N, C), alloc(owned, N), alloc(owned, N),
                act(owned, N, 3 * C),
                act(owned, N, C), alloc(owned, N, config.nHead()),
                alloc(owned, N, C), alloc(owned, N, C),
                alloc(owned, N, C), alloc(owned, N), alloc(owned, N),
                act(owned, N, 4 * C), act(owned, N, 4 * C),
                alloc(owned, N, C), alloc(owned, N, C));
    }

    /** All forward activations plus the backward scratch buffers. */
    private final class Activations implements AutoCloseable {
        final int N;
        final List<Tensor> owned = new ArrayList<>();
        final Tensor encoded;                  // [N, C]
        final BlockActs[] layers;
        final Tensor lnf, lnfMean, lnfRstd;    // [N, C], [N], [N]
        final Tensor losses;                   // [N]
        final Tensor dres, dlnf, dln, datty;   // [N, C] each
        final Tensor dfch;                     // [N, 4C]
        final Tensor dqkv;                     // [N, 3C]

        Activations(int N) {
            this.N = N;
            int C = config.nEmbd();
            encoded = alloc(owned, N, C);
            layers = new BlockActs[config.nLayer()];
            for (int l = 0; l < layers.length; l++) layers[l] = allocBlockActs(owned, N);
            lnf = alloc(owned, N, C); lnfMean = alloc(owned, N); lnfRstd = alloc(owned, N);
            losses = alloc(owned, N);
            dres = alloc(owned, N, C); dlnf = alloc(owned, N, C); dln = alloc(owned, N, C); datty = alloc(owned, N, C);
            dfch = alloc(owned, N, 4 * C);
            dqkv = alloc(owned, N, 3 * C);
        }

        @Override
        public void close() {
            for (Tensor t : owned) t.close();
        }
    }

    @Override
    public void close() {
        if (acts != null) acts.close();
        closeParameters();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Incremental decoding with a KV cache (evaluation: rank scoring, greedy generation). Kept apart from training.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The keys and values of the tokens one sequence has decoded so far: per layer, k and v [blockSize, C].
     * Made by {@link #newCache()}, used only with the model that made it. {@link #truncate} rewinds it for free
     * (the rows past the new length are overwritten by the next {@link #decode}), so a shared prompt is decoded
     * once and each continuation decoded from it in turn.
     */
    public static final class KvCache extends LayerKvCache {
        private KvCache(Gpt owner, int capacity) {
            super(owner, owner.backend, owner.config.nLayer(), capacity, owner.config.nEmbd());
        }
    }

    /** A new, empty KV cache for this model (2 * nLayer * blockSize * nEmbd floats on the backend). */
    @Override
    public KvCache newCache() { return newCache(config.blockSize()); }

    /** A new, empty KV cache for up to {@code capacity} tokens (1 .. block size). */
    @Override
    public KvCache newCache(int capacity) {
        CausalLm.requireCapacity(this, capacity);
        return new KvCache(this, capacity);
    }

    /**
     * Runs n new tokens of one sequence at positions {@code cache.length() ..} through the model, appending their
     * keys and values to the cache. Decoding a sequence in one call or in pieces gives the logits of
     * {@link #forward} on the whole sequence (up to float rounding).
     *
     * @return logits [n, Vp], one row per new token (the distribution of the token after it); a view of a buffer
     *     that the next {@code decode} overwrites
     * @throws IllegalArgumentException on an empty {@code tokens}, a token id outside [0, V), a cache another model
     *     made, or when the cache would grow past the block size
     */
    @Override
    public Tensor decode(int[] tokens, LayerKvCache cache) {
        return decode(tokens, cache, false);
    }

    /** {@link #decode}, but computes the logits of the last new token only: [1, Vp] (saves the LM head on n-1 rows). */
    @Override
    public Tensor decodeLast(int[] tokens, LayerKvCache cache) {
        return decode(tokens, cache, true);
    }

    private Tensor decode(int[] tokens, LayerKvCache cache, boolean lastOnly) {
        checkDecode(tokens, cache);
        int n = tokens.length, start = cache.length();
        int C = config.nEmbd(), NH = config.nHead(), HD = config.headDim(), Vp = config.paddedVocabSize();
        DecodeActs d = cache.scratch() instanceof DecodeActs s && s.n >= n ? s : null;
        if (d == null) cache.scratch(d = new DecodeActs(n));   // sized for the largest n decoded with this cache
        float scale = attentionScale();
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = start + i;

        Tensor x = d.x.view(0, n, C), ln = d.ln.view(0, n, C), mean = d.mean.view(0, n), rstd = d.rstd.view(0, n);
        Tensor proj = d.proj.view(0, n, C);
        BlockActs a = new BlockActs(ln, mean, rstd, d.qkv.view(0, n, 3 * C), d.atty.view(0, n, C), null,
                proj, d.res2.view(0, n, C), ln, mean, rstd, d.fch.view(0, n, 4 * C), d.fchGelu.view(0, n, 4 * C),
                proj, x);
        backend.embeddingForward(x, tokens, pos, pw.wte(), pw.wpe(), n, C);               // residual [n, C]
        for (int l = 0; l < config.nLayer(); l++) {
            Tensor k = cache.keys(l), v = cache.values(l);
            block(a, x, pw.blocks().get(l), n,
                    (out, lse, qkv) -> backend.attentionDecode(out, qkv, k, v, start, n, NH, HD, scale));
        }
        cache.advance(n);
        int rows = lastOnly ? 1 : n;
        Tensor logits = d.logits.view(0, rows, Vp);
        head(logits, ln.view(0, rows, C), mean.view(0, rows), rstd.view(0, rows), x.view((long) (n - rows) * C, rows, C),
                rows);
        return logits;
    }

    private void checkDecode(int[] tokens, LayerKvCache cache) {
        CausalLm.requireOwnCache(this, cache);
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("tokens must hold at least one token, got "
                    + (tokens == null ? "null" : "an empty array"));
        }
        int V = config.vocabSize(), T = config.blockSize();
        if (cache.length() + tokens.length > cache.capacity()) {
            throw new IllegalArgumentException("decoding " + tokens.length + " tokens after the cache's " + cache.length()
                    + " would exceed " + (cache.capacity() == T ? "the block size " + T
                    : "the cache's capacity " + cache.capacity() + " (block size " + T + ")"));
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= V) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + V + ")");
            }
        }
    }

    /** Whether decodes with different caches may run at once: yes, they share only the (read) parameters. */
    @Override
    public boolean concurrentDecode() { return true; }

    /**
     * Decode scratch buffers for up to n tokens, shared by all layers, one set per cache; the residual stream x is
     * updated in place.
     */
    private final class DecodeActs implements AutoCloseable {
        final int n;
        final List<Tensor> owned = new ArrayList<>();
        final Tensor x, ln, atty, proj, res2;  // [n, C]
        final Tensor mean, rstd;            // [n]
        final Tensor qkv;                   // [n, 3C]
        final Tensor fch, fchGelu;          // [n, 4C]
        final Tensor logits;                // [n, Vp]

        DecodeActs(int n) {
            this.n = n;
            int C = config.nEmbd();
            x = alloc(owned, n, C); ln = alloc(owned, n, C); atty = alloc(owned, n, C); proj = alloc(owned, n, C);
            res2 = alloc(owned, n, C);
            mean = alloc(owned, n); rstd = alloc(owned, n);
            qkv = alloc(owned, n, 3 * C);
            fch = alloc(owned, n, 4 * C); fchGelu = alloc(owned, n, 4 * C);
            logits = alloc(owned, n, config.paddedVocabSize());
        }

        @Override
        public void close() { for (Tensor t : owned) t.close(); }
    }
}
