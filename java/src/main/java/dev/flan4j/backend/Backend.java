package dev.flan4j.backend;

import dev.flan4j.tensor.Tensor;

/**
 * The ops the GPT model and the trainer need, on one device. All tensors are fp32, row-major and contiguous;
 * lower-precision compute (bf16 on the GPU, {@link #precision()}) is an implementation detail of a backend that still
 * accumulates in fp32.
 *
 * <p>Dimension names: N tokens (B*T flattened), C channels, NH heads, HD head dim (C = NH*HD), V vocab, Vp padded vocab.
 * Ops named {@code ...Backward} accumulate ({@code +=}) into parameter gradients and into {@code dx} where
 * documented, so gradient accumulation over micro-batches needs no extra copies.
 *
 * <p>Packed rows: attention takes {@code cuSeqlens}, the start offsets of the documents in the flattened token stream
 * ({@code cuSeqlens[0] = 0}, last entry = N, strictly increasing). Attention is causal inside each document and
 * never crosses a boundary; a plain batch of B rows of T tokens is {@code cuSeqlens = [0, T, 2T, ..., B*T]}.
 *
 * <p>Implementations extend {@link AbstractBackend}, which checks every op's arguments once (sizes, ids, cu_seqlens,
 * scalars) and then calls the backend's compute method, so every backend rejects bad input with the same
 * {@link IllegalArgumentException} and message.
 */
public interface Backend extends AutoCloseable {

    /** "cpu" or "cuda". */
    String name();

    /** A human-readable description of the device, e.g. "CPU, 2 threads, OpenBLAS". */
    String device();

    /**
     * What the ops compute in ({@link Precision}); tensors are fp32 whatever it is, except {@link #activations} on a
     * backend that stores them in bf16. FP32 unless a backend says so.
     */
    default Precision precision() { return Precision.FP32; }

    /** A new zero-filled tensor. */
    Tensor zeros(int... shape);

    /**
     * A zero tensor for activations that products, attention and the elementwise ops read and write (a model's q/k/v,
     * attention output and MLP hidden layers). fp32 on the CPU; CUDA in bf16 mode stores it in bf16, halving its
     * memory and traffic (the ops read bf16 and compute in fp32). {@link #toArray} widens it exactly, {@link #copy}
     * converts; an op that takes fp32 only refuses it, naming the argument. Default: {@link #zeros}.
     */
    default Tensor activations(int... shape) { return zeros(shape); }

    /** A new tensor holding a copy of {@code data}. */
    Tensor fromArray(float[] data, int... shape);

    /** A copy of the tensor's elements on the host. */
    float[] toArray(Tensor t);

    /** Copies {@code src} into {@code dst} (same size). */
    void copy(Tensor dst, Tensor src);

    /** Sets every element of {@code t} to {@code value}. */
    void fill(Tensor t, float value);

    /** Waits until all queued work is done (a no-op on the CPU). */
    default void synchronize() {}

    /**
     * Tells the backend that {@code weights} (an allocation of this backend, e.g. a model's flat parameters) is read by
     * many ops between writes, as weights are between optimizer steps. The backend may keep a converted copy of it for
     * as long as the tensor's {@linkplain Tensor#version() version} stays the same: in bf16 mode, CUDA keeps one bf16
     * copy (2 bytes per element, freed once the allocation is closed) that the products reading any view of it use instead of
     * casting the operand on every call. Results are the same as without it (the same cast, done once per write).
     * Default: nothing; marking an allocation twice is harmless.
     */
    default void markWeights(Tensor weights) {}

    /**
     * Batched GEMM, row-major: for each b in [0, batch): {@code out[b] = alpha * op(a[b]) @ op(bm[b]) + beta * out[b]},
     * where op(a[b]) is [m, k] ({@code a[b]} is [k, m] when transA), op(bm[b]) is [k, n] ({@code bm[b]} is [n, k] when
     * transB) and out[b] is [m, n]. Consecutive batch entries are contiguous. Accumulates in fp32.
     */
    void matmul(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                boolean transA, boolean transB, float alpha, float beta);

    /** {@code out[r, c] += bias[c]} for out [rows, cols]. */
    void addBias(Tensor out, Tensor bias, int rows, int cols);

    /** {@code dbias[c] += sum_r dout[r, c]}. */
    void biasBackward(Tensor dbias, Tensor dout, int rows, int cols);

