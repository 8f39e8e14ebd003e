package dev.flan4j.model.llama;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.OpChecks;
import dev.flan4j.backend.Reduction;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.FlatParameterModel;
import dev.flan4j.model.FusedHead;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.LayerKvCache;
import dev.flan4j.model.Param;
import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A Llama-family decoder (Llama 2/3, SmolLM2, Qwen2) with forward and backward written by hand against
 * {@link Backend}, like {@link Gpt}: pre-norm blocks {@code x += o(attn(rope(qkv(rms(x)))))},
 * {@code x += down(silu(gate(rms(x))) * up(rms(x)))}, final RMSNorm and a tied or untied LM head.
 *
 * <p>Parameters live in one allocation, gradients in another, each sliced into views named as in Hugging Face's
 * {@code state_dict} ({@code model.layers.0.self_attn.q_proj.weight}, ...) and, once, into typed {@link Weights}.
 * Linear weights are [out, in] as in {@code nn.Linear}. Within a layer q, k, v are adjacent (so they form one
 * [NH*HD + 2*KV*HD, C] matrix), as are gate and up ([2I, C]).
 *
 * <p>Grouped-query attention runs on the backend's multi-head attention: the key and value rows of each KV head are
 * repeated for its {@code NH / KV} query heads into a scratch [3*NH*HD, C] projection (transformers' {@code repeat_kv}
 * order: query head j uses KV head j / (NH / KV)), and the backward sums the repeated rows' gradients back. This costs
 * one larger q/k/v GEMM (3*NH*HD instead of (NH + 2*KV)*HD outputs) and a KV cache of NH heads; with KV = NH nothing is
 * copied.
 *
 * <p>One of the {@link CausalLm} families. Not thread-safe: one model, one caller.
 */
public final class Llama extends FlatParameterModel {
    /** One block's tensors (parameters, or their gradients); biases are null where the config has none. */
    public record Block(Tensor inputNorm, Tensor qkvW, Tensor qkvB, Tensor oW, Tensor oB, Tensor postNorm,
                        Tensor gateUpW, Tensor downW) {}

    /** Every tensor of the model, typed; {@code head} is {@code embed} when the head is tied. */
    public record Weights(Tensor embed, List<Block> blocks, Tensor norm, Tensor head) {}

    /** The Hugging Face names ({@code state_dict} keys). */
    public static final String EMBED = "model.embed_tokens.weight", NORM = "model.norm.weight", HEAD = "lm_head.weight";

    /** The prefix of layer l's names. */
    public static String layer(int l) { return "model.layers." + l + "."; }

    private final LlamaConfig config;
    private final Weights pw, gw;
    private final Tensor ropeCos, ropeSin;          // [T, HD/2]
    private final Tensor zeroPos, dZeroPos;         // [1, C]: the position table embeddingForward adds (zeros)
    private final Tensor wExp, bExp, dwExp, dbExp;  // GQA scratch [3QD, C], [3QD] (null when KV = NH)
    private Activations acts;

