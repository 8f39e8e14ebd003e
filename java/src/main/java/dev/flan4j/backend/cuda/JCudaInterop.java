package dev.flan4j.backend.cuda;

import jcuda.Pointer;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

/**
 * Hands JCuda's allocations and streams to the flan4j kernels. JCuda keeps raw addresses behind protected
 * accessors; these small subclasses expose them as the {@code long}s that {@link dev.flan4j.kernels.Kernels} takes.
 * JCuda's runtime and libflan4j each link a static CUDA runtime; both use the device's primary context, so pointers
 * and stream handles from one are valid in the other.
 */
public final class JCudaInterop {
    private JCudaInterop() {}

    /** A device allocation made with {@code cudaMalloc}; {@link #address()} is the raw device pointer. */
    public static final class DevicePointer extends Pointer {
        public DevicePointer() {}

        /** Raw device address (native pointer plus byte offset). */
        public long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A stream made with {@code cudaStreamCreate}; {@link #handle()} is the raw {@code cudaStream_t}. */
    public static final class Stream extends cudaStream_t {
        public Stream() {}

        public long handle() {
            return getNativePointer();
        }
    }

    /** A CUDA event (for timing). */
    public static final class Event extends cudaEvent_t {
        public Event() {}
    }
}
