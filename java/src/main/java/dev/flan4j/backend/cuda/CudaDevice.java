package dev.flan4j.backend.cuda;

import dev.flan4j.kernels.KernelDType;
import dev.flan4j.kernels.KernelException;
import dev.flan4j.kernels.Kernels;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaMemcpyKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CUDA device as {@link CudaBackend} uses it: probing, the stream every kernel runs on, JCuda memory
 * (allocation, host transfers, copies) and device scratch buffers that grow on demand.
 *
 * <p>All kernels run on one stream created here ({@code cudaStreamCreate}, a blocking stream); {@link #synchronize()}
 * waits for it. Small host-to-device uploads (token ids, targets, cuSeqlens, tensors up to {@link Staging#MAX_BYTES})
 * go through {@link Staging}: the data is copied into a pinned host slot and {@code cudaMemcpyAsync} on our stream
 * moves it, so an upload never waits for the GPU; stream order puts it after every queued kernel, so it never
 * overwrites a scratch buffer that a queued kernel still reads. A slot is rewritten only after the event recorded
 * behind its last copy has fired. Larger uploads and every download use the synchronous {@code cudaMemcpy} (the
 * legacy default stream, which the driver orders after all earlier work on our blocking stream), so a download sees
 * every queued result.
 */
final class CudaDevice implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);

    final int index;
    final String name;
    final long l2Bytes;
    /** Compute capability, e.g. 9.0 for an H100 / H200 (8.0 and up have bf16 tensor cores). */
    final int ccMajor, ccMinor;
    final String blasLibrary;
    private final JCudaInterop.Stream stream = new JCudaInterop.Stream();
    /** The raw stream handle the kernels run on. */
    final long s;
    private final List<Scratch> scratch = new ArrayList<>();
    private final Staging staging = new Staging();
    private boolean closed;

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
            if (n == 0) return CudaBackend.NO_DEVICE;
            try {
                Kernels.loadBlas();
            } catch (KernelException e) {
                LOG.debug("cuBLAS load failed: {}", e.getMessage());
                return CudaBackend.NO_CUBLAS;
            }
            try {
                int[] count = new int[1];
                JCuda.setExceptionsEnabled(true);
                JCuda.cudaGetDeviceCount(count);
                if (count[0] == 0) return CudaBackend.NO_DEVICE;
            } catch (LinkageError | RuntimeException e) {
                return "JCuda runtime unavailable: " + e;
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "CUDA check failed: " + e;
        }
    }

    /** Opens device 0 with a new stream; call only when {@link #unavailableReason()} is null. */
    CudaDevice() {
        JCuda.setExceptionsEnabled(true);
        this.index = 0;
        JCuda.cudaSetDevice(index);
        JCuda.cudaStreamCreate(stream);
        this.s = stream.handle();
        cudaDeviceProp prop = new cudaDeviceProp();
        JCuda.cudaGetDeviceProperties(prop, index);
        this.name = prop.getName();
        this.l2Bytes = prop.l2CacheSize;
        this.ccMajor = prop.major;
        this.ccMinor = prop.minor;
        this.blasLibrary = Kernels.loadBlas();
        LOG.debug("CUDA device {} ({}), L2 {} bytes, {}", index, name, l2Bytes, blasLibrary);
    }

    /** The JCuda stream (for events). */
    JCudaInterop.Stream stream() {
        return stream;
    }

    // ------------------------------------------------------------------------------------------------ memory

    CudaTensor allocate(int[] shape) {
        return allocate(shape, KernelDType.F32);
    }

    CudaTensor allocate(int[] shape, KernelDType dtype) {
        checkOpen();
        return CudaTensor.allocate(shape, dtype);
    }

    CudaTensor upload(float[] data, int[] shape) {
        CudaTensor t = allocate(shape);
        if (!staging.upload(t.pointer(), data)) {
            JCuda.cudaMemcpy(t.pointer(), Pointer.to(data), 4L * data.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
        }
        return t;
    }

    /** The elements as fp32 (bf16 ones widened exactly: a bf16 value is the top half of an fp32 one). */
    float[] download(CudaTensor c) {
        int n = (int) c.size();
        float[] out = new float[n];
        synchronize();
        if (c.dtype() == KernelDType.BF16) {
            short[] h = new short[n];
            JCuda.cudaMemcpy(Pointer.to(h), c.pointer(), c.bytes(), cudaMemcpyKind.cudaMemcpyDeviceToHost);
            for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((h[i] & 0xffff) << 16);
            return out;
        }
        JCuda.cudaMemcpy(Pointer.to(out), c.pointer(), c.bytes(), cudaMemcpyKind.cudaMemcpyDeviceToHost);
        return out;
    }

    /** dst = src (same size); between fp32 and bf16 through {@link Kernels#cast} (round to nearest even). */
    void copy(CudaTensor dst, CudaTensor src) {
        if (dst.dtype() != src.dtype()) {
            Kernels.cast(dst.dtype(), dst.address(), src.dtype(), src.address(), dst.size(), s);
            return;
        }
        JCuda.cudaMemcpyAsync(dst.pointer(), src.pointer(), dst.bytes(), cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream);
    }

    /** Every element = value; a bf16 tensor gets value rounded to bf16 (nearest even), through {@code fp32} scratch. */
    void fill(CudaTensor c, float value, Scratch fp32) {
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            JCuda.cudaMemsetAsync(c.pointer(), 0, c.bytes(), stream);
        } else if (c.dtype() == KernelDType.BF16) {
            long tmp = fp32.floats(c.size());
            Kernels.fill(tmp, value, c.size(), s);
            Kernels.cast(KernelDType.BF16, c.address(), KernelDType.F32, tmp, c.size(), s);
        } else {
            Kernels.fill(c.address(), value, c.size(), s);
        }
    }

    /**
     * Copies {@code rows} rows of {@code rowFloats} floats on the stream: from {@code src} (rows {@code srcPitch} floats
     * apart) to {@code dst} (rows {@code dstPitch} floats apart), e.g. into a column block of a wider matrix.
     */
    void copyRows(Pointer dst, long dstPitch, Pointer src, long srcPitch, long rowFloats, long rows) {
        JCuda.cudaMemcpy2DAsync(dst, 4 * dstPitch, src, 4 * srcPitch, 4 * rowFloats, rows,
                cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream);
    }

    void synchronize() {
        checkOpen();
        JCuda.cudaStreamSynchronize(stream);
    }

    /** {@code t} as a CUDA tensor of this open device; the message names the argument. */
    CudaTensor dev(String what, Tensor t) {
        if (t == null) throw new IllegalArgumentException(what + " is null");
        if (!(t instanceof CudaTensor c)) {
            throw new IllegalArgumentException(what + " is a " + t.getClass().getSimpleName() + ", not a CUDA tensor");
        }
        checkOpen();
        return c;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the CUDA backend is closed");
    }

    /** Waits for the stream, frees the scratch buffers and the stream, releases this thread's cuBLAS handles. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            JCuda.cudaStreamSynchronize(stream);
        } finally {
            for (Scratch sc : scratch) sc.free();
            staging.free();
            JCuda.cudaStreamDestroy(stream);
            Kernels.releaseThreadResources();
        }
    }

    // ------------------------------------------------------------------------------------------------ scratch

    /** A new scratch buffer of this device (freed by {@link #close()}). */
    Scratch scratch(String what) {
        Scratch sc = new Scratch(what);
        scratch.add(sc);
        return sc;
    }

    /** A device buffer that grows on demand; contents are per call (see the class comment for why reuse is safe). */
    final class Scratch {
        private final String what;
        private JCudaInterop.DevicePointer ptr;
        private long bytes;

        private Scratch(String what) {
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

        /** Uploads {@code data} on the stream (ordered after queued work, see {@link Staging}) and returns its address. */
        long ints(int[] data) {
            long a = ensure(4L * data.length);
            if (!staging.upload(ptr, data)) {
                JCuda.cudaMemcpy(ptr, Pointer.to(data), 4L * data.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
            }
            return a;
        }

        /** Address of a buffer of at least {@code n} floats (uninitialized). */
        long floats(long n) {
            return ensure(4L * n);
        }

        /** Address of a buffer of at least {@code n} 2-byte elements (bf16; uninitialized). */
        long halves(long n) {
            return ensure(2L * n);
        }

        /** A JCuda pointer to byte {@code byteOffset} of the buffer (for cudaMemcpy2DAsync). */
        Pointer pointer(long byteOffset) {
            return ptr.withByteOffset(byteOffset);
        }

        /** Zeroes the first {@code n} floats on the stream (the buffer must hold them). */
        void zeroAsync(int n) {
            JCuda.cudaMemsetAsync(ptr, 0, 4L * n, stream);
        }

        /** Waits for the stream and reads the first {@code n} floats back. */
        float[] read(int n) {
            float[] r = new float[n];
            synchronize();
            JCuda.cudaMemcpy(Pointer.to(r), ptr, 4L * n, cudaMemcpyKind.cudaMemcpyDeviceToHost);
            return r;
        }

        void free() {
            if (ptr != null) {
                JCuda.cudaFree(ptr);
                ptr = null;
                bytes = 0;
            }
        }

        /** Frees the buffer now (after the queued work that may read it) and forgets it; do not use it afterwards. */
        void release() {
            if (ptr != null) JCuda.cudaStreamSynchronize(stream);
            free();
            scratch.remove(this);
        }
    }
    // ------------------------------------------------------------------------------------------------ staging

    /**
     * Pinned host memory for asynchronous uploads: a ring of {@link #SLOTS} slots ({@code cudaMallocHost}, grown on
     * demand up to {@link #MAX_BYTES}), each with an event recorded on the stream behind the copy that last read it.
     * Writing a slot first waits for that event, which with 16 slots in turn has long fired: uploads do not stall the
     * host unless 16 of them are queued behind unfinished kernels.
     */
    final class Staging {
        static final int SLOTS = 16;
        /** Uploads larger than this go through the synchronous path (no pinned buffer that large is kept). */
        static final long MAX_BYTES = 8L << 20;
        private final Pointer[] host = new Pointer[SLOTS];
        private final long[] bytes = new long[SLOTS];
        private final JCudaInterop.Event[] done = new JCudaInterop.Event[SLOTS];
        private final boolean[] pending = new boolean[SLOTS];
        private int next;

        /** Queues a copy of {@code data} to {@code dst}; false (nothing queued) when it is larger than MAX_BYTES. */
        boolean upload(Pointer dst, int[] data) {
            return upload(dst, 4L * data.length, b -> b.asIntBuffer().put(data));
        }

        /** As {@link #upload(Pointer, int[])} for floats. */
        boolean upload(Pointer dst, float[] data) {
            return upload(dst, 4L * data.length, b -> b.asFloatBuffer().put(data));
        }

        /** Fills the next slot's first {@code n} bytes with {@code fill} and queues their copy to {@code dst}. */
        private boolean upload(Pointer dst, long n, java.util.function.Consumer<java.nio.ByteBuffer> fill) {
            if (n > MAX_BYTES) return false;
            int i = slot(n);
            fill.accept(host[i].getByteBuffer(0, n).order(java.nio.ByteOrder.nativeOrder()));
            if (n > 0) {
                JCuda.cudaMemcpyAsync(dst, host[i], n, cudaMemcpyKind.cudaMemcpyHostToDevice, stream);
                JCuda.cudaEventRecord(done[i], stream);
                pending[i] = true;
            }
            return true;
        }

        /** The next slot, its last copy finished, holding at least {@code n} bytes. */
        private int slot(long n) {
            checkOpen();
            int i = next;
            next = (next + 1) % SLOTS;
            if (pending[i]) {
                JCuda.cudaEventSynchronize(done[i]);
                pending[i] = false;
            }
            if (done[i] == null) {
                done[i] = new JCudaInterop.Event();
                JCuda.cudaEventCreateWithFlags(done[i], jcuda.runtime.JCuda.cudaEventDisableTiming);
            }
            if (n > bytes[i]) {
                if (host[i] != null) JCuda.cudaFreeHost(host[i]);
                long grown = Math.min(MAX_BYTES, Math.max(Math.max(n, 4096), bytes[i] * 2));
                host[i] = new Pointer();
                JCuda.cudaMallocHost(host[i], grown);
                bytes[i] = grown;
            }
            return i;
        }

        /** Frees the pinned slots and events (the stream has been synchronized). */
        void free() {
            for (int i = 0; i < SLOTS; i++) {
                if (host[i] != null) JCuda.cudaFreeHost(host[i]);
                if (done[i] != null) JCuda.cudaEventDestroy(done[i]);
                host[i] = null;
                done[i] = null;
                bytes[i] = 0;
                pending[i] = false;
            }
        }
    }
}
