package dev.flan4j.kernels;

import java.lang.reflect.Method;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.runtime.cudaStream_t;

/**
 * Raw addresses of JCuda objects, for passing JCuda allocations and streams to {@link Kernels}.
 *
 * <p>JCuda keeps the native value behind protected methods. Allocate through {@link DevicePointer}
 * ({@code JCuda.cudaMalloc(p, bytes)} / {@code JCudaDriver.cuMemAlloc(p, bytes)}) and create streams as
 * {@link Stream} ({@code JCuda.cudaStreamCreate(s)}) to read them directly; {@link #address(Pointer)} and
 * {@link #handle(NativePointerObject)} read any other JCuda object by reflection (e.g. the plain Pointer
 * returned by {@code withByteOffset}).
 *
 * <p>JCuda and libflan4j each link their own static CUDA runtime; both use the device's primary context,
 * so device memory and stream handles from one are valid in the other.
 */
public final class JCudaInterop {
    private JCudaInterop() {}

    /** A device pointer whose raw address (native pointer + byte offset) is readable. */
    public static class DevicePointer extends CUdeviceptr {
        /** The raw device address (0 when not allocated). */
        public long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A runtime stream whose raw {@code cudaStream_t} handle is readable. */
    public static class Stream extends cudaStream_t {
        /** The raw handle (0 = legacy default stream, also before cudaStreamCreate). */
        public long handle() {
            return getNativePointer();
        }
    }

    private static final Method NATIVE_POINTER;
    private static final Method BYTE_OFFSET;

    static {
        try {
            NATIVE_POINTER = NativePointerObject.class.getDeclaredMethod("getNativePointer");
            NATIVE_POINTER.setAccessible(true);
            BYTE_OFFSET = Pointer.class.getDeclaredMethod("getByteOffset");
            BYTE_OFFSET.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Raw address of any JCuda pointer (native pointer + byte offset); 0 for null. */
    public static long address(Pointer p) {
        if (p == null) {
            return 0L;
        }
        if (p instanceof DevicePointer d) {
            return d.address();
        }
        try {
            return (long) NATIVE_POINTER.invoke(p) + (long) BYTE_OFFSET.invoke(p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read JCuda pointer address", e);
        }
    }

    /** Raw handle of any JCuda object (a cudaStream_t, CUstream, cudaEvent_t...); 0 for null. */
    public static long handle(NativePointerObject o) {
        if (o == null) {
            return 0L;
        }
        if (o instanceof Stream s) {
            return s.handle();
        }
        try {
            return (long) NATIVE_POINTER.invoke(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read JCuda handle", e);
        }
    }
}
