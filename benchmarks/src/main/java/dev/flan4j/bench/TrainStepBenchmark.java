package dev.flan4j.bench;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import java.util.SplittableRandom;
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
 * One model forward + backward on B x T tokens for a preset. tokens/s = B*T / time
 * (B=8, T=128 here: 1,024 tokens per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TrainStepBenchmark {
    @Param({"1m", "10m"})
    public String preset;

    @Param({"cpu"})
    public String backend;

    public static final int B = 8, T = 128;
    private Backend be;
    private Gpt model;
    private Batch batch;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.create(backend);
        GptConfig cfg = GptConfig.preset(preset);
        model = Gpt.initialized(cfg, be, 1);
        SplittableRandom r = new SplittableRandom(2);
        int[] tok = new int[B * T], tgt = new int[B * T];
        for (int i = 0; i < tok.length; i++) { tok[i] = r.nextInt(cfg.vocabSize()); tgt[i] = r.nextInt(cfg.vocabSize()); }
        batch = Batch.rows(B, T, tok, tgt);
    }

    @Benchmark
    public double forwardBackward() {
        model.zeroGrad();
        double loss = model.forwardBackward(batch, 1f / batch.targetCount());
        be.synchronize();
        return loss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        be.close();
    }
}