    /** A model with zero parameters (to load weights into). */
    public Llama(LlamaConfig config, Backend backend) {
        super(backend, layout(config), config.paddedVocabSize());
        this.config = config;
        this.pw = weights(paramViews(), paramData);
        this.gw = weights(gradViews(), gradData);
        int T = config.blockSize(), half = config.headDim() / 2, C = config.nEmbd();
        float[] inv = config.inverseFrequencies(), cos = new float[T * half], sin = new float[T * half];
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < half; j++) {
                float angle = (float) t * inv[j];   // float32, as transformers computes position * inv_freq
                cos[t * half + j] = (float) Math.cos(angle);
                sin[t * half + j] = (float) Math.sin(angle);
            }
        }
        this.ropeCos = backend.fromArray(cos, T, half);
        this.ropeSin = backend.fromArray(sin, T, half);
        this.zeroPos = backend.zeros(1, C);
        this.dZeroPos = backend.zeros(1, C);
        boolean gqa = config.nKvHead() != config.nHead();
        int q3 = 3 * config.qDim();
        this.wExp = gqa ? backend.zeros(q3, C) : null;
        this.dwExp = gqa ? backend.zeros(q3, C) : null;
        this.bExp = gqa && config.qkvBias() ? backend.zeros(q3) : null;
        this.dbExp = gqa && config.qkvBias() ? backend.zeros(q3) : null;
    }

    /** A model initialised like transformers' {@code _init_weights}: N(0, 0.02) weights, unit norms, zero biases. */
    public static Llama initialized(LlamaConfig config, Backend backend, long seed) {
        Llama m = new Llama(config, backend);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] all = new float[Math.toIntExact(m.numParams)];
        for (Param q : m.params) {
            int off = (int) q.offset(), n = (int) q.size();
            if (q.name().endsWith("norm.weight")) Arrays.fill(all, off, off + n, 1f);
            else if (q.decay()) for (int i = 0; i < n; i++) all[off + i] = (float) (rng.nextGaussian() * 0.02);
        }
        m.loadParameters(all);
        m.zeroPaddedRows();
        return m;
    }

    /** The parameters of a config, in storage order, with their Hugging Face names. */
    public static List<Param> layout(LlamaConfig c) {
        int C = c.nEmbd(), Vp = c.paddedVocabSize(), QD = c.qDim(), KVD = c.kvDim(), I = c.intermediateSize();
        List<Param> list = new ArrayList<>();
        long[] off = {0};
        java.util.function.BiConsumer<String, int[]> add = (name, shape) -> {
            list.add(new Param(name, shape, shape.length == 2, off[0]));
            off[0] += Shapes.size(shape);
        };
        add.accept(EMBED, new int[]{Vp, C});
        for (int l = 0; l < c.nLayer(); l++) {
            String h = layer(l);
            add.accept(h + "input_layernorm.weight", new int[]{C});
            add.accept(h + "self_attn.q_proj.weight", new int[]{QD, C});    // q, k, v adjacent: one [QD + 2KVD, C]
            add.accept(h + "self_attn.k_proj.weight", new int[]{KVD, C});
            add.accept(h + "self_attn.v_proj.weight", new int[]{KVD, C});
            if (c.qkvBias()) {
                add.accept(h + "self_attn.q_proj.bias", new int[]{QD});
                add.accept(h + "self_attn.k_proj.bias", new int[]{KVD});
                add.accept(h + "self_attn.v_proj.bias", new int[]{KVD});
            }
            add.accept(h + "self_attn.o_proj.weight", new int[]{C, QD});
            if (c.oBias()) add.accept(h + "self_attn.o_proj.bias", new int[]{C});
            add.accept(h + "post_attention_layernorm.weight", new int[]{C});
            add.accept(h + "mlp.gate_proj.weight", new int[]{I, C});           // gate, up adjacent: one [2I, C]
            add.accept(h + "mlp.up_proj.weight", new int[]{I, C});
            add.accept(h + "mlp.down_proj.weight", new int[]{C, I});
        }
        add.accept(NORM, new int[]{C});
        if (!c.tieWordEmbeddings()) add.accept(HEAD, new int[]{Vp, C});
        return Collections.unmodifiableList(list);
    }

    /** Typed views of the named views {@code t} of the flat tensor {@code all} (parameters or gradients). */
    private Weights weights(Map<String, Tensor> t, Tensor all) {
        LlamaConfig c = config;
        int C = c.nEmbd(), QD = c.qDim(), KVD = c.kvDim(), I = c.intermediateSize();
        List<Block> blocks = new ArrayList<>();
        for (int l = 0; l < c.nLayer(); l++) {
            String h = layer(l);
            Tensor qkvW = all.view(offset(h + "self_attn.q_proj.weight"), QD + 2 * KVD, C);
            Tensor qkvB = c.qkvBias() ? all.view(offset(h + "self_attn.q_proj.bias"), QD + 2 * KVD) : null;
            blocks.add(new Block(t.get(h + "input_layernorm.weight"), qkvW, qkvB, t.get(h + "self_attn.o_proj.weight"),
                    c.oBias() ? t.get(h + "self_attn.o_proj.bias") : null, t.get(h + "post_attention_layernorm.weight"),
                    all.view(offset(h + "mlp.gate_proj.weight"), 2 * I, C), t.get(h + "mlp.down_proj.weight")));
        }
        Tensor embed = t.get(EMBED);
        return new Weights(embed, List.copyOf(blocks), t.get(NORM), c.tieWordEmbeddings() ? embed : t.get(HEAD));
    }

    private long offset(String name) {
        for (Param q : params) if (q.name().equals(name)) return q.offset();
        throw new IllegalStateException("no parameter " + name);
    }

    @Override public LlamaConfig config() { return config; }
    /** The typed views of all parameters. */
    public Weights weights() { return pw; }
    /** The typed views of all gradients. */
    public Weights gradients() { return gw; }

    /** Sets the padded vocabulary rows (V..Vp) of the embedding and of an untied head to zero. */
    public void zeroPaddedRows() {
        int V = config.vocabSize(), Vp = config.paddedVocabSize(), C = config.nEmbd();
        if (Vp == V) return;
        backend.fill(pw.embed().view((long) V * C, Vp - V, C), 0f);
        if (!config.tieWordEmbeddings()) backend.fill(pw.head().view((long) V * C, Vp - V, C), 0f);
    }

    /** Forward pass; fills {@link #losses()} and {@link #logits()}. @return the mean loss over non-ignored targets */
    @Override
    public double forward(Batch batch) { return forward(batch, 0f, null); }

    /**
     * Forward, cross-entropy and backward, accumulating into the gradients; {@code gradScale} scales d(loss)/d(logit)
     * per target (1/targetCount: the gradient of the mean loss). @return the mean loss
     */
    @Override
    public double forwardBackward(Batch batch, float gradScale) {
        if (gradScale == 0f) throw new IllegalArgumentException("gradScale must be nonzero");
        double loss = forward(batch, gradScale, null);
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
        forward(batch, gradScale, lossSum);
        backward(batch);
    }

    /** Per-token losses [N] of the last forward pass. */
    @Override
    public Tensor losses() { return acts.losses.view(0, lastN); }

    /** The residual stream after block {@code l} of the last forward pass [N, C] (the input of block l+1). */
    public Tensor blockOutput(int l) { return acts.layers[l].res3().view(0, lastN, config.nEmbd()); }

    /** The final RMSNorm's output of the last forward pass [N, C]. */
    public Tensor finalNorm() { return acts.xf.view(0, lastN, config.nEmbd()); }

    private float attentionScale() { return (float) (1.0 / Math.sqrt(config.headDim())); }

    /** The forward pass; with {@code lossSum} (not null) the summed loss goes there and NaN is returned. */
    private double forward(Batch batch, float dlogitsScale, Tensor lossSum) {
        int N = batch.size(), C = config.nEmbd(), V = config.vocabSize(), Vp = config.paddedVocabSize();
        int NH = config.nHead(), HD = config.headDim(), L = config.nLayer();
        checkBatch(batch);
        ensureActivations(N);
        lastN = N;
        Activations a = acts;
        float scale = attentionScale();
        int[] cu = batch.cuSeqlens();
        backend.embeddingForward(a.encoded, batch.tokens(), a.zeros, pw.embed(), zeroPos, N, C);
        for (int l = 0; l < L; l++) {
            Tensor in = l == 0 ? a.encoded : a.layers[l - 1].res3();
            block(a.layers[l], in, pw.blocks().get(l), N, batch.positions(),
                    (out, lse, qkv) -> backend.attentionForward(out, lse, qkv, cu, N, NH, HD, scale));
        }
        int chunk = headLogits.begin(N, dlogitsScale != 0f);
        if (chunk > 0) {   // the head's forward and backward at once, chunk rows of logits at a time
            backend.rmsNormForward(a.xf, a.rstdf, a.layers[L - 1].res3(), pw.norm(), N, C, (float) config.rmsNormEps());
            return FusedHead.lossAndBackward(backend, headLogits.rows(chunk), a.losses, a.xf, pw.head(), a.dxf, gw.head(),
                    batch, C, V, Vp, chunk, dlogitsScale, lossSum);
        }
        Tensor logits = headLogits.rows(N);
        head(logits, a.xf, a.rstdf, a.layers[L - 1].res3(), N);
        Reduction reduction = lossSum != null ? Reduction.NONE : Reduction.MEAN;
        double loss = backend.crossEntropy(a.losses, logits, batch.targets(), N, V, Vp, Batch.IGNORE, reduction, dlogitsScale);
        if (dlogitsScale != 0f) batch.weightRows(backend, logits, Vp);
        if (lossSum != null) backend.sumInto(lossSum, a.losses.view(0, N));   // ignored tokens' losses are 0
        return loss;
    }

    @FunctionalInterface
    private interface Attention {
        void apply(Tensor out, Tensor lse, Tensor qkv);
    }

    /** What one block computes for N tokens (one per layer when training; shared views when decoding). */
    private record BlockActs(Tensor h1, Tensor rstd1,        // [N, C], [N]
                             Tensor qkv,                     // [N, 3QD] (after RoPE)
                             Tensor atty, Tensor lse,        // [N, QD], [N, NH] (null when decoding)
                             Tensor attproj, Tensor res2,    // [N, C], [N, C]
                             Tensor h2, Tensor rstd2,        // [N, C], [N]
                             Tensor gateUp, Tensor act,      // [N, 2I], [N, I]
                             Tensor mlp, Tensor res3) {      // [N, C], [N, C]
    }

    /**
     * One block for training and decoding alike; {@code a.res3} may be {@code in} (decoding updates the residual
     * stream in place).
     */
    private void block(BlockActs a, Tensor in, Block w, int N, int[] positions, Attention attention) {
        LlamaConfig c = config;
        int C = c.nEmbd(), QD = c.qDim(), I = c.intermediateSize();
        float eps = (float) c.rmsNormEps();
        Backend be = backend;
        be.rmsNormForward(a.h1(), a.rstd1(), in, w.inputNorm(), N, C, eps);
        Tensor[] wb = expandedQkv(w);
        be.matmul(a.qkv(), a.h1(), wb[0], 1, N, 3 * QD, C, false, true, 1f, 0f);      // [N, 3QD]
        if (wb[1] != null) be.addBias(a.qkv(), wb[1], N, 3 * QD);
        be.ropeForward(a.qkv(), ropeCos, ropeSin, positions, N, 3 * QD, 2 * c.nHead(), c.headDim());
        attention.apply(a.atty(), a.lse(), a.qkv());                                    // [N, QD]
        be.matmul(a.attproj(), a.atty(), w.oW(), 1, N, C, QD, false, true, 1f, 0f);    // [N, C]
        if (w.oB() != null) be.addBias(a.attproj(), w.oB(), N, C);
        be.add(a.res2(), in, a.attproj(), (long) N * C);
        be.rmsNormForward(a.h2(), a.rstd2(), a.res2(), w.postNorm(), N, C, eps);
        be.matmul(a.gateUp(), a.h2(), w.gateUpW(), 1, N, 2 * I, C, false, true, 1f, 0f); // [N, 2I]
        be.swigluForward(a.act(), a.gateUp(), N, I);                                    // [N, I]
        be.matmul(a.mlp(), a.act(), w.downW(), 1, N, C, I, false, true, 1f, 0f);       // [N, C]
        be.add(a.res3(), a.res2(), a.mlp(), (long) N * C);
    }

    /**
     * The q/k/v projection with every KV head's rows repeated for its query heads: {weight [3QD, C], bias [3QD] or
     * null}. Without GQA the parameters themselves; with GQA copies into scratch (rebuilt on every call, since the
     * weights change between steps).
     */
    private Tensor[] expandedQkv(Block w) {
        if (wExp == null) return new Tensor[]{w.qkvW(), w.qkvB()};
        int C = config.nEmbd();
        forEachExpandedRowBlock((dst, src, rows) -> {
            backend.copy(wExp.view(dst * C, rows, C), w.qkvW().view(src * C, rows, C));
            if (bExp != null) backend.copy(bExp.view(dst, rows), w.qkvB().view(src, rows));
        });
        return new Tensor[]{wExp, bExp};
    }

    /** Adds the expanded projection's gradients (dwExp, dbExp) into the real q/k/v gradients (repeated rows summed). */
    private void foldExpandedGradients(Block dw) {
        int C = config.nEmbd();
        forEachExpandedRowBlock((dst, src, rows) -> {
            Tensor gW = dw.qkvW().view(src * C, rows, C);
            backend.add(gW, gW, dwExp.view(dst * C, rows, C), (long) rows * C);
            if (dbExp != null) {
                Tensor gB = dw.qkvB().view(src, rows);
                backend.add(gB, gB, dbExp.view(dst, rows), rows);
            }
        });
    }

    @FunctionalInterface
    private interface RowBlock {
        void apply(long dstRow, long srcRow, int rows);
    }

    /** The row blocks of the expanded [3QD] projection and their source rows in the real [QD + 2KVD] one. */
    private void forEachExpandedRowBlock(RowBlock f) {
        int QD = config.qDim(), KVD = config.kvDim(), HD = config.headDim(), group = config.groupSize();
        f.apply(0, 0, QD);
        for (int h = 0; h < config.nHead(); h++) {
            int kv = h / group;
            f.apply(QD + (long) h * HD, QD + (long) kv * HD, HD);                          // k of query head h
            f.apply(2L * QD + (long) h * HD, QD + KVD + (long) kv * HD, HD);               // v of query head h
        }
    }

    /** Final RMSNorm and LM head: logits [rows, Vp] = norm(x) @ head^T. */
    private void head(Tensor logits, Tensor xf, Tensor rstd, Tensor x, int rows) {
        int C = config.nEmbd(), Vp = config.paddedVocabSize();
        backend.rmsNormForward(xf, rstd, x, pw.norm(), rows, C, (float) config.rmsNormEps());
        backend.matmul(logits, xf, pw.head(), 1, rows, Vp, C, false, true, 1f, 0f);
    }

    private void backward(Batch batch) {
        LlamaConfig c = config;
        int N = batch.size(), C = c.nEmbd(), Vp = c.paddedVocabSize(), L = c.nLayer();
        int NH = c.nHead(), HD = c.headDim(), QD = c.qDim(), I = c.intermediateSize();
        Activations a = acts;
        Backend be = backend;
        float scale = attentionScale();
        int[] pos = batch.positions();
        if (!headLogits.fused()) {   // the fused head did this chunk by chunk
            Tensor dlogits = headLogits.last(N);   // cross-entropy wrote the gradient in place
            be.matmul(a.dxf, dlogits, pw.head(), 1, N, C, Vp, false, false, 1f, 0f);    // dxf [N, C]
            be.matmul(gw.head(), dlogits, a.xf, 1, Vp, C, N, true, false, 1f, 1f);      // dhead [Vp, C] +=
        }
        be.fill(a.dres, 0f);
        be.rmsNormBackward(a.dres, gw.norm(), a.dxf, a.layers[L - 1].res3(), pw.norm(), a.rstdf, N, C);
        for (int l = L - 1; l >= 0; l--) {
            BlockActs la = a.layers[l];
            Tensor in = l == 0 ? a.encoded : a.layers[l - 1].res3();
            Block w = pw.blocks().get(l), dw = gw.blocks().get(l);
            // res3 = res2 + down(act)
            be.matmul(dw.downW(), a.dres, la.act(), 1, C, I, N, true, false, 1f, 1f);   // ddown [C, I] +=
            be.matmul(a.dact, a.dres, w.downW(), 1, N, I, C, false, false, 1f, 0f);     // dact [N, I]
            be.swigluBackward(a.dgateUp, a.dact, la.gateUp(), N, I);                     // [N, 2I]
            be.matmul(dw.gateUpW(), a.dgateUp, la.h2(), 1, 2 * I, C, N, true, false, 1f, 1f);
            be.matmul(a.dh, a.dgateUp, w.gateUpW(), 1, N, C, 2 * I, false, false, 1f, 0f);
            be.rmsNormBackward(a.dres, dw.postNorm(), a.dh, la.res2(), w.postNorm(), la.rstd2(), N, C);
            // res2 = in + o(atty)
            be.matmul(dw.oW(), a.dres, la.atty(), 1, C, QD, N, true, false, 1f, 1f);     // do [C, QD] +=
            if (dw.oB() != null) be.biasBackward(dw.oB(), a.dres, N, C);
            be.matmul(a.datty, a.dres, w.oW(), 1, N, QD, C, false, false, 1f, 0f);       // datty [N, QD]
            be.attentionBackward(a.dqkv, a.datty, la.qkv(), la.atty(), la.lse(), batch.cuSeqlens(), N, NH, HD, scale);
            be.ropeBackward(a.dqkv, ropeCos, ropeSin, pos, N, 3 * QD, 2 * NH, HD);
            Tensor[] wb = expandedQkv(w);
            if (dwExp == null) {
                be.matmul(dw.qkvW(), a.dqkv, la.h1(), 1, 3 * QD, C, N, true, false, 1f, 1f);
                if (dw.qkvB() != null) be.biasBackward(dw.qkvB(), a.dqkv, N, 3 * QD);
            } else {
                be.matmul(dwExp, a.dqkv, la.h1(), 1, 3 * QD, C, N, true, false, 1f, 0f);
                if (dbExp != null) {
                    be.fill(dbExp, 0f);
                    be.biasBackward(dbExp, a.dqkv, N, 3 * QD);
                }
                foldExpandedGradients(dw);
            }
            be.matmul(a.dh, a.dqkv, wb[0], 1, N, C, 3 * QD, false, false, 1f, 0f);       // dh1 [N, C]
            be.rmsNormBackward(a.dres, dw.inputNorm(), a.dh, in, w.inputNorm(), la.rstd1(), N, C);
        }
        be.embeddingBackward(gw.embed(), dZeroPos, a.dres, batch.tokens(), a.zeros, N, C);
    }

    private void checkBatch(Batch b) {
        int V = config.vocabSize(), T = config.blockSize();
        int[] cu = b.cuSeqlens();
        for (int i = 1; i < cu.length; i++) {
            int len = cu[i] - cu[i - 1];
            if (len <= 0) throw new IllegalArgumentException("cuSeqlens must increase strictly: " + Arrays.toString(cu));
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

    /** qkv, the attention output, gate/up and the SwiGLU output in activation storage (bf16 on CUDA in bf16 mode). */
    private BlockActs allocBlockActs(List<Tensor> o, int N) {
        int C = config.nEmbd(), QD = config.qDim(), I = config.intermediateSize();
        return new BlockActs(alloc(o, N, C), alloc(o, N), act(o, N, 3 * QD), act(o, N, QD), alloc(o, N, config.nHead()),
                alloc(o, N, C), alloc(o, N, C), alloc(o, N, C), alloc(o, N), act(o, N, 2 * I), act(o, N, I),
                alloc(o, N, C), alloc(o, N, C));
    }

    /** Forward activations of every layer plus the backward's scratch, for up to N tokens. */
    private final class Activations implements AutoCloseable {
        final int N;
        final List<Tensor> owned = new ArrayList<>();
        final int[] zeros;                         // [N] position ids of the zero position table
        final Tensor encoded, xf, rstdf, losses;
        final BlockActs[] layers;
        final Tensor dres, dxf, dh, datty, dqkv, dgateUp, dact;

        Activations(int N) {
            this.N = N;
            int C = config.nEmbd(), QD = config.qDim(), I = config.intermediateSize();
            zeros = new int[N];
            encoded = alloc(owned, N, C);
            layers = new BlockActs[config.nLayer()];
            for (int l = 0; l < layers.length; l++) layers[l] = allocBlockActs(owned, N);
            xf = alloc(owned, N, C); rstdf = alloc(owned, N);
            losses = alloc(owned, N);
            dres = alloc(owned, N, C); dxf = alloc(owned, N, C); dh = alloc(owned, N, C);
            datty = alloc(owned, N, QD); dqkv = alloc(owned, N, 3 * QD);
            dgateUp = alloc(owned, N, 2 * I); dact = alloc(owned, N, I);
        }

        @Override
        public void close() { for (Tensor t : owned) t.close(); }
    }

    @Override
    public void close() {
        if (acts != null) acts.close();
        closeParameters();
        for (Tensor t : new Tensor[]{ropeCos, ropeSin, zeroPos, dZeroPos, wExp, bExp, dwExp, dbExp}) {
            if (t != null) t.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Incremental decoding with a KV cache (evaluation), through the same block function.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The keys and values one sequence has decoded so far: per layer k and v [blockSize, NH*HD] (GQA heads repeated).
     * {@link #truncate} rewinds it for free, as {@link Gpt.KvCache} does.
     */
    public static final class KvCache extends LayerKvCache {
        private KvCache(Llama owner, int capacity) {
            super(owner, owner.backend, owner.config.nLayer(), capacity, owner.config.qDim());
        }
    }

    /** A new, empty KV cache (2 * nLayer * blockSize * NH * HD floats on the backend). */
    @Override
    public KvCache newCache() { return newCache(config.blockSize()); }

    /** A new, empty KV cache for up to {@code capacity} tokens (1 .. block size). */
    @Override
    public KvCache newCache(int capacity) {
        CausalLm.requireCapacity(this, capacity);
        return new KvCache(this, capacity);
    }

    /**
     * Runs n new tokens of one sequence at positions {@code cache.length() ..}, appending their keys and values.
     * @return logits [n, Vp] (a view of a buffer the next decode overwrites)
     */
    @Override
    public Tensor decode(int[] tokens, LayerKvCache cache) { return decode(tokens, cache, false); }

    /** {@link #decode}, but only the last new token's logits [1, Vp]. */
    @Override
    public Tensor decodeLast(int[] tokens, LayerKvCache cache) { return decode(tokens, cache, true); }

    private Tensor decode(int[] tokens, LayerKvCache cache, boolean lastOnly) {
        checkDecode(tokens, cache);
        int n = tokens.length, start = cache.length();
        int C = config.nEmbd(), NH = config.nHead(), HD = config.headDim(), Vp = config.paddedVocabSize();
        DecodeActs dacts = cache.scratch() instanceof DecodeActs s && s.n >= n ? s : null;
        if (dacts == null) cache.scratch(dacts = new DecodeActs(n));   // one set per cache, for its largest n
        float scale = attentionScale();
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = start + i;
        BlockActs a = dacts.views(n);
        Tensor x = a.res3();
        backend.embeddingForward(x, tokens, new int[n], pw.embed(), zeroPos, n, C);
        for (int l = 0; l < config.nLayer(); l++) {
            Tensor k = cache.keys(l), v = cache.values(l);
            block(a, x, pw.blocks().get(l), n, pos,
                    (out, lse, qkv) -> backend.attentionDecode(out, qkv, k, v, start, n, NH, HD, scale));
        }
        cache.advance(n);
        int rows = lastOnly ? 1 : n;
        Tensor logits = dacts.logits.view(0, rows, Vp);
        head(logits, a.h1().view(0, rows, C), a.rstd1().view(0, rows), x.view((long) (n - rows) * C, rows, C), rows);
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

    /**
     * Whether decodes with different caches may run at once: only without grouped-query attention, whose expanded
     * q/k/v projection is one scratch buffer of the model, rewritten per layer.
     */
    @Override
    public boolean concurrentDecode() { return wExp == null; }

    /** Decode scratch for up to n tokens, shared by all layers, one set per cache; the residual stream is updated in place. */
    private final class DecodeActs implements AutoCloseable {
        final int n;
        final List<Tensor> owned = new ArrayList<>();
        final Tensor x, h, rstd, qkv, atty, proj, res2, gateUp, act, logits;

        DecodeActs(int n) {
            this.n = n;
            int C = config.nEmbd(), QD = config.qDim(), I = config.intermediateSize();
            x = alloc(owned, n, C); h = alloc(owned, n, C); rstd = alloc(owned, n);
            qkv = alloc(owned, n, 3 * QD); atty = alloc(owned, n, QD); proj = alloc(owned, n, C); res2 = alloc(owned, n, C);
            gateUp = alloc(owned, n, 2 * I); act = alloc(owned, n, I);
            logits = alloc(owned, n, config.paddedVocabSize());
        }

        @Override
        public void close() { for (Tensor t : owned) t.close(); }

        BlockActs views(int m) {
            int C = config.nEmbd(), QD = config.qDim(), I = config.intermediateSize();
            Tensor hv = h.view(0, m, C), rv = rstd.view(0, m), pv = proj.view(0, m, C);
            return new BlockActs(hv, rv, qkv.view(0, m, 3 * QD), atty.view(0, m, QD), null, pv, res2.view(0, m, C),
                    hv, rv, gateUp.view(0, m, 2 * I), act.view(0, m, I), pv, x.view(0, m, C));
        }
    }
}
