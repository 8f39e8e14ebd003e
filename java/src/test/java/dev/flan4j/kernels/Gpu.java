package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * Test helper: device buffers through JCuda's runtime API, handed to our kernels as raw addresses.
 * JCuda and libflan4j each link a static CUDA runtime; both use the device's primary context, so
 * memory from one is valid in the other.
 */
final class Gpu implements AutoCloseable {

    /** Skips the calling test (visible reason) unless the native library is loaded and a device exists. */
    static void assumeDevice() {
        assumeTrue(Kernels.isLoaded(), "native library not loaded (CPU-only build)");
        assumeTrue(Kernels.deviceCount() > 0, "no CUDA device");
        JCuda.setExceptionsEnabled(true);
    }

    /** A device allocation; {@link #address()} is the raw pointer passed to the kernels (same idea as dev.flan4j.backend.cuda.JCudaInterop.DevicePointer). */
    static final class Buf extends Pointer {
        final long bytes;

        Buf(long bytes) {
            this.bytes = bytes;
        }

        long address() {
            return getNativePointer() + getByteOffset();
        }

        /** Raw address of element {@code index} of {@code elemBytes}-sized elements. */
        long at(long index, int elemBytes) {
            return address() + index * elemBytes;
        }
    }

    private final List<Buf> buffers = new ArrayList<>();

    Buf alloc(long bytes) {
        Buf b = new Buf(Math.max(bytes, 4));
        JCuda.cudaMalloc(b, b.bytes);
        JCuda.cudaMemset(b, 0, b.bytes);
        buffers.add(b);
        return b;
    }

    Buf floats(float[] host) {
        Buf b = alloc(4L * host.length);
        JCuda.cudaMemcpy(b, Pointer.to(host), 4L * host.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
        return b;
    }

    Buf ints(int[] host) {
        Buf b = alloc(4L * host.length);
        JCuda.cudaMemcpy(b, Pointer.to(host), 4L * host.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
        return b;
    }

    /** Uploads {@code host} rounded to bf16 (round to nearest even). */
    Buf bf16(float[] host) {
        short[] h = new short[host.length];
        for (int i = 0; i < host.length; i++) {
            h[i] = toBf16(host[i]);
        }
        Buf b = alloc(2L * host.length);
        JCuda.cudaMemcpy(b, Pointer.to(h), 2L * host.length, cudaMemcpyKind.cudaMemcpyHostToDevice);
        return b;
    }

    Buf zerosF32(long n) {
        return alloc(4L * n);
    }

    float[] readFloats(Buf b, int n) {
        sync();
        float[] h = new float[n];
        JCuda.cudaMemcpy(Pointer.to(h), b, 4L * n, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        return h;
    }

    int[] readInts(Buf b, int n) {
        sync();
        int[] h = new int[n];
        JCuda.cudaMemcpy(Pointer.to(h), b, 4L * n, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        return h;
    }

    float[] readBf16(Buf b, int n) {
        sync();
        short[] h = new short[n];
        JCuda.cudaMemcpy(Pointer.to(h), b, 2L * n, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = fromBf16(h[i]);
        }
        return f;
    }

    void sync() {
        JCuda.cudaDeviceSynchronize();
    }

    @Override
    public void close() {
        for (Buf b : buffers) {
            JCuda.cudaFree(b);
        }
        buffers.clear();
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7fc0;
        }
        int lsb = (bits >>> 16) & 1;
        bits += 0x7fff + lsb;
        return (short) (bits >>> 16);
    }

    static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    static float roundBf16(float f) {
        return fromBf16(toBf16(f));
    }
}
