package dev.flan4j.backend.cuda;

import dev.flan4j.backend.AbstractBackend;
import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Precision;
import dev.flan4j.backend.ProfilingHooks;
import dev.flan4j.backend.Reduction;
import dev.flan4j.kernels.AttentionArgs;
import dev.flan4j.kernels.KernelDType;
import dev.flan4j.kernels.Kernels;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The {@link Backend} on one CUDA device: the ops through the flan4j kernels ({@link Kernels}), GEMM through cuBLAS
 * loaded by the native library at run time. {@link AbstractBackend} has checked every argument before an
 * {@code ...Impl} method runs; the device, its stream, memory and scratch buffers are {@link CudaDevice}'s job and
 * the profiler's timer and L2 size {@link CudaProfilingHooks}'.
 *
 * <p>Ops that take host int arrays (token ids, targets, cuSeqlens) upload them with a synchronous copy ordered after
 * the queued work (see {@link CudaDevice}), so they are not fully asynchronous; the training step has three such
 * uploads per micro-batch (tokens+positions, cuSeqlens, targets) and no readback: the trainer adds the loss and the
 * squared gradient norm into device scalars ({@link #sumInto}, {@link #sumOfSquaresInto}), clips on the device
 * ({@link #clipFactor}, {@link #scaleBy}) and reads the scalars back every {@code logEvery} steps; a Llama-family
 * model adds one upload (RoPE positions) per layer in the forward and in the backward.
 *
 * <h2>Attention and the lse layout</h2>
 * {@link Backend} defines {@code lse} as [N, NH]. The fused kernels (head dims 32, 64, 128) use [NH, N]: the forward
 * writes an internal [NH, N] buffer and transposes it into the caller's lse; the backward transposes the caller's
 * lse back. So the tensor passed as lse always holds the Backend layout and works with either backend's backward.
 * Other head dims (1..256, e.g. 16 in the tiny preset) use simple one-warp-per-(token, head) kernels that read and
 * write [N, NH] directly. {@link #attentionDecode} (KV cache) uses the same simple kernel family for every head dim.
 *
 * <h2>Llama family</h2>
 * RMSNorm runs on the layer-norm family's kernels (dx accumulated, like the CPU), RoPE and SwiGLU on their own
 * ({@code rope.cu}, {@code swiglu.cu}); RoPE's position ids are uploaded like token ids. Grouped-query attention
 * needs no kernel of its own here: the model expands the key/value projections to one per query head before the
 * attention op.
 *
 * <h2>Precision</h2>
 * Parameters, gradients and optimizer state are fp32 in every mode ({@link Precision}), and so are all tensors but the
 * activations of BF16 mode.
 * <ul>
 *   <li>{@link Precision#BF16} (the default on GPUs of compute capability 8.0 and up): mixed precision in the manner
 *       of PyTorch's autocast. {@link #matmul} (products with m, n >= {@link #BF16_MIN_DIM}, or any operand stored in
 *       bf16; skinny decode products stay fp32) runs a bf16 cuBLAS GEMM with fp32 accumulation on bf16 operands: a
 *       tensor stored in bf16 as it is, the weights through their cached copy (below), anything else cast to a bf16
 *       scratch copy ({@link Kernels#cast}, round to nearest even). It writes bf16 into a bf16 output and fp32 into
 *       an fp32 one, so the fp32 master weights are never rounded and gradients accumulate (beta = 1) in fp32. The
 *       fused attention (head dims 64 and 128) runs on the tensor-core kernels: q, k, v, o and dO in bf16, lse, the
 *       softmax statistics and dq in fp32, dk and dv cast back to the fp32 dqkv. Layer norm, GELU, cross-entropy,
 *       the reductions and the optimizers (AdamW, Adafactor) compute in fp32 (autocast's fp32 list), as do attention
 *       at other head dims and the KV-cache decode.
 *       <p>Activations: {@link #activations} allocates bf16 storage (the models' q/k/v, attention output and MLP
 *       hidden layers: two thirds of a GPT block's activations, the residual stream, the norms' outputs and the
 *       projections stay fp32), which the GEMM reads and writes and the tensor-core attention reads and writes with
 *       no cast at all; GELU and SwiGLU read and write it with fp32 arithmetic, their backwards read a widened fp32
 *       copy, and the ops without a bf16 form refuse it, naming the argument. So the mode saves memory as well as
 *       time. Weights are cast once per write: an allocation marked with {@link #markWeights} (the models mark their
 *       flat parameters) gets one bf16 copy, cast again by the first product after its
 *       {@linkplain Tensor#version() version} changed (after each optimizer step), so a step casts every weight once
 *       rather than at each of its three products (2 bytes per parameter).</li>
 *   <li>{@link Precision#FP32}: every op in fp32. GEMMs may use TF32 tensor cores (10-bit mantissa inputs, fp32
 *       accumulation), as PyTorch's {@code allow_tf32} does for convolutions: on by default, off with
 *       {@code new CudaBackend(false)}, the system property {@code flan4j.cuda.tf32=false} or the CLI's
 *       {@code --no-tf32}.</li>
 * </ul>
 * The no-argument constructor reads {@link #PRECISION_PROPERTY} (fp32, bf16 or auto) and {@link #TF32_PROPERTY};
 * {@link #device()} says which mode runs. The GPU tests compare fp32 with TF32 off against the CPU at fp32 tolerances
 * and bf16 against the CPU at bf16's (see {@code CudaBf16GpuTest}). {@link #sumOfSquares} accumulates in fp32 on the
 * device (the CPU backend accumulates in double): relative error about 1e-6 for the sizes of a model. So do
 * {@link #sumInto} and {@link #sumOfSquaresInto}, in a fixed order (block partials, then one block; no atomics), so
 * their result is the same on every run.
 */
public final class CudaBackend extends AbstractBackend {
    /** System property: let fp32 GEMMs use TF32 tensor cores (default true; "false" turns it off). */
    public static final String TF32_PROPERTY = "flan4j.cuda.tf32";
    /** System property: fp32, bf16 or auto (the default: bf16 on compute capability 8.0 and up, else fp32). */
    public static final String PRECISION_PROPERTY = "flan4j.cuda.precision";
    /** The message for machines without a driver or device. */
    public static final String NO_DEVICE = "no CUDA device";
    /** The message when neither cuBLAS library loads. */
    public static final String NO_CUBLAS = "cuBLAS not found (libcublas.so.13 / .12)";

    private static final KernelDType F32 = KernelDType.F32, BF16 = KernelDType.BF16;

    private final CudaDevice d;
    private final long s;   // raw stream handle
    private final int gemmFlags;
    private final Precision precision;
    private final CudaDevice.Scratch ids, cu, lseT, delta, reduced;
    // bf16 copies of the operands in BF16 mode (allocated on first use)
    private final CudaDevice.Scratch castA, castB, qkv16, o16, do16, dkv16, dkv32;
    // fp32 copies of bf16 activations for the kernels that take fp32 only, and fp32 outputs cast to bf16 ones
    private final CudaDevice.Scratch wideQkv, wideO, wideX;
    // BF16 mode: the bf16 copy of each allocation marked as weights (markWeights), and the version it was cast at
    private final Map<CudaTensor, WeightCopy> weights16 = new IdentityHashMap<>();

    private static final class WeightCopy {
        final CudaDevice.Scratch buf;
        long version = -1;

        WeightCopy(CudaDevice.Scratch buf) { this.buf = buf; }
    }

    /** Why CUDA cannot run here, or null; never throws. */
    static String unavailableReason() {
        return CudaDevice.unavailableReason();
    }

    /**
     * Opens device 0 (choose a GPU with {@code CUDA_VISIBLE_DEVICES}: JCuda's runtime and libflan4j's keep separate
     * per-thread current devices, and both default to 0, so device 0 is the one they always agree on).
     * Check {@link #unavailableReason()} first.
     */
    public CudaBackend() {
        this(tf32Default(), System.getProperty(PRECISION_PROPERTY, "auto"));
    }

    /** Opens device 0 in fp32 ({@link Precision#FP32}); {@code tf32}: whether fp32 GEMMs may use TF32 tensor cores. */
    public CudaBackend(boolean tf32) {
        this(tf32, Precision.FP32);
    }

    /**
     * Opens device 0 as {@link #CudaBackend()} does, in {@code precision}; BF16 needs compute capability 8.0 or newer
     * (an IllegalArgumentException naming the device otherwise). {@code tf32} applies to the fp32 GEMMs.
     */
    public CudaBackend(boolean tf32, Precision precision) {
        this(tf32, precision == null ? null : precision.label());
    }

    private CudaBackend(boolean tf32, String precisionSetting) {
        if (precisionSetting == null) throw new IllegalArgumentException("precision is null; use fp32 or bf16");
        boolean auto = precisionSetting.trim().equalsIgnoreCase("auto");
        Precision asked = auto ? null : parsePrecision(precisionSetting);
        String why = unavailableReason();
        if (why != null) throw new IllegalStateException("CUDA backend unavailable: " + why);
        this.d = new CudaDevice();
        boolean hasBf16 = d.ccMajor >= 8;
        if (asked == Precision.BF16 && !hasBf16) {
            d.close();
            throw new IllegalArgumentException("precision bf16 needs a GPU of compute capability 8.0 or newer; "
                    + d.name + " is " + d.ccMajor + "." + d.ccMinor + " (use fp32)");
        }
        this.precision = asked != null ? asked : hasBf16 ? Precision.BF16 : Precision.FP32;
        this.s = d.s;
        this.gemmFlags = tf32 ? Kernels.GEMM_ALLOW_TF32 : 0;
        this.ids = d.scratch("ids");              // tokens + positions, or targets
        this.cu = d.scratch("cuSeqlens");         // cuSeqlens / doc bounds
        this.lseT = d.scratch("lse [NH, N]");     // fused attention's lse layout
        this.delta = d.scratch("delta");          // attention backward workspace
        this.reduced = d.scratch("reduced");      // cross-entropy float[2], sumOfSquares float[1]
        this.castA = d.scratch("bf16 GEMM A");
        this.castB = d.scratch("bf16 GEMM B");
        this.qkv16 = d.scratch("bf16 qkv [N, 3C]");
        this.o16 = d.scratch("bf16 attention out [N, C]");
        this.do16 = d.scratch("bf16 attention dout [N, C]");
        this.dkv16 = d.scratch("bf16 dk, dv [N, 2C]");
        this.dkv32 = d.scratch("fp32 dk, dv [N, 2C]");
        this.wideQkv = d.scratch("fp32 copy of a bf16 qkv");
        this.wideO = d.scratch("fp32 copy of a bf16 attention out");
        this.wideX = d.scratch("fp32 copy of a bf16 activation");
    }

    /** {@link #PRECISION_PROPERTY}'s value as a precision; the message names the property. */
    private static Precision parsePrecision(String v) {
        try {
            return Precision.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision must be fp32, bf16 or auto (system property "
                    + PRECISION_PROPERTY + "), got '" + v + "'");
        }
    }

    @Override public String name() { return "cuda"; }

    @Override
    public String device() {
        return d.name + " (device " + d.index + ", sm_" + d.ccMajor + d.ccMinor + "), " + d.blasLibrary
                + (bf16() ? ", bf16 mixed precision" : tf32() ? ", TF32 GEMM" : ", fp32");
    }

    @Override
    public Precision precision() { return precision; }

    private boolean bf16() { return precision == Precision.BF16; }

    /** The raw stream handle the kernels run on. */
    public long stream() { return s; }

    /** Whether fp32 GEMMs may use TF32 tensor cores (in BF16 mode the GEMMs are bf16; this applies to none). */
    public boolean tf32() { return gemmFlags != 0; }

    /**
     * The TF32 setting of {@link #CudaBackend()}: {@link #TF32_PROPERTY} ("true" or "false", case-insensitive),
     * true when unset; anything else is an error naming the property and its value.
     */
    public static boolean tf32Default() {
        String v = System.getProperty(TF32_PROPERTY);
        if (v == null || v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException("system property " + TF32_PROPERTY + " must be true or false, got '" + v + "'");
    }

    @Override
    public ProfilingHooks profiling() { return new CudaProfilingHooks(d, tf32()); }

    @Override
    public void synchronize() { d.synchronize(); }

    @Override
    public void close() { d.close(); }

    private CudaTensor dev(String name, Tensor t) { return d.dev(name, t); }

    /** The address of an fp32 tensor; a bf16 one (see {@link #activations}) is refused, naming it. */
    private long addr(String name, Tensor t) {
        CudaTensor c = d.dev(name, t);
        if (c.dtype() != F32) {
            throw new IllegalArgumentException(name + " is a bf16 activation tensor " + c + "; this op takes fp32 only");
        }
        return c.address();
    }

    /** The address of {@code t}'s elements as fp32: its own, or those of an fp32 copy of a bf16 t in {@code sc}. */
    private long wide(CudaTensor t, CudaDevice.Scratch sc) {
        if (t.dtype() == F32) return t.address();
        long w = sc.floats(t.size());
        Kernels.cast(F32, w, BF16, t.address(), t.size(), s);
        return w;
    }

    /** The one dtype of an elementwise op's tensors; the message names them when they differ. */
    private static KernelDType same(String op, String[] names, CudaTensor... ts) {
        for (int i = 1; i < ts.length; i++) {
            if (ts[i].dtype() != ts[0].dtype()) {
                throw new IllegalArgumentException(op + ": " + names[0] + " is " + ts[0].dtype().label() + " but "
                        + names[i] + " is " + ts[i].dtype().label() + "; its tensors must share one dtype");
            }
        }
        return ts[0].dtype();
    }

    // ------------------------------------------------------------------------------------------------ memory

    @Override protected Tensor allocate(int[] shape) { return d.allocate(shape); }

    /**
     * bf16 storage in BF16 mode, else fp32. The ops that take a bf16 tensor: {@link #matmul} (any operand and the
     * output), {@link #addBias} (out), the attention forward and backward (qkv, out), {@link #geluForward} and
     * {@link #swigluForward} (input and output both bf16, or both fp32), their backwards (x), {@link #ropeForward} /
     * {@link #ropeBackward}, {@link #add} (all three alike), {@link #scale}, {@link #scaleBy}, {@link #sumInto},
     * {@link #sumOfSquaresInto}, {@link #sumOfSquares}, {@link #copy} (casting between dtypes), {@link #fill} and
     * {@link #toArray}; the others refuse one, naming the argument.
     */
    @Override protected Tensor allocateActivations(int[] shape) { return d.allocate(shape, bf16() ? BF16 : F32); }

    @Override protected Tensor upload(float[] data, int[] shape) { return d.upload(data, shape); }

    @Override protected float[] download(Tensor t) { return d.download(dev("t", t)); }

    @Override protected void copyImpl(Tensor dst, Tensor src) { d.copy(dev("dst", dst), dev("src", src)); }

    @Override protected void fillImpl(Tensor t, float value) { d.fill(dev("t", t), value, wideX); }

    // ------------------------------------------------------------------------------------------------ GEMM, bias

    /**
     * Smallest m and n for which BF16 mode runs a product in bf16. Skinny products (the KV-cache decode's few rows)
     * are bound by reading the weights, which a cast would read and write once more, so they stay fp32.
     */
    static final int BF16_MIN_DIM = 128;

    /**
     * Row-major batched GEMM through {@link Kernels#gemm} (cuBLAS; see its Javadoc for the row-major mapping). In BF16
     * mode, when m and n are both at least {@link #BF16_MIN_DIM}, both operands are first cast to bf16 scratch copies
     * (same layout) and the GEMM writes fp32.
     */
    @Override
    protected void matmulImpl(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                              boolean transA, boolean transB, float alpha, float beta) {
        long sa = (long) m * k, sb = (long) k * n, so = (long) m * n;
        int lda = transA ? m : k, ldb = transB ? k : n;
        CudaTensor ca = dev("a", a), cb = dev("b", bm), co = dev("out", out);
        boolean stored16 = ca.dtype() == BF16 || cb.dtype() == BF16 || co.dtype() == BF16;
        if (stored16 || (bf16() && Math.min(m, n) >= BF16_MIN_DIM)) {
            long a16 = operand16(ca, castA, batch * sa), b16 = operand16(cb, castB, batch * sb);
            Kernels.gemm(BF16, co.dtype(), transA, transB, m, n, k, alpha, a16, lda, sa, b16, ldb, sb, beta,
                    co.address(), n, so, batch, 0, s);
            return;
        }
        Kernels.gemm(F32, F32, transA, transB, m, n, k, alpha, ca.address(), lda, sa, cb.address(), ldb, sb, beta,
                co.address(), n, so, batch, gemmFlags, s);
    }

    /** A bf16 GEMM operand: a bf16 tensor itself, the cached copy of marked weights, or a cast into {@code sc}. */
    private long operand16(CudaTensor t, CudaDevice.Scratch sc, long n) {
        if (t.dtype() == BF16) return t.address();
        long w = weightCopy(t);
        if (w != 0) return w;
        long c = sc.halves(n);
        Kernels.cast(BF16, c, F32, t.address(), n, s);
        return c;
    }

    /**
     * Keeps a bf16 copy of {@code weights} in BF16 mode (see {@link Backend#markWeights}); fp32 mode keeps none. Only
     * an allocation can be marked, not a view.
     */
    @Override
    protected void markWeightsImpl(Tensor weights) {
        CudaTensor w = dev("weights", weights);
        addr("weights", weights);
        if (!w.isOwner()) {
            throw new IllegalArgumentException("markWeights: weights must be an allocation, got a view " + w);
        }
        if (!bf16()) return;
        dropClosedWeights();
        weights16.computeIfAbsent(w, k -> new WeightCopy(d.scratch("bf16 copy of weights " + k)));
    }

    /**
     * The address of {@code t}'s elements in the bf16 copy of the marked allocation it lies in, cast again first when
     * the allocation was written since the last cast; 0 when {@code t} lies in no marked allocation.
     */
    private long weightCopy(CudaTensor t) {
        if (weights16.isEmpty()) return 0;
        dropClosedWeights();
        CudaTensor root = t.root();
        WeightCopy w = weights16.get(root);
        if (w == null) return 0;
        long n = root.size(), base = w.buf.halves(n);
        if (w.version != root.version()) {
            Kernels.cast(BF16, base, F32, root.address(), n, s);
            w.version = root.version();
        }
        return base + 2 * t.offset();
    }

    /** Frees the bf16 copies of marked allocations that have been closed since. */
    private void dropClosedWeights() {
        weights16.entrySet().removeIf(e -> {
            if (!e.getKey().isFreed()) return false;
            e.getValue().buf.release();
            return true;
        });
    }

    @Override
    protected void addBiasImpl(Tensor out, Tensor bias, int rows, int cols) {
        CudaTensor o = dev("out", out);
        Kernels.biasAdd(o.dtype(), o.address(), addr("bias", bias), rows, cols, s);
    }

    @Override
    protected void biasBackwardImpl(Tensor dbias, Tensor dout, int rows, int cols) {
        Kernels.biasBackward(F32, addr("dbias", dbias), addr("dout", dout), rows, cols, s);
    }

    // ------------------------------------------------------------------------------------------------ layer norm

    @Override
    protected void layerNormForwardImpl(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias,
                                        int N, int C, float eps) {
        Kernels.layerNormForward(F32, addr("out", out), addr("mean", mean), addr("rstd", rstd), addr("x", x),
                addr("weight", weight), addr("bias", bias), 1, N, C, eps, s);
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                         Tensor mean, Tensor rstd, int N, int C) {
        if (addr("dx", dx) == addr("dout", dout)) {   // views of one allocation (the base caught dx == dout)
            throw new IllegalArgumentException("layerNormBackward: dx must not alias dout (dx is accumulated into)");
        }
        Kernels.layerNormBackward(F32, addr("dx", dx), addr("dweight", dweight), addr("dbias", dbias),
                addr("dout", dout), addr("x", x), addr("weight", weight), addr("mean", mean), addr("rstd", rstd),
                1, N, C, true, s);
    }

    // ------------------------------------------------------------------------------------------------ attention

    /** True when the fused (FlashAttention-style) kernels handle this head dim. */
    static boolean fusedHeadDim(int HD) {
        return HD == 32 || HD == 64 || HD == 128;
    }

    /** True when BF16 mode runs this head dim's attention on the tensor-core kernels (64 and 128; others stay fp32). */
    private boolean bf16Attention(int HD) {
        return bf16() && (HD == 64 || HD == 128);
    }

    /**
     * Points the args' q, k, v at the packed qkv [N, 3C] in bf16: the tensor itself when it is stored in bf16, else a
     * copy cast into {@link #qkv16}; sets the dtype. The row strides stay 3C (in elements), which the tensor-core
     * kernels need to be a multiple of 8 (C = NH * HD with HD 64 or 128 always is).
     */
    private void bf16Qkv(AttentionArgs a, CudaTensor qkv, int N, int C) {
        a.dtype = BF16;
        if (qkv.dtype() == BF16) {   // fusedArgs already pointed q, k, v at its columns
            return;
        }
        long n = 3L * C * N;
        long q16 = qkv16.halves(n);
        Kernels.cast(BF16, q16, F32, qkv.address(), n, s);
        a.q = q16;
        a.k = q16 + 2L * C;
        a.v = q16 + 4L * C;
    }

    /** Points the fp32 kernels' q, k, v at an fp32 copy of a bf16 qkv (in {@link #wideQkv}); fp32 ones stay. */
    private void fp32Qkv(AttentionArgs a, CudaTensor qkv, int C) {
        if (qkv.dtype() == F32) return;
        long w = wide(qkv, wideQkv);
        a.q = w;
        a.k = w + 4L * C;
        a.v = w + 8L * C;
    }

    private static void requireHeadDim(int HD) {
        if (HD > Kernels.GENERIC_MAX_HEAD_DIM) {
            throw new IllegalArgumentException("HD=" + HD + " is not supported by the CUDA backend (at most "
                    + Kernels.GENERIC_MAX_HEAD_DIM + ")");
        }
    }

    /** [0, N): first row of each token's document; [N, 2N): one past its last row. */
    static int[] docBounds(int[] cuSeqlens, int N) {
        int[] b = new int[2 * N];
        for (int doc = 0; doc + 1 < cuSeqlens.length; doc++) {
            for (int t = cuSeqlens[doc]; t < cuSeqlens[doc + 1]; t++) {
                b[t] = cuSeqlens[doc];
                b[N + t] = cuSeqlens[doc + 1];
            }
        }
        return b;
    }

    private static int longestDocument(int[] cuSeqlens) {
        int max = 0;
        for (int i = 1; i < cuSeqlens.length; i++) max = Math.max(max, cuSeqlens[i] - cuSeqlens[i - 1]);
        return max;
    }

    private AttentionArgs fusedArgs(CudaTensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale) {
        int C = NH * HD;
        AttentionArgs a = AttentionArgs.dense(cuSeqlens.length - 1, longestDocument(cuSeqlens), NH, NH, HD);
        a.q = qkv.address();
        a.k = qkv.address(C);
        a.v = qkv.address(2L * C);
        a.qRowStride = a.kRowStride = a.vRowStride = 3L * C;
        a.cuSeqlens = cu.ints(cuSeqlens);
        a.totalTokens = N;
        a.softmaxScale = scale;
        a.causal = true;
        return a;
    }

    @Override
    protected void attentionForwardImpl(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD,
                                        float scale) {
        requireHeadDim(HD);
        CudaTensor q = dev("qkv", qkv), o = dev("out", out);
        long la = addr("lse", lse), nc = (long) N * NH * HD;
        if (fusedHeadDim(HD)) {
            AttentionArgs a = fusedArgs(q, cuSeqlens, N, NH, HD, scale);
            a.lse = lseT.floats((long) NH * N);
            if (bf16Attention(HD)) {                                      // bf16 q, k, v, o; fp32 lse
                bf16Qkv(a, q, N, NH * HD);
                a.o = o.dtype() == BF16 ? o.address() : o16.halves(nc);
                Kernels.attentionForward(a, s);
                if (o.dtype() == F32) Kernels.cast(F32, o.address(), BF16, a.o, nc, s);
            } else {                                                      // the fp32 kernels
                fp32Qkv(a, q, NH * HD);
                a.o = o.dtype() == F32 ? o.address() : wideO.floats(nc);
                Kernels.attentionForward(a, s);
                if (o.dtype() == BF16) Kernels.cast(BF16, o.address(), F32, a.o, nc, s);
            }
            Kernels.transpose(la, a.lse, NH, N, s);                       // [NH, N] -> [N, NH]
        } else {
            long bounds = cu.ints(docBounds(cuSeqlens, N));
            long o32 = o.dtype() == F32 ? o.address() : wideO.floats(nc);
            Kernels.attentionGenericForward(wide(q, wideQkv), o32, la, bounds, N, NH, HD, scale, s);
            if (o.dtype() == BF16) Kernels.cast(BF16, o.address(), F32, o32, nc, s);
        }
    }

    @Override
    protected void attentionBackwardImpl(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens,
                                         int N, int NH, int HD, float scale) {
        requireHeadDim(HD);
        int C = NH * HD;
        CudaTensor q = dev("qkv", qkv), dq = dev("dqkv", dqkv), dO = dev("dout", dout), o = dev("out", out);
        long la = addr("lse", lse);
        addr("dqkv", dqkv);                                               // fp32 in both modes
        if (fusedHeadDim(HD)) {
            AttentionArgs a = fusedArgs(q, cuSeqlens, N, NH, HD, scale);
            a.lse = lseT.floats((long) NH * N);
            Kernels.transpose(a.lse, la, N, NH, s);                       // [N, NH] -> [NH, N]
            a.dq = dq.address();
            a.dqRowStride = 3L * C;
            a.delta = delta.floats((long) NH * N);
            if (bf16Attention(HD)) {
                bf16Backward(a, q, o, dO, dq, N, C);
            } else {                                                      // the fp32 kernels
                fp32Qkv(a, q, C);
                a.o = wide(o, wideO);
                a.dout = wide(dO, wideX);
                a.dk = dq.address(C);
                a.dv = dq.address(2L * C);
                a.dkRowStride = a.dvRowStride = 3L * C;
                Kernels.attentionBackward(a, s);
            }
        } else {
            long bounds = cu.ints(docBounds(cuSeqlens, N));
            Kernels.attentionGenericBackward(dq.address(), delta.floats((long) NH * N), wide(dO, wideX),
                    wide(q, wideQkv), wide(o, wideO), la, bounds, N, NH, HD, scale, s);
        }
    }

    /**
     * The tensor-core backward: qkv, out and dout in bf16 (the tensors themselves when stored in bf16, else copies);
     * dq straight into dqkv's first C columns (fp32); dk, dv in bf16 into a dense [N, 2C] scratch, cast to fp32 and
     * copied into dqkv's columns [C, 3C).
     */
    private void bf16Backward(AttentionArgs a, CudaTensor qkv, CudaTensor out, CudaTensor dout, CudaTensor dqkv, int N,
                              int C) {
        long nc = (long) N * C;
        bf16Qkv(a, qkv, N, C);
        a.o = out.dtype() == BF16 ? out.address() : o16.halves(nc);
        if (out.dtype() == F32) Kernels.cast(BF16, a.o, F32, out.address(), nc, s);
        a.dout = dout.dtype() == BF16 ? dout.address() : do16.halves(nc);
        if (dout.dtype() == F32) Kernels.cast(BF16, a.dout, F32, dout.address(), nc, s);
        long dk = dkv16.halves(2 * nc);
        a.dk = dk;
        a.dv = dk + 2L * C;
        a.dkRowStride = a.dvRowStride = 2L * C;
        Kernels.attentionBackward(a, s);
        Kernels.cast(F32, dkv32.floats(2 * nc), BF16, dk, 2 * nc, s);
        d.copyRows(dqkv.pointer(C), 3L * C, dkv32.pointer(0), 2L * C, 2L * C, N);
    }

    @Override
    protected void attentionDecodeImpl(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n,
                                       int NH, int HD, float scale) {
        requireHeadDim(HD);
        int tMax = (int) (kCache.size() / ((long) NH * HD));
        Kernels.attentionDecode(addr("out", out), addr("qkvNew", qkvNew), addr("kCache", kCache),
                addr("vCache", vCache), start, n, tMax, NH, HD, scale, s);
    }

    // ------------------------------------------------------------------------------------------------ elementwise

    @Override
    protected void geluForwardImpl(Tensor out, Tensor x, int n) {
        CudaTensor o = dev("out", out), xi = dev("x", x);
        Kernels.geluForward(same("geluForward", new String[] {"out", "x"}, o, xi), o.address(), xi.address(), n, s);
    }

    /** dx and dout fp32; x fp32 or bf16 (widened into scratch: the kernel takes one dtype). */
    @Override
    protected void geluBackwardImpl(Tensor dx, Tensor x, Tensor dout, int n) {
        Kernels.geluBackward(F32, addr("dx", dx), wide(dev("x", x), wideX), addr("dout", dout), n, s);
    }

    @Override
    protected void addImpl(Tensor out, Tensor a, Tensor b, long n) {
        CudaTensor o = dev("out", out), ca = dev("a", a), cb = dev("b", b);
        Kernels.add(same("add", new String[] {"out", "a", "b"}, o, ca, cb), o.address(), ca.address(), cb.address(), n,
                s);
    }

    @Override
    protected void scaleImpl(Tensor t, float sc) {
        CudaTensor c = dev("t", t);
        Kernels.scale(c.dtype(), c.address(), sc, c.size(), s);
    }

    // ------------------------------------------------------------------------------------------------ embedding

    @Override
    protected void embeddingForwardImpl(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N,
                                        int C) {
        int vocab = (int) (wte.size() / C), maxPos = (int) (wpe.size() / C);
        long tp = ids.ints(concat(tokens, positions, N));
        Kernels.embeddingForward(F32, addr("out", out), tp, tp + 4L * N, addr("wte", wte), addr("wpe", wpe), 1, N, C,
                vocab, maxPos, s);
    }

    @Override
    protected void embeddingBackwardImpl(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N,
                                         int C) {
        int vocab = (int) (dwte.size() / C), maxPos = (int) (dwpe.size() / C);
        long tp = ids.ints(concat(tokens, positions, N));
        Kernels.embeddingBackward(F32, addr("dwte", dwte), addr("dwpe", dwpe), addr("dout", dout), tp, tp + 4L * N, 1,
                N, C, vocab, maxPos, s);
    }

    private static int[] concat(int[] a, int[] b, int n) {
        int[] r = new int[2 * n];
        System.arraycopy(a, 0, r, 0, n);
        System.arraycopy(b, 0, r, n, n);
        return r;
    }

    // ------------------------------------------------------------------------------------------------ loss, optimizer

    /**
     * Cross-entropy through the fused kernel with the SUM reduction (its gradient is {@code gradScale * (p - onehot)}
     * per row with no 1/count factor, which is the Backend's {@code dlogitsScale} semantics); the mean is formed on
     * the host from the kernel's [sum, count]. Reads the reduced loss back (a synchronization point) unless the
     * reduction is NONE.
     */
    @Override
    protected double crossEntropyImpl(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp,
                                      int ignoreIndex, Reduction reduction, float dlogitsScale) {
        long tg = ids.ints(targets.length == N ? targets : Arrays.copyOf(targets, N));
        long red = reduction == Reduction.NONE ? 0L : reduced.floats(2);
        Kernels.crossEntropy(F32, addr("logits", logits), addr("losses", losses), red, tg, 1, N, V, Vp, ignoreIndex,
                Reduction.SUM, 0f, 0f, dlogitsScale, dlogitsScale != 0f, s);
        if (reduction == Reduction.NONE) return Double.NaN;
        float[] r = reduced.read(2);
        if (reduction == Reduction.SUM) return r[0];
        return r[1] == 0f ? 0.0 : (double) r[0] / r[1];
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2,
                             float eps, float weightDecay, int t) {
        Kernels.adamw(addr("param", param), addr("grad", grad), addr("m", m), addr("v", v), n, lr, beta1, beta2, eps,
                weightDecay, t, 1f, s);
    }

    private CudaDevice.Scratch adafactorWorkspace;   // the step's scalars and block partials, made on first use

    /**
     * The Adafactor kernels ({@link Kernels#adafactor}): fp32 with deterministic reductions, rMean and the mean
     * square of the update kept in a scratch workspace that the next kernel reads, so nothing is read back. decay,
     * clip and eps1 are rounded to fp32 (decay to at most the largest float below 1).
     */
    @Override
    protected void adafactorImpl(Tensor param, Tensor grad, Tensor row, Tensor col, Tensor v, int rows, int cols,
                                 float lr, double decay, float weightDecay, double clip, double eps1) {
        if (adafactorWorkspace == null) adafactorWorkspace = d.scratch("adafactor workspace");
        boolean factored = v == null;
        long ws = adafactorWorkspace.floats(Kernels.adafactorWorkspace(rows, cols, factored));
        Kernels.adafactor(addr("param", param), addr("grad", grad), factored ? addr("row", row) : 0L,
                factored ? addr("col", col) : 0L, factored ? 0L : addr("v", v), rows, cols, lr,
                Math.min((float) decay, Math.nextDown(1f)), weightDecay, (float) clip, (float) eps1, ws, s);
    }

    /** Sum of squares on the device (fp32 accumulation in the kernel; see the class comment), read back. */
    @Override
    protected double sumOfSquaresImpl(Tensor t) {
        CudaTensor c = dev("t", t);
        long out = reduced.floats(2);
        reduced.zeroAsync(1);
        Kernels.sumSquares(c.dtype(), out, c.address(), c.size(), s);
        return reduced.read(1)[0];
    }

    // ------------------------------------------------------------------------------------------------ Llama family

    @Override
    protected void rmsNormForwardImpl(Tensor out, Tensor rstd, Tensor x, Tensor weight, int N, int C, float eps) {
        Kernels.rmsNormForward(F32, addr("out", out), addr("rstd", rstd), addr("x", x), addr("weight", weight), 1, N,
                C, eps, s);
    }

    @Override
    protected void rmsNormBackwardImpl(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                       int N, int C) {
        if (addr("dx", dx) == addr("dout", dout)) {
            throw new IllegalArgumentException("rmsNormBackward: dx must not alias dout (dx is accumulated into)");
        }
        Kernels.rmsNormBackward(F32, addr("dx", dx), addr("dweight", dweight), addr("dout", dout), addr("x", x),
                addr("weight", weight), addr("rstd", rstd), 1, N, C, true, s);
    }

    /** Uploads the positions (a synchronous copy, like the token ids) and rotates in place. */
    @Override
    protected void ropeImpl(Tensor x, Tensor cos, Tensor sin, int[] positions, int N, int rowWidth, int nHeads, int HD,
                            boolean inverse) {
        int tMax = (int) (cos.size() / (HD / 2));
        long pos = ids.ints(positions.length == N ? positions : Arrays.copyOf(positions, N));
        CudaTensor cx = dev("x", x);
        long xa = cx.address(), ca = addr("cos", cos), sa = addr("sin", sin);
        if (inverse) {
            Kernels.ropeBackward(cx.dtype(), xa, ca, sa, pos, N, rowWidth, nHeads, HD, tMax, s);
        } else {
            Kernels.ropeForward(cx.dtype(), xa, ca, sa, pos, N, rowWidth, nHeads, HD, tMax, s);
        }
    }

    @Override
    protected void swigluForwardImpl(Tensor out, Tensor x, int N, int I) {
        CudaTensor o = dev("out", out), xi = dev("x", x);
        Kernels.swigluForward(same("swigluForward", new String[] {"out", "x"}, o, xi), o.address(), xi.address(), N, I,
                s);
    }

    /** dx and dout fp32; x fp32 or bf16 (widened into scratch: the kernel takes one dtype). */
    @Override
    protected void swigluBackwardImpl(Tensor dx, Tensor dout, Tensor x, int N, int I) {
        Kernels.swigluBackward(F32, addr("dx", dx), addr("dout", dout), wide(dev("x", x), wideX), N, I, s);
    }

    // ------------------------------------------------------------------------------------------------ device scalars
    // The training step without readbacks (Backend's device-scalar ops), kept together at the end of the class.

    private CudaDevice.Scratch sumPartials;   // the first pass's block partials of sumInto, made on first use

    /** Deterministic two-pass sum ({@link Kernels#reduceSum}) into the device scalar acc; nothing is read back. */
    @Override
    protected void sumIntoImpl(Tensor acc, Tensor x, boolean squares) {
        if (sumPartials == null) sumPartials = d.scratch("sum partials");
        CudaTensor c = dev("x", x);
        Kernels.reduceSum(c.dtype(), addr("acc", acc), sumPartials.floats(Kernels.REDUCE_WORKSPACE_FLOATS), c.address(),
                c.size(), squares, s);
    }

    @Override
    protected void clipFactorImpl(Tensor factor, Tensor normSq, double maxNorm) {
        Kernels.clipFactor(addr("factor", factor), addr("normSq", normSq), maxNorm, s);
    }

    @Override
    protected void scaleByImpl(Tensor t, Tensor factor) {
        CudaTensor c = dev("t", t);
        Kernels.scaleBy(c.dtype(), c.address(), addr("factor", factor), c.size(), s);
    }
}
