package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcuda.Pointer;
import jcuda.runtime.cudaStream_t;
import org.junit.jupiter.api.Test;

/** Address extraction works without a GPU (no allocation needed). */
class JCudaInteropTest {

    @Test
    void unallocatedPointersAreZeroAndOffsetsAdd() {
        JCudaInterop.DevicePointer p = new JCudaInterop.DevicePointer();
        assertEquals(0L, p.address());
        assertEquals(0L, JCudaInterop.address(p));
        Pointer shifted = p.withByteOffset(256);
        assertEquals(256L, JCudaInterop.address(shifted));
        assertEquals(0L, JCudaInterop.address(null));
    }

    @Test
    void streamHandles() {
        assertEquals(0L, new JCudaInterop.Stream().handle());
        assertEquals(0L, JCudaInterop.handle(new cudaStream_t()));
        assertEquals(0L, JCudaInterop.handle(null));
    }
}
