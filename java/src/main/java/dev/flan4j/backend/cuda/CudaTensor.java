package dev.flan4j.backend.cuda;

import dev.flan4j.kernels.KernelDType;
import dev.flan4j.tensor.Shapes;
import dev.flan4j.tensor.Tensor;
import jcuda.Pointer;
import jcuda.runtime.JCuda;

/**
 * A tensor in device memory: a {@code cudaMalloc} allocation (the owner) or a view into one. Views share the
 * owner's allocation and element type and add an element offset; closing a view does nothing, closing the owner frees
 * the memory (once). Using a view after its owner is closed is a bug the caller must avoid, as with the CPU backend.
 * Elements are fp32, except the activations {@link CudaBackend} stores as bf16 in its bf16 mode
 * ({@link CudaBackend#activations}); {@link #dtype()} says which.
 */
public final class CudaTensor extends Tensor {
    private final JCudaInterop.DevicePointer base;   // the allocation
    private final long offset;                       // elements from base
    private final boolean owner;
    private final CudaTensor root;                   // the owner (this for owners)
    private final KernelDType dtype;                 // F32 or BF16
    private final int eb;                            // bytes per element
    private volatile boolean freed;

    private CudaTensor(int[] shape, JCudaInterop.DevicePointer base, long offset, boolean owner, CudaTensor root,
                       KernelDType dtype) {
        super(shape, root);
        this.dtype = dtype;
        this.eb = dtype.bytes();
        this.base = base;
        this.offset = offset;
        this.owner = owner;
        this.root = root == null ? this : root;
    }

    /** A new zero-filled fp32 allocation (synchronous memset: the memory is ready when this returns). */
    static CudaTensor allocate(int[] shape) {
        return allocate(shape, KernelDType.F32);
    }

    /** A new zero-filled allocation of fp32 or bf16 elements. */
    static CudaTensor allocate(int[] shape, KernelDType dtype) {
        if (dtype != KernelDType.F32 && dtype != KernelDType.BF16) {
            throw new IllegalArgumentException("CUDA tensors are fp32 or bf16, got " + dtype.label());
        }
        long n = Shapes.size(shape), bytes = (long) dtype.bytes() * n;
        JCudaInterop.DevicePointer p = new JCudaInterop.DevicePointer();
        JCuda.cudaMalloc(p, Math.max(4, bytes));
        JCuda.cudaMemset(p, 0, bytes);
        return new CudaTensor(shape, p, 0, true, null, dtype);
    }

    /** The element type: fp32, or bf16 for activations stored in bf16. */
    KernelDType dtype() {
        return dtype;
    }

    /** Raw device address of the first element, for the kernels. */
    public long address() {
        if (root.freed) throw new IllegalStateException("tensor " + this + " is used after its allocation was closed");
        return base.address() + (long) eb * offset;
    }

    /** Raw device address of element {@code i}. */
    long address(long i) {
        return address() + (long) eb * i;
    }

    /** A JCuda pointer to the first element (for cudaMemcpy). */
    Pointer pointer() {
        if (root.freed) throw new IllegalStateException("tensor " + this + " is used after its allocation was closed");
        return offset == 0 ? base : base.withByteOffset((long) eb * offset);
    }

    /** A JCuda pointer to element {@code i}. */
    Pointer pointer(long i) {
        return pointer().withByteOffset((long) eb * i);
    }

    /** Bytes this tensor spans. */
    long bytes() {
        return (long) eb * size();
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
        return new CudaTensor(shape, base, this.offset + offset, false, root, dtype);
    }

    @Override
    public void close() {
        if (owner && !freed) {
            freed = true;
            JCuda.cudaFree(base);
        }
    }

    @Override
    public String toString() {
        return dtype == KernelDType.F32 ? super.toString() : super.toString() + " " + dtype.label();
    }
}
