package dev.flan4j.backend.cuda;

import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import jcuda.Pointer;
import jcuda.runtime.JCuda;

/**
 * An fp32 tensor in device memory: a {@code cudaMalloc} allocation (the owner) or a view into one. Views share the
 * owner's allocation and add an element offset; closing a view does nothing, closing the owner frees the memory
 * (once). Using a view after its owner is closed is a bug the caller must avoid, as with the CPU backend.
 */
public final class CudaTensor extends Tensor {
    private final JCudaInterop.DevicePointer base;   // the allocation
    private final long offset;                       // elements from base
    private final boolean owner;
    private final CudaTensor root;                   // the owner (this for owners)
    private volatile boolean freed;

    private CudaTensor(int[] shape, JCudaInterop.DevicePointer base, long offset, boolean owner, CudaTensor root) {
        super(shape, root);
        this.base = base;
        this.offset = offset;
        this.owner = owner;
        this.root = root == null ? this : root;
    }

    /** A new zero-filled allocation (synchronous memset: the memory is ready when this returns). */
    static CudaTensor allocate(int[] shape) {
        long n = Shapes.size(shape);
        JCudaInterop.DevicePointer p = new JCudaInterop.DevicePointer();
        JCuda.cudaMalloc(p, Math.max(4, 4 * n));
        JCuda.cudaMemset(p, 0, 4 * n);
        return new CudaTensor(shape, p, 0, true, null);
    }

    /** Raw device address of the first element, for the kernels. */
    public long address() {
        if (root.freed) throw new IllegalStateException("tensor " + this + " is used after its allocation was closed");
        return base.address() + 4 * offset;
    }

    /** Raw device address of element {@code i}. */
    long address(long i) {
        return address() + 4 * i;
    }

    /** A JCuda pointer to the first element (for cudaMemcpy). */
    Pointer pointer() {
        if (root.freed) throw new IllegalStateException("tensor " + this + " is used after its allocation was closed");
        return offset == 0 ? base : base.withByteOffset(4 * offset);
    }

    /** A JCuda pointer to element {@code i}. */
    Pointer pointer(long i) {
        return pointer().withByteOffset(4 * i);
    }

    /** Bytes this tensor spans. */
    long bytes() {
        return 4 * size();
    }

    /** The allocation this tensor is (this) or views. */
    CudaTensor root() {
        return root;
    }

    /** Elements from the start of the allocation. */
    long offset() {
        return offset;
    }

    /** Whether the allocation has been closed. */
    boolean isFreed() {
        return root.freed;
    }

    /** True for an allocation, false for a view. */
    public boolean isOwner() {
        return owner;
    }

    @Override
    protected Tensor makeView(long offset, int[] shape) {
        return new CudaTensor(shape, base, this.offset + offset, false, root);
    }

    @Override
    public void close() {
        if (owner && !freed) {
            freed = true;
            JCuda.cudaFree(base);
        }
    }
}
