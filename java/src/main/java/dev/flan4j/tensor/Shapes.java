package dev.flan4j.tensor;

import java.util.Arrays;

/** Shape arithmetic and the checks every op runs before touching memory. */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of a shape; every dimension must be positive. */
    public static long size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a dimension <= 0");
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Throws unless {@code t} holds at least {@code needed} elements; names the argument. */
    public static void requireSize(String name, Tensor t, long needed) {
        if (t == null) throw new IllegalArgumentException(name + " is null");
        if (t.size() < needed) {
            throw new IllegalArgumentException(name + " has " + t.size() + " elements " + Arrays.toString(t.shape())
                    + " but the op needs " + needed);
        }
    }

    /** Throws unless {@code t} is not null; names the argument. */
    public static void requireNonNull(String name, Tensor t) {
        if (t == null) throw new IllegalArgumentException(name + " is null");
    }

    /** Throws unless {@code v > 0}; names the argument. */
    public static void requirePositive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }

    /** Throws unless {@code array} holds at least {@code needed} elements; names the argument. */
    public static void requireLength(String name, int[] array, int needed) {
        if (array == null) throw new IllegalArgumentException(name + " is null");
        if (array.length < needed) {
            throw new IllegalArgumentException(name + " has length " + array.length + " but the op needs " + needed);
        }
    }
}
