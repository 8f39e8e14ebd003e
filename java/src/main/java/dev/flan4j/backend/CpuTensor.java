package dev.flan4j.backend;

import dev.flan4j.tensor.Tensor;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/** A tensor in off-heap host memory, so OpenBLAS reads it in place. */
final class CpuTensor extends Tensor {
    private final FloatPointer owner;   // null for views
    final FloatBuffer buf;              // exactly this tensor's elements, index 0 = first element

    private CpuTensor(int[] shape, FloatPointer owner, FloatBuffer buf, CpuTensor of) {
        super(shape, of);
        this.owner = owner;
        this.buf = buf;
    }

    static CpuTensor allocate(int[] shape) {
        long n = dev.flan4j.tensor.Shapes.size(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CPU tensors hold at most " + Integer.MAX_VALUE + " elements, got " + n);
        }
        FloatPointer p = new FloatPointer(n);
        p.zero();
        return new CpuTensor(shape, p, p.asBuffer(), null);
    }

    @Override
    protected Tensor makeView(long offset, int[] shape) {
        int n = (int) dev.flan4j.tensor.Shapes.size(shape);
        return new CpuTensor(shape, null, buf.slice((int) offset, n), this);
    }

    @Override
    public void close() {
        if (owner != null) owner.deallocate();
    }
}