    /** Layer norm over the last dimension: out [N, C]; mean, rstd [N] are saved for the backward pass. */
    void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias,
                          int N, int C, float eps);

    /** Accumulates dx [N, C], dweight [C], dbias [C] from dout [N, C]. */
    void layerNormBackward(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                           Tensor mean, Tensor rstd, int N, int C);

    /**
     * Causal self-attention over packed documents. qkv [N, 3C] holds q, k, v side by side, each [NH, HD] per token;
     * out [N, C] ([NH, HD] per token); lse [N, NH] receives the softmax log-sum-exp per query (for the backward).
     * {@code scale} multiplies q.k (usually 1/sqrt(HD)).
     */
    void attentionForward(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale);

    /** Writes dqkv [N, 3C] (overwrites) from dout [N, C], using the forward's qkv, out and lse. */
    void attentionBackward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens,
                           int N, int NH, int HD, float scale);

    /** GELU, tanh approximation: {@code out = gelu(x)} for n elements. */
    void geluForward(Tensor out, Tensor x, int n);

    /** {@code dx = gelu'(x) * dout} (overwrites dx; dx may be dout itself). */
    void geluBackward(Tensor dx, Tensor x, Tensor dout, int n);

    /** out [N, C] = wte[tokens[i]] + wpe[positions[i]]. Token ids must be in [0, vocab rows of wte). */
    void embeddingForward(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N, int C);

    /** Accumulates dwte[tokens[i]] += dout[i] and dwpe[positions[i]] += dout[i]. */
    void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N, int C);

    /** {@code out = a + b} elementwise over n elements (out may alias a or b). */
    void add(Tensor out, Tensor a, Tensor b, long n);

    /** {@code t *= s} over all elements. */
    void scale(Tensor t, float s);

    /**
     * Cross-entropy of logits [N, Vp] whose first V columns are real. Rows whose target equals
     * {@code ignoreIndex} get loss 0 and zero gradient. {@code losses} [N] receives the per-token loss
     * (-log p(target)) whatever the reduction. When {@code dlogitsScale != 0} the logits buffer is overwritten
     * in place with {@code dlogitsScale * (softmax - onehot)} (padded columns get 0), so no softmax buffer exists.
     *
     * @return the reduced loss: mean over non-ignored tokens, their sum, or NaN for {@link Reduction#NONE}
     */
    double crossEntropy(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                        Reduction reduction, float dlogitsScale);

    /**
     * One AdamW step over n elements (decoupled weight decay):
     * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (mhat / (sqrt(vhat) + eps) + wd p)}, with
     * bias correction for step {@code t >= 1}.
     */
    void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2,
               float eps, float weightDecay, int t);

    /**
     * One Adafactor step (Shazeer and Stern, 2018; no first moment) on a parameter of {@code rows * cols} elements,
     * reading nothing back. With {@code g2 = g^2 + eps1}:
     * <ul>
     *   <li>factored ({@code v == null}; the parameter is a [rows, cols] weight, row-major): the row and column means
     *       of the second moment, {@code row[i] = decay row[i] + (1-decay) sum_j g2[i,j] / cols} and
     *       {@code col[j] = decay col[j] + (1-decay) sum_i g2[i,j] / rows}; with {@code rMean} the mean of the new
     *       {@code row}, {@code u[i,j] = g[i,j] / sqrt(row[i] col[j] / rMean)};</li>
     *   <li>full ({@code row == col == null}; any parameter): {@code v = decay v + (1-decay) g2},
     *       {@code u = g / sqrt(v)};</li>
     * </ul>
     * then the update clipped to RMS {@code clip}: {@code denom = max(1, sqrt(sum u^2 / n) / clip)} and
     * {@code param -= lr (u / denom + weightDecay param)}. {@code row}, {@code col} and {@code v} are updated in place.
     * The CPU computes in double and rounds {@code row}, {@code col}, {@code v} and the parameter to fp32 as it
     * stores them (sums in index order); CUDA in fp32 with deterministic reductions (the same bits on every run).
     * {@code decay} must be in [0, 1), {@code clip} and {@code eps1} finite and > 0 (doubles, so that the CPU result
     * is the host formula's to the last bit).
     */
    void adafactor(Tensor param, Tensor grad, Tensor row, Tensor col, Tensor v, int rows, int cols, float lr,
                   double decay, float weightDecay, double clip, double eps1);

    /**
     * Opens a section in which {@code threads} threads issue ops at once, each on its own buffers (the evaluator's
     * scorers, one KV cache each), or returns null when this backend's ops must all come from one thread (the
     * default; CUDA: one stream). Close the section when they are done.
     */
    default AutoCloseable concurrentCallers(int threads) { return null; }

    /** Sum of squares of all elements, accumulated in double, for the global gradient norm. */
    double sumOfSquares(Tensor t);

    // ---------------------------------------------------------------------------------------------------------------
    // Device scalars: what a training step needs to keep its loss and gradient norm on the device, so that the step
    // reads nothing back (the trainer reads them every few steps). A scalar is a one-element tensor or view (a slot
    // of a stats buffer); these ops neither read it back nor synchronize.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * {@code acc[0] += sum of x's elements}. {@code acc} holds one element and must not lie inside {@code x}.
     * Accumulates in double on the CPU; in fp32 on CUDA, in a fixed order (the same bits on every run).
     */
    void sumInto(Tensor acc, Tensor x);

    /**
     * {@code acc[0] += sum of the squares of x's elements}: the squared global gradient norm, without the readback
     * of {@link #sumOfSquares}. Accumulates as {@link #sumInto}.
     */
    void sumOfSquaresInto(Tensor acc, Tensor x);

    /**
     * The global-norm clip factor: with {@code norm = sqrt(normSq[0])}, {@code factor[0] = maxNorm / (norm + 1e-6)}
     * when {@code maxNorm > 0} and {@code norm > maxNorm}, else 1: the host formula of gradient clipping
     * ({@code AdamW.clipGradNorm}), computed in double from the fp32 {@code normSq}. A NaN norm gives 1 (nothing is
     * clipped; the trainer reports the step as diverged), an infinite one 0. {@code maxNorm} is a double, as the
     * trainer's setting, so that the factor is the host formula's to the last bit; it must be finite (<= 0: no clip).
     * {@code factor} and {@code normSq} hold one element each and may be the same tensor.
     */
    void clipFactor(Tensor factor, Tensor normSq, double maxNorm);

    /**
     * {@code t *= factor[0]} over all elements, the scale of {@link #scale} taken from the device ({@code factor}
     * holds one element and must not lie inside {@code t}).
     */
    void scaleBy(Tensor t, Tensor factor);

    @Override
    void close();

    // ---------------------------------------------------------------------------------------------------------------
    // Incremental decoding (KV cache). Kept apart from the training ops above.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Causal self-attention of n new tokens of one sequence over a KV cache, for incremental decoding.
     * qkvNew [n, 3C] holds the q, k, v of the tokens at positions {@code start .. start+n-1}, laid out as in
     * {@link #attentionForward}. The op first writes their k and v into rows {@code start .. start+n-1} of
     * kCache and vCache ([Tmax, C] each, [NH, HD] per row; Tmax = kCache.size() / C), then lets new query i attend
     * causally to cache rows {@code [0, start+i]}, writing out [n, C]. Rows at and after {@code start+n} are
     * neither read nor written, so truncating a cache is just decoding again from a smaller {@code start}.
     * No log-sum-exp is saved: there is no backward. {@code scale} multiplies q.k as in attentionForward.
     *
     * <p>With {@code start = 0} and the cache holding only these n tokens, out equals attentionForward's out for
     * one document of n tokens.
     */
    void attentionDecode(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n,
                         int NH, int HD, float scale);

    // ---------------------------------------------------------------------------------------------------------------
    // Profiling hooks (used by dev.flan4j.profile; the backend layer does not depend on the profiler).
    // ---------------------------------------------------------------------------------------------------------------

    /** The timer, cache size and GPU name a profiler uses on this backend; wall-clock and no flush by default. */
    default ProfilingHooks profiling() {
        return ProfilingHooks.host(this);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Llama-family ops (RMSNorm, rotary embeddings, SwiGLU).
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * RMSNorm over the last dimension: {@code out = weight * (x * rstd)} with {@code rstd = 1 / sqrt(mean(x^2) + eps)}
     * per row (saved in rstd [N] for the backward pass). x, out [N, C] (out may not alias x).
     */
    void rmsNormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C, float eps);

    /** Accumulates dx [N, C] and dweight [C] from dout [N, C], using the forward's x and rstd. */
    void rmsNormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                 int N, int C);

    /**
     * Rotary position embeddings in place, in Hugging Face's rotate-half layout: in each row i of x ([N, rowWidth]),
     * heads 0 .. nHeads-1 (HD wide, starting at column 0) are rotated by position p = positions[i]:
     * {@code x1' = x1 cos - x2 sin, x2' = x2 cos + x1 sin}, where x1, x2 are a head's first and second halves and
     * cos, sin [Tmax, HD/2] hold {@code cos(p * inv_freq[j])}, {@code sin(p * inv_freq[j])}. With x = qkv and
     * nHeads = 2 NH this rotates q and k and leaves v alone.
     */
    void ropeForward(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD);

    /** The backward of {@link #ropeForward} in place on dx (the inverse rotation, since the rotation is orthogonal). */
    void ropeBackward(Tensor dx, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD);

    /**
     * SwiGLU: {@code out[r, j] = silu(x[r, j]) * x[r, I + j]} for x [N, 2I] (each row the gate then the up
     * projection), out [N, I]; {@code silu(g) = g / (1 + exp(-g))}.
     */
    void swigluForward(Tensor out, Tensor x, int N, int I);

    /** Writes dx [N, 2I] (overwrites) from dout [N, I] and the forward's x. */
    void swigluBackward(Tensor dx, Tensor dout, Tensor x, int N, int I);
}
