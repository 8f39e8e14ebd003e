package dev.flan4j.bench;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square fp32 GEMM on the selected backend ({@code -p backend=cpu|cuda}). GFLOP/s = 2 n^3 / time:
 * JMH reports ms per op; {@link #report} prints the rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MatmulBenchmark {
    @Param({"256", "1024"})
    public int n;

    @Param({"cpu"})
    public String backend;

    private Backend be;
    private Tensor a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.create(backend);
        float[] x = new float[n * n];
        for (int i = 0; i < x.length; i++) x[i] = (i % 17) * 0.01f;
        a = be.fromArray(x, n, n);
        b = be.fromArray(x, n, n);
        c = be.zeros(n, n);
    }

    @Benchmark
    public void matmul() {
        be.matmul(c, a, b, 1, n, n, n, false, true, 1f, 0f);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
        be.close();
    }
}
