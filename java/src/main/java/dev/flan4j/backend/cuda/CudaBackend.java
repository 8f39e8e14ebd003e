package dev.flan4j.backend.cuda;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.OpChecks;
import dev.flan4j.backend.Reduction;
import dev.flan4j.kernels.AttentionArgs;
import dev.flan4j.kernels.KernelDType;
import dev.flan4j.kernels.KernelException;
import dev.flan4j.kernels.Kernels;
import dev.flan4j.profile.Dtype;
import dev.flan4j.profile.L2Flush;
import dev.flan4j.profile.Op;
import dev.flan4j.profile.OpSpec;
import dev.flan4j.profile.ProfilingSupport;
import dev.flan4j.profile.Timer;
import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaMemcpyKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Backend} on one CUDA device: memory, streams and events through JCuda's runtime API, every op through
 * the flan4j kernels ({@link Kernels}), GEMM through cuBLAS loaded by the native library at run time.
 *
 * <h2>Streams and host transfers</h2>
 * All kernels run on one stream created by this backend ({@code cudaStreamCreate}, a blocking stream);
 * {@link #synchronize()} waits for it. Host-to-device uploads ({@link #fromArray}, token ids, targets, cuSeqlens) and
 * downloads ({@link #toArray}, the reduced loss) use the synchronous {@code cudaMemcpy}, i.e. the legacy default
 * stream, which the driver orders after all earlier work on our blocking stream: an upload into a scratch buffer
 * therefore never overwrites ids that a queued kernel still reads, and a download sees every queued result.
 * Ops that take host int arrays are hence not fully asynchronous; the training step has three such uploads per
 * micro-batch (tokens+positions, cuSeqlens, targets) plus one scalar readback (the loss).
 *
 * <h2>Attention and the lse layout</h2>
 * {@link Backend} defines {@code lse} as [N, NH]. The fused kernels (head dims 32, 64, 128) use [NH, N]: the forward
 * writes an internal [NH, N] buffer and transposes it into the caller's lse; the backward transposes the caller's
 * lse back. So the tensor passed as lse always holds the Backend layout and works with either backend's backward.
 * Other head dims (1..256, e.g. 16 in the tiny preset) use simple one-warp-per-(token, head) kernels that read and
 * write [N, NH] directly. {@link #attentionDecode} (KV cache) uses the same simple kernel family for every head dim.
 *
 * <h2>Precision</h2>
 * Everything is fp32 today: activations, parameters, gradients, optimizer state; GEMMs use full fp32 (no TF32)
 * unless the system property {@code flan4j.cuda.tf32=true} is set. {@link #sumOfSquares} accumulates in fp32 on the
 * device (the CPU backend accumulates in double): relative error about 1e-6 for the sizes of a model.
 * <p>Where bf16 mixed precision would plug in: the kernels already take {@link KernelDType#BF16} activations with fp32
 * statistics, parameter gradients and accumulation (layer norm, GELU, bias, add, embedding output, cross-entropy
 * logits, GEMM A/B). A bf16 mode would keep the fp32 master weights and AdamW state here unchanged, add a bf16 copy of
 * the weights refreshed after each {@link #adamW} ({@link Kernels#cast}), store activations as bf16 (a CudaTensor
 * dtype field) and pass {@code BF16} instead of {@code F32} in the calls below. Attention would stay fp32 until the
 * fused kernels gain bf16. Not implemented: the Backend interface is fp32 and no test covers it yet.
 */
public final class CudaBackend implements Backend, ProfilingSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
    /** System property: let fp32 GEMMs use TF32 tensor cores (default false). */
    public static final String TF32_PROPERTY = "flan4j.cuda.tf32";
    /** The message for machines without a driver or device. */
    public static final String NO_DEVICE = "no CUDA device";
    /** The message when neither cuBLAS library loads. */
    public static final String NO_CUBLAS = "cuBLAS not found (libcublas.so.13 / .12)";

    private static final KernelDType F32 = KernelDType.F32;

    private final int deviceIndex;
    private final JCudaInterop.Stream stream = new JCudaInterop.Stream();
    private final long s;   // raw stream handle
    private final String deviceName;
    private final long l2Bytes;
    private final String blasLibrary;
    private final int gemmFlags;
    private boolean closed;

    // Device scratch, grown on demand (see the class comment for why reuse is safe).
    private final Scratch ids = new Scratch("ids");           // tokens + positions, or targets
    private final Scratch cu = new Scratch("cuSeqlens");      // cuSeqlens / doc bounds
    private final Scratch lseT = new Scratch("lse [NH, N]");  // fused attention's lse layout
    private final Scratch delta = new Scratch("delta");       // attention backward workspace
    private final Scratch reduced = new Scratch("reduced");   // cross-entropy float[2], sumOfSquares float[1]

    /** Why CUDA cannot run here, or null; never throws. */
    static String unavailableReason() {
        try {
            if (!Kernels.isLoaded()) {
                return "flan4j native library not loaded ("
                        + Kernels.loadError().map(Throwable::toString).orElse("unknown error")
                        + "); a CPU-only build has no CUDA kernels";
            }
            int n;
            try {
                n = Kernels.deviceCount();
            } catch (KernelException e) {
                return "CUDA error while counting devices: " + e.getMessage();
            }
            if (n == 0) return NO_DEVICE;
            try {
                Kernels.loadBlas();
            } catch (KernelException e) {
                LOG.debug("cuBLAS load failed: {}", e.getMessage());
                return NO_CUBLAS;
            }
            try {
                int[] count = new int[1];
                JCuda.setExceptionsEnabled(true);
                JCuda.cudaGetDeviceCount(count);
                if (count[0] == 0) return NO_DEVICE;
            } catch (LinkageError | RuntimeException e) {
                return "JCuda runtime unavailable: " + e;
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "CUDA check failed: " + e;
        }
    }

    /**
     * Opens device 0 (choose a GPU with {@code CUDA_VISIBLE_DEVICES}: JCuda's runtime and libflan4j's keep separate
     * per-thread current devices, and both default to 0, so device 0 is the one they always agree on).
     * Check {@link #unavailableReason()} first.
     */
    public CudaBackend() {
        String why = unavailableReason();
        if (why != null) throw new IllegalStateException("CUDA backend unavailable: " + why);
        JCuda.setExceptionsEnabled(true);
        this.deviceIndex = 0;
        JCuda.cudaSetDevice(deviceIndex);
        JCuda.cudaStreamCreate(stream);
        this.s = stream.handle();
        cudaDeviceProp prop = new cudaDeviceProp();
        JCuda.cudaGetDeviceProperties(prop, deviceIndex);
        this.deviceName = prop.getName();
        this.l2Bytes = prop.l2CacheSize;
        this.blasLibrary = Kernels.loadBlas();
        this.gemmFlags = Boolean.getBoolean(TF32_PROPERTY) ? Kernels.GEMM_ALLOW_TF32 : 0;
        LOG.debug("CUDA backend on device {} ({}), L2 {} bytes, {}", deviceIndex, deviceName, l2Bytes, blasLibrary);
    }

    @Override public String name() { return "cuda"; }

    @Override
    public String device() {
        return deviceName + " (device " + deviceIndex + "), " + blasLibrary + (gemmFlags != 0 ? ", TF32 GEMM" : "");
    }

    /** The raw stream handle the kernels run on. */
    public long stream() { return s; }

    // ------------------------------------------------------------------------------------------------ memory

    @Override
    public Tensor zeros(int... shape) {
        checkOpen();
        return CudaTensor.allocate(shape);
    }

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        if (data == null) throw new IllegalArgumentException("data is null");
        if (Shapes.size(shape) != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Arrays.toString(shape) + " needs " + Shapes.size(shape));
        }
        CudaTensor t = (CudaTensor) zeros(shape);
        JCuda.cudaMemcpy(t.pointer(), Pointer.to(data), 4L * data.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
        return t;
    }

    @Override
    public float[] toArray(Tensor t) {
        CudaTensor c = dev("t", t);
        if (c.size() > Integer.MAX_VALUE) throw new IllegalArgumentException("t has " + c.size() + " elements, too many for an array");
        float[] out = new float[(int) c.size()];
        synchronize();
        JCuda.cudaMemcpy(Pointer.to(out), c.pointer(), c.bytes(), cudaMemcpyKind.cudaMemcpyDeviceToHost);
        return out;
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        CudaTensor d = dev("dst", dst), sr = dev("src", src);
        if (d.size() != sr.size()) {
            throw new IllegalArgumentException("copy: dst has " + d.size() + " elements, src has " + sr.size());
        }
        JCuda.cudaMemcpyAsync(d.pointer(), sr.pointer(), d.bytes(), cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream);
    }

    @Override
    public void fill(Tensor t, float value) {
        CudaTensor c = dev("t", t);
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            JCuda.cudaMemsetAsync(c.pointer(), 0, c.bytes(), stream);
        } else {
            Kernels.fill(c.address(), value, c.size(), s);
        }
    }

    @Override
    public void synchronize() {
        checkOpen();
        JCuda.cudaStreamSynchronize(stream);
    }

    // ------------------------------------------------------------------------------------------------ GEMM

    /** Row-major batched GEMM through {@link Kernels#gemm} (cuBLAS; see its Javadoc for the row-major mapping). */
    @Override
    public void matmul(Tensor out, Tensor a, Tensor bm, int batch, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, float beta) {
        OpChecks.matmul(out, a, bm, batch, m, n, k);
        long sa = (long) m * k, sb = (long) k * n, so = (long) m * n;
        int lda = transA ? m : k, ldb = transB ? k : n;
        Kernels.gemm(F32, F32, transA, transB, m, n, k, alpha, dev("a", a).address(), lda, sa,
                dev("b", bm).address(), ldb, sb, beta, dev("out", out).address(), n, so, batch, gemmFlags, s);
    }

    @Override
    public void addBias(Tensor out, Tensor bias, int rows, int cols) {
        Shapes.requireSize("out", out, (long) rows * cols);
        Shapes.requireSize("bias", bias, cols);
        Kernels.biasAdd(F32, dev("out", out).address(), dev("bias", bias).address(), rows, cols, s);
    }

    @Override
    public void biasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        Shapes.requireSize("dout", dout, (long) rows * cols);
        Shapes.requireSize("dbias", dbias, cols);
        Kernels.biasBackward(F32, dev("dbias", dbias).address(), dev("dout", dout).address(), rows, cols, s);
    }

    // ------------------------------------------------------------------------------------------------ layer norm

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor weight, Tensor bias,
                                 int N, int C, float eps) {
        OpChecks.layerNorm(out, mean, rstd, x, weight, bias, N, C);
        Kernels.layerNormForward(F32, dev("out", out).address(), dev("mean", mean).address(),
                dev("rstd", rstd).address(), dev("x", x).address(), dev("weight", weight).address(),
                dev("bias", bias).address(), 1, N, C, eps, s);
    }

    @Override
    public void layerNormBackward(Tensor dx, Tensor dweight, Tensor dbias, Tensor dout, Tensor x, Tensor weight,
                                  Tensor mean, Tensor rstd, int N, int C) {
        OpChecks.layerNormBackward(dx, dweight, dbias, dout, x, weight, mean, rstd, N, C);
        if (dev("dx", dx).address() == dev("dout", dout).address()) {
            throw new IllegalArgumentException("layerNormBackward: dx must not alias dout (dx is accumulated into)");
        }
        Kernels.layerNormBackward(F32, dev("dx", dx).address(), dev("dweight", dweight).address(),
                dev("dbias", dbias).address(), dev("dout", dout).address(), dev("x", x).address(),
                dev("weight", weight).address(), dev("mean", mean).address(), dev("rstd", rstd).address(),
                1, N, C, true, s);
    }

    // ------------------------------------------------------------------------------------------------ attention

    /** True when the fused (FlashAttention-style) kernels handle this head dim. */
    static boolean fusedHeadDim(int HD) {
        return HD == 32 || HD == 64 || HD == 128;
    }

    private static int checkAttention(Tensor qkv, int[] cuSeqlens, int N, int NH, int HD) {
        Shapes.requirePositive("N", N);
        Shapes.requirePositive("NH", NH);
        Shapes.requirePositive("HD", HD);
        if (HD > Kernels.GENERIC_MAX_HEAD_DIM) {
            throw new IllegalArgumentException("HD=" + HD + " is not supported by the CUDA backend (at most "
                    + Kernels.GENERIC_MAX_HEAD_DIM + ")");
        }
        return OpChecks.attention(qkv, cuSeqlens, N, NH, HD);
    }

    /** [0, N): first row of each token's document; [N, 2N): one past its last row. */
    static int[] docBounds(int[] cuSeqlens, int N) {
        int[] b = new int[2 * N];
        for (int d = 0; d + 1 < cuSeqlens.length; d++) {
            for (int t = cuSeqlens[d]; t < cuSeqlens[d + 1]; t++) {
                b[t] = cuSeqlens[d];
                b[N + t] = cuSeqlens[d + 1];
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
    public void attentionForward(Tensor out, Tensor lse, Tensor qkv, int[] cuSeqlens, int N, int NH, int HD, float scale) {
        int C = checkAttention(qkv, cuSeqlens, N, NH, HD);
        Shapes.requireSize("out", out, (long) N * C);
        Shapes.requireSize("lse", lse, (long) N * NH);
        CudaTensor q = dev("qkv", qkv), o = dev("out", out), l = dev("lse", lse);
        if (fusedHeadDim(HD)) {
            AttentionArgs a = fusedArgs(q, cuSeqlens, N, NH, HD, scale);
            a.o = o.address();
            a.lse = lseT.floats((long) NH * N);
            Kernels.attentionForward(a, s);
            Kernels.transpose(l.address(), a.lse, NH, N, s);              // [NH, N] -> [N, NH]
        } else {
            long bounds = cu.ints(docBounds(cuSeqlens, N));
            Kernels.attentionGenericForward(q.address(), o.address(), l.address(), bounds, N, NH, HD, scale, s);
        }
    }

    @Override
    public void attentionBackward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int[] cuSeqlens,
                                  int N, int NH, int HD, float scale) {
        int C = checkAttention(qkv, cuSeqlens, N, NH, HD);
        Shapes.requireSize("dqkv", dqkv, (long) N * 3 * C);
        Shapes.requireSize("dout", dout, (long) N * C);
        Shapes.requireSize("out", out, (long) N * C);
        Shapes.requireSize("lse", lse, (long) N * NH);
        CudaTensor q = dev("qkv", qkv), dq = dev("dqkv", dqkv), dO = dev("dout", dout), o = dev("out", out),
                l = dev("lse", lse);
        if (fusedHeadDim(HD)) {
            AttentionArgs a = fusedArgs(q, cuSeqlens, N, NH, HD, scale);
            a.o = o.address();
            a.lse = lseT.floats((long) NH * N);
            Kernels.transpose(a.lse, l.address(), N, NH, s);              // [N, NH] -> [NH, N]
            a.dout = dO.address();
            a.dq = dq.address();
            a.dk = dq.address(C);
            a.dv = dq.address(2L * C);
            a.dqRowStride = a.dkRowStride = a.dvRowStride = 3L * C;
            a.delta = delta.floats((long) NH * N);
            Kernels.attentionBackward(a, s);
        } else {
            long bounds = cu.ints(docBounds(cuSeqlens, N));
            Kernels.attentionGenericBackward(dq.address(), delta.floats((long) NH * N), dO.address(), q.address(),
                    o.address(), l.address(), bounds, N, NH, HD, scale, s);
        }
    }

    @Override
    public void attentionDecode(Tensor out, Tensor qkvNew, Tensor kCache, Tensor vCache, int start, int n,
                                int NH, int HD, float scale) {
        int C = OpChecks.decode(out, qkvNew, kCache, vCache, start, n, NH, HD);
        if (HD > Kernels.GENERIC_MAX_HEAD_DIM) {
            throw new IllegalArgumentException("HD=" + HD + " is not supported by the CUDA backend (at most "
                    + Kernels.GENERIC_MAX_HEAD_DIM + ")");
        }
        Kernels.attentionDecode(dev("out", out).address(), dev("qkvNew", qkvNew).address(),
                dev("kCache", kCache).address(), dev("vCache", vCache).address(), start, n, (int) (kCache.size() / C), NH, HD, scale, s);
    }

    // ------------------------------------------------------------------------------------------------ small ops

    @Override
    public void geluForward(Tensor out, Tensor x, int n) {
        Shapes.requireSize("x", x, n);
        Shapes.requireSize("out", out, n);
        Kernels.geluForward(F32, dev("out", out).address(), dev("x", x).address(), n, s);
    }

    @Override
    public void geluBackward(Tensor dx, Tensor x, Tensor dout, int n) {
        Shapes.requireSize("x", x, n);
        Shapes.requireSize("dout", dout, n);
        Shapes.requireSize("dx", dx, n);
        Kernels.geluBackward(F32, dev("dx", dx).address(), dev("x", x).address(), dev("dout", dout).address(), n, s);
    }

    @Override
    public void embeddingForward(Tensor out, int[] tokens, int[] positions, Tensor wte, Tensor wpe, int N, int C) {
        OpChecks.embedding("out", out, tokens, positions, wte, wpe, N, C);
        int vocab = (int) (wte.size() / C), maxPos = (int) (wpe.size() / C);
        long tp = ids.ints(concat(tokens, positions, N));
        Kernels.embeddingForward(F32, dev("out", out).address(), tp, tp + 4L * N, dev("wte", wte).address(),
                dev("wpe", wpe).address(), 1, N, C, vocab, maxPos, s);
    }

    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int[] positions, int N, int C) {
        OpChecks.embedding("dout", dout, tokens, positions, dwte, dwpe, N, C);
        int vocab = (int) (dwte.size() / C), maxPos = (int) (dwpe.size() / C);
        long tp = ids.ints(concat(tokens, positions, N));
        Kernels.embeddingBackward(F32, dev("dwte", dwte).address(), dev("dwpe", dwpe).address(),
                dev("dout", dout).address(), tp, tp + 4L * N, 1, N, C, vocab, maxPos, s);
    }

    private static int[] concat(int[] a, int[] b, int n) {
        int[] r = new int[2 * n];
        System.arraycopy(a, 0, r, 0, n);
        System.arraycopy(b, 0, r, n, n);
        return r;
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b, long n) {
        Shapes.requireSize("a", a, n);
        Shapes.requireSize("b", b, n);
        Shapes.requireSize("out", out, n);
        Kernels.add(F32, dev("out", out).address(), dev("a", a).address(), dev("b", b).address(), n, s);
    }

    @Override
    public void scale(Tensor t, float sc) {
        CudaTensor c = dev("t", t);
        Kernels.scale(F32, c.address(), sc, c.size(), s);
    }

    /**
     * Cross-entropy through the fused kernel with the SUM reduction (its gradient is {@code gradScale * (p - onehot)}
     * per row with no 1/count factor, which is the Backend's {@code dlogitsScale} semantics); the mean is formed on
     * the host from the kernel's [sum, count]. Reads the reduced loss back (a synchronization point) unless the
     * reduction is NONE.
     */
    @Override
    public double crossEntropy(Tensor losses, Tensor logits, int[] targets, int N, int V, int Vp, int ignoreIndex,
                               Reduction reduction, float dlogitsScale) {
        OpChecks.crossEntropy(losses, logits, targets, N, V, Vp, ignoreIndex, reduction);
        long tg = ids.ints(targets.length == N ? targets : Arrays.copyOf(targets, N));
        long red = reduction == Reduction.NONE ? 0L : reduced.floats(2);
        Kernels.crossEntropy(F32, dev("logits", logits).address(), dev("losses", losses).address(), red, tg, 1, N, V,
                Vp, ignoreIndex, Reduction.SUM, 0f, 0f, dlogitsScale, dlogitsScale != 0f, s);
        if (reduction == Reduction.NONE) return Double.NaN;
        float[] r = new float[2];
        synchronize();
        JCuda.cudaMemcpy(Pointer.to(r), reduced.pointer(), 8, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        if (reduction == Reduction.SUM) return r[0];
        return r[1] == 0f ? 0.0 : (double) r[0] / r[1];
    }

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int t) {
        OpChecks.adamW(param, grad, m, v, n, t);
        Kernels.adamw(dev("param", param).address(), dev("grad", grad).address(), dev("m", m).address(),
                dev("v", v).address(), n, lr, beta1, beta2, eps, weightDecay, t, 1f, s);
    }

    /** Sum of squares on the device (fp32 accumulation in the kernel; see the class comment), read back. */
    @Override
    public double sumOfSquares(Tensor t) {
        CudaTensor c = dev("t", t);
        long out = reduced.floats(2);
        JCuda.cudaMemsetAsync(reduced.pointer(), 0, 4, stream);
        Kernels.sumSquares(F32, out, c.address(), c.size(), s);
        float[] r = new float[1];
        synchronize();
        JCuda.cudaMemcpy(Pointer.to(r), reduced.pointer(), 4, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        return r[0];
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            JCuda.cudaStreamSynchronize(stream);
        } finally {
            for (Scratch sc : new Scratch[] {ids, cu, lseT, delta, reduced}) sc.free();
            JCuda.cudaStreamDestroy(stream);
            Kernels.releaseThreadResources();
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the CUDA backend is closed");
    }

    private CudaTensor dev(String name, Tensor t) {
        if (t == null) throw new IllegalArgumentException(name + " is null");
        if (!(t instanceof CudaTensor c)) {
            throw new IllegalArgumentException(name + " is a " + t.getClass().getSimpleName() + ", not a CUDA tensor");
        }
        checkOpen();
        return c;
    }

    // ------------------------------------------------------------------------------------------------ scratch

    /** A device buffer that grows on demand; contents are per call. */
    private final class Scratch {
        private final String what;
        private JCudaInterop.DevicePointer ptr;
        private long bytes;

        Scratch(String what) {
            this.what = what;
        }

        private long ensure(long need) {
            need = Math.max(need, 256);
            if (need > bytes) {
                if (ptr != null) {
                    JCuda.cudaStreamSynchronize(stream);    // a queued kernel may still read the old buffer
                    JCuda.cudaFree(ptr);
                }
                ptr = new JCudaInterop.DevicePointer();
                long grown = Math.max(need, bytes * 2);
                JCuda.cudaMalloc(ptr, grown);
                bytes = grown;
                LOG.trace("scratch {} grown to {} bytes", what, grown);
            }
            return ptr.address();
        }

        /** Uploads {@code data} (synchronous cudaMemcpy, ordered after queued work) and returns its address. */
        long ints(int[] data) {
            long a = ensure(4L * data.length);
            JCuda.cudaMemcpy(ptr, Pointer.to(data), 4L * data.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
            return a;
        }

        /** Address of a buffer of at least {@code n} floats (uninitialized). */
        long floats(long n) {
            return ensure(4L * n);
        }

        Pointer pointer() {
            return ptr;
        }

        void free() {
            if (ptr != null) {
                JCuda.cudaFree(ptr);
                ptr = null;
                bytes = 0;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ profiling

    /** CUDA events recorded on this backend's stream. */
    @Override
    public Timer newTimer() {
        checkOpen();
        JCudaInterop.Event start = new JCudaInterop.Event(), stop = new JCudaInterop.Event();
        JCuda.cudaEventCreate(start);
        JCuda.cudaEventCreate(stop);
        return new Timer() {
            private boolean closedTimer;

            @Override
            public void start() {
                JCuda.cudaEventRecord(start, stream);
            }

            @Override
            public double stopMillis() {
                JCuda.cudaEventRecord(stop, stream);
                JCuda.cudaEventSynchronize(stop);
                float[] ms = new float[1];
                JCuda.cudaEventElapsedTime(ms, start, stop);
                return ms[0];
            }

            @Override
            public String description() {
                return "CUDA events (cudaEventRecord on the backend's stream, cudaEventElapsedTime)";
            }

            @Override
            public void close() {
                if (!closedTimer) {
                    closedTimer = true;
                    JCuda.cudaEventDestroy(start);
                    JCuda.cudaEventDestroy(stop);
                }
            }
        };
    }

    /** Writes a 2 x L2 buffer (cudaDeviceProp.l2CacheSize) with {@link #fill} before each run. */
    @Override
    public L2Flush newL2Flush() {
        if (l2Bytes <= 0) return L2Flush.none("the device reports no L2 size");
        return L2Flush.byWriting(this, l2Bytes);
    }

    @Override
    public Set<Dtype> dtypes(Op op) {
        return EnumSet.of(Dtype.FP32);
    }

    @Override
    public String launchConfig(OpSpec spec) {
        if (spec.op() == Op.MATMUL) return "cuBLAS (" + blasLibrary + ")" + (gemmFlags != 0 ? ", TF32" : ", fp32");
        if (spec.op() == Op.ATTENTION) return "flan4j fused attention for HD 32/64/128, else one warp per (token, head)";
        return null;
    }

    @Override
    public String gpuName() {
        return deviceName;
    }
}
