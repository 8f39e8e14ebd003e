package dev.flan4j.tensor;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dense tensor owned by one {@link dev.flan4j.backend.Backend}. Row-major, contiguous; fp32, except the activations
 * a backend stores in bf16 ({@link dev.flan4j.backend.Backend#activations}), which read back as fp32.
 * A tensor is either an allocation (closing it frees the memory) or a view into one (closing it does nothing).
 * The backend decides where the elements live (host memory, device memory); read them with
 * {@code backend.toArray(t)}.
 *
 * <p>An allocation and its views share a write {@linkplain #version() version}, as PyTorch's tensors do: every
 * backend op bumps it on the tensors it writes, so a backend can tell whether a copy it derived from a tensor (a bf16
 * copy of the weights) is still current.
 */
public abstract class Tensor implements AutoCloseable {
    private final int[] shape;
    private final long size;
    private final AtomicLong version;   // shared by an allocation and its views

    /** An allocation: a new write version, starting at 0. */
    protected Tensor(int[] shape) {
        this(shape, null);
    }

    /** A view into {@code of}'s allocation (null: a new allocation); shares its write version. */
    protected Tensor(int[] shape, Tensor of) {
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        this.version = of == null ? new AtomicLong() : of.version;
    }

    /** The shape, e.g. {@code [B, T, C]}. */
    public int[] shape() { return shape.clone(); }

    /** Number of dimensions. */
    public int rank() { return shape.length; }

    /** Size of dimension {@code i}. */
    public int dim(int i) { return shape[i]; }

    /** Number of elements. */
    public long size() { return size; }

    /** A view of {@code Shapes.size(shape)} elements starting at element {@code offset} of this tensor. */
    public final Tensor view(long offset, int... shape) {
        long n = Shapes.size(shape);
        if (offset < 0 || offset + n > size) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + n) + ") with shape "
                    + Arrays.toString(shape) + " is outside a tensor of " + size + " elements " + Arrays.toString(this.shape));
        }
        return makeView(offset, shape);
    }

    /** The same elements with another shape of equal size. */
    public final Tensor reshape(int... shape) {
        if (Shapes.size(shape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(this.shape) + " to " + Arrays.toString(shape));
        }
        return makeView(0, shape);
    }

    /**
     * How many times ops have written into this tensor's allocation (through it or any view of it). Two equal readings
     * mean no backend op wrote in between.
     */
    public final long version() { return version.get(); }

    /** Records a write into this tensor's allocation; backends call it for every tensor an op writes. */
    public final void bumpVersion() { version.incrementAndGet(); }

    protected abstract Tensor makeView(long offset, int[] shape);

    @Override
    public abstract void close();

    @Override
    public String toString() {
        return getClass().getSimpleName() + Arrays.toString(shape);
    }
}
