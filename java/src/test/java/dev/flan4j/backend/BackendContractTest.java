package dev.flan4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same bad calls on every backend: {@link AbstractBackend} checks them before any compute, so each is an
 * {@link IllegalArgumentException} whose message names the argument and its value, identical on the CPU and (where a
 * device works) on CUDA.
 */
class BackendContractTest {

    /** A bad call: {@code call} allocates what it needs through {@code Alloc} and must throw. */
    record Bad(String name, Consumer<Alloc> call, String... fragments) {
        @Override public String toString() { return name; }
    }

    /** Allocates tensors on one backend and closes them afterwards. */
    static final class Alloc implements AutoCloseable {
        final Backend be;
        private final List<Tensor> all = new ArrayList<>();

        Alloc(Backend be) { this.be = be; }

        Tensor t(int... shape) {
            Tensor t = be.zeros(shape);
            all.add(t);
            return t;
        }

        @Override public void close() { all.forEach(Tensor::close); }
    }

    static Stream<Bad> cases() {
        int[] cu = {0, 2, 4};
        return Stream.of(
                new Bad("matmul out too small", a -> a.be.matmul(a.t(3), a.t(6), a.t(6), 1, 2, 2, 3, false, false, 1f, 0f),
                        "out has 3 elements", "needs 4"),
                new Bad("matmul k <= 0", a -> a.be.matmul(a.t(4), a.t(6), a.t(6), 1, 2, 2, -3, false, false, 1f, 0f),
                        "k must be > 0, got -3"),
                new Bad("matmul alpha NaN", a -> a.be.matmul(a.t(4), a.t(6), a.t(6), 1, 2, 2, 3, false, false, Float.NaN, 0f),
                        "alpha must be finite, got NaN"),
                new Bad("addBias rows 0", a -> a.be.addBias(a.t(4), a.t(2), 0, 2), "rows must be > 0, got 0"),
                new Bad("biasBackward dbias small", a -> a.be.biasBackward(a.t(1), a.t(4), 2, 2), "dbias has 1 elements"),
                new Bad("layerNorm eps < 0", a -> a.be.layerNormForward(a.t(2, 4), a.t(2), a.t(2), a.t(2, 4), a.t(4), a.t(4),
                        2, 4, -1f), "eps must be finite and >= 0, got -1.0"),
                new Bad("layerNorm x small", a -> a.be.layerNormForward(a.t(2, 4), a.t(2), a.t(2), a.t(7), a.t(4), a.t(4),
                        2, 4, 1e-5f), "x has 7 elements"),
                new Bad("layerNormBackward dx is dout", a -> {
                    Tensor d = a.t(2, 4);
                    a.be.layerNormBackward(d, a.t(4), a.t(4), d, a.t(2, 4), a.t(4), a.t(2), a.t(2), 2, 4);
                }, "dx must not alias dout"),
                new Bad("attention cuSeqlens", a -> a.be.attentionForward(a.t(4, 4), a.t(4, 2), a.t(4, 12),
                        new int[] {0, 2, 2, 4}, 4, 2, 2, 0.5f), "cuSeqlens must increase strictly", "cuSeqlens[2]=2"),
                new Bad("attention scale 0", a -> a.be.attentionForward(a.t(4, 4), a.t(4, 2), a.t(4, 12), cu, 4, 2, 2, 0f),
                        "scale must be finite and > 0, got 0.0"),
                new Bad("attention lse small", a -> a.be.attentionForward(a.t(4, 4), a.t(4), a.t(4, 12), cu, 4, 2, 2, 0.5f),
                        "lse has 4 elements", "needs 8"),
                new Bad("attentionBackward dqkv small", a -> a.be.attentionBackward(a.t(4, 4), a.t(4, 4), a.t(4, 12),
                        a.t(4, 4), a.t(4, 2), cu, 4, 2, 2, 0.5f), "dqkv has 16 elements", "needs 48"),
                new Bad("decode past the cache", a -> a.be.attentionDecode(a.t(2, 4), a.t(2, 12), a.t(3, 4), a.t(3, 4), 2, 2,
                        2, 2, 0.5f), "start=2 with n=2", "cache of 3 rows"),
                new Bad("decode scale NaN", a -> a.be.attentionDecode(a.t(2, 4), a.t(2, 12), a.t(3, 4), a.t(3, 4), 0, 2,
                        2, 2, Float.NaN), "scale must be finite and > 0, got NaN"),
                new Bad("gelu n 0", a -> a.be.geluForward(a.t(4), a.t(4), 0), "n must be > 0, got 0"),
                new Bad("add b small", a -> a.be.add(a.t(4), a.t(4), a.t(3), 4), "b has 3 elements"),
                new Bad("scale by infinity", a -> a.be.scale(a.t(4), Float.POSITIVE_INFINITY), "s must be finite, got Infinity"),
                new Bad("embedding token id", a -> a.be.embeddingForward(a.t(2, 2), new int[] {1, 5}, new int[] {0, 1},
                        a.t(5, 2), a.t(4, 2), 2, 2), "tokens[1] = 5 is outside [0, 5)"),
                new Bad("embedding wte null", a -> a.be.embeddingForward(a.t(2, 2), new int[] {1, 2}, new int[] {0, 1},
                        null, a.t(4, 2), 2, 2), "wte is null"),
                new Bad("embeddingBackward position id", a -> a.be.embeddingBackward(a.t(5, 2), a.t(4, 2), a.t(2, 2),
                        new int[] {1, 2}, new int[] {0, 4}, 2, 2), "positions[1] = 4 is outside [0, 4)"),
                new Bad("crossEntropy Vp < V", a -> a.be.crossEntropy(a.t(2), a.t(2, 8), new int[] {0, 1}, 2, 9, 8, -100,
                        Reduction.MEAN, 0f), "Vp=8 must be >= V=9"),
                new Bad("crossEntropy target", a -> a.be.crossEntropy(a.t(2), a.t(2, 8), new int[] {0, 7}, 2, 5, 8, -100,
                        Reduction.MEAN, 0f), "targets[1] = 7 is outside [0, 5)"),
                new Bad("crossEntropy reduction null", a -> a.be.crossEntropy(a.t(2), a.t(2, 8), new int[] {0, 1}, 2, 5, 8,
                        -100, null, 0f), "reduction is null"),
                new Bad("crossEntropy scale infinite", a -> a.be.crossEntropy(a.t(2), a.t(2, 8), new int[] {0, 1}, 2, 5, 8,
                        -100, Reduction.SUM, Float.POSITIVE_INFINITY), "dlogitsScale must be finite, got Infinity"),
                new Bad("adamW step 0", a -> a.be.adamW(a.t(2), a.t(2), a.t(2), a.t(2), 2, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 0),
                        "step t must be >= 1, got 0"),
                new Bad("adamW beta2 1", a -> a.be.adamW(a.t(2), a.t(2), a.t(2), a.t(2), 2, 0.1f, 0.9f, 1f, 1e-8f, 0f, 1),
                        "beta2 must be in [0, 1), got 1.0"),
                new Bad("adamW eps 0", a -> a.be.adamW(a.t(2), a.t(2), a.t(2), a.t(2), 2, 0.1f, 0.9f, 0.99f, 0f, 0f, 1),
                        "eps must be finite and > 0, got 0.0"),
                new Bad("adamW m small", a -> a.be.adamW(a.t(2), a.t(2), a.t(1), a.t(2), 2, 0.1f, 0.9f, 0.99f, 1e-8f, 0f, 1),
                        "m has 1 elements"),
                new Bad("adafactor col null", a -> a.be.adafactor(a.t(2, 3), a.t(2, 3), a.t(2), null, null, 2, 3, 0.1f,
                        0.5, 0f, 1.0, 1e-30), "needs row and col (factored) or v (full)", "col=null"),
                new Bad("adafactor row with v", a -> a.be.adafactor(a.t(2, 3), a.t(2, 3), a.t(2), null, a.t(6), 2, 3,
                        0.1f, 0.5, 0f, 1.0, 1e-30), "takes row = col = null"),
                new Bad("adafactor col small", a -> a.be.adafactor(a.t(2, 3), a.t(2, 3), a.t(2), a.t(2), null, 2, 3,
                        0.1f, 0.5, 0f, 1.0, 1e-30), "col has 2 elements", "needs 3"),
                new Bad("adafactor v small", a -> a.be.adafactor(a.t(6), a.t(6), null, null, a.t(5), 1, 6, 0.1f, 0.5,
                        0f, 1.0, 1e-30), "v has 5 elements", "needs 6"),
                new Bad("adafactor decay 1", a -> a.be.adafactor(a.t(6), a.t(6), null, null, a.t(6), 1, 6, 0.1f, 1.0,
                        0f, 1.0, 1e-30), "decay must be in [0, 1), got 1.0"),
                new Bad("adafactor clip 0", a -> a.be.adafactor(a.t(6), a.t(6), null, null, a.t(6), 1, 6, 0.1f, 0.5,
                        0f, 0.0, 1e-30), "clip must be finite and > 0, got 0.0"),
                new Bad("adafactor eps1 NaN", a -> a.be.adafactor(a.t(6), a.t(6), null, null, a.t(6), 1, 6, 0.1f, 0.5,
                        0f, 1.0, Double.NaN), "eps1 must be finite and > 0, got NaN"),
                new Bad("adafactor cols 0", a -> a.be.adafactor(a.t(6), a.t(6), null, null, a.t(6), 1, 0, 0.1f, 0.5,
                        0f, 1.0, 1e-30), "cols must be > 0, got 0"),
                new Bad("fromArray shape", a -> a.be.fromArray(new float[3], 2, 2), "data has 3 elements", "needs 4"),
                new Bad("zeros dim 0", a -> a.be.zeros(2, 0), "has a dimension <= 0"),
                new Bad("copy sizes", a -> a.be.copy(a.t(3), a.t(4)), "copy: dst has 3 elements, src has 4"),
                new Bad("fill null", a -> a.be.fill(null, 1f), "t is null"),
                new Bad("toArray null", a -> a.be.toArray(null), "t is null"),
                new Bad("sumOfSquares null", a -> a.be.sumOfSquares(null), "t is null"),
                new Bad("sumInto acc of two", a -> a.be.sumInto(a.t(2), a.t(4)), "acc must hold one element, got 2 [2]"),
                new Bad("sumInto x null", a -> a.be.sumInto(a.t(1), null), "x is null"),
                new Bad("sumInto acc is x", a -> {
                    Tensor x = a.t(1);
                    a.be.sumInto(x, x);
                }, "acc must not be x"),
                new Bad("sumOfSquaresInto acc null", a -> a.be.sumOfSquaresInto(null, a.t(4)), "acc is null"),
                new Bad("clipFactor normSq of three", a -> a.be.clipFactor(a.t(1), a.t(3), 1.0),
                        "normSq must hold one element, got 3 [3]"),
                new Bad("clipFactor maxNorm NaN", a -> a.be.clipFactor(a.t(1), a.t(1), Double.NaN),
                        "maxNorm must be finite, got NaN"),
                new Bad("clipFactor maxNorm infinite", a -> a.be.clipFactor(a.t(1), a.t(1), Double.POSITIVE_INFINITY),
                        "maxNorm must be finite, got Infinity"),
                new Bad("scaleBy factor of two", a -> a.be.scaleBy(a.t(4), a.t(1, 2)), "factor must hold one element, got 2 [1, 2]"),
                new Bad("scaleBy factor is t", a -> {
                    Tensor f = a.t(1);
                    a.be.scaleBy(f, f);
                }, "factor must not be t"),
                new Bad("rmsNorm x small", a -> a.be.rmsNormForward(a.t(2, 4), a.t(2), a.t(5), a.t(4), 2, 4, 1e-5f),
                        "x has 5 elements"),
                new Bad("rmsNorm eps NaN", a -> a.be.rmsNormForward(a.t(2, 4), a.t(2), a.t(2, 4), a.t(4), 2, 4, Float.NaN),
                        "eps must be finite and > 0, got NaN"),
                new Bad("rmsNormBackward dx is dout", a -> {
                    Tensor d = a.t(2, 4);
                    a.be.rmsNormBackward(d, a.t(4), d, a.t(2, 4), a.t(4), a.t(2), 2, 4);
                }, "dx must not alias dout"),
                new Bad("rope position", a -> a.be.ropeForward(a.t(2, 8), a.t(3, 2), a.t(3, 2), new int[] {0, 3}, 2, 8, 2,
                        4), "positions[1]=3 is outside the RoPE tables [0, 3)"),
                new Bad("ropeBackward odd HD", a -> a.be.ropeBackward(a.t(2, 6), a.t(3, 1), a.t(3, 1), new int[] {0, 1}, 2,
                        6, 2, 3), "HD must be even, got 3"),
                new Bad("swiglu x small", a -> a.be.swigluForward(a.t(3), a.t(7), 1, 4), "x has 7 elements"),
                new Bad("swigluBackward dx small", a -> a.be.swigluBackward(a.t(4), a.t(4), a.t(8), 1, 4),
                        "dx has 4 elements"));
    }

    /** The message of the bad call on {@code be}; asserts the type and that it names argument and value. */
    static String reject(Backend be, Bad c) {
        try (Alloc a = new Alloc(be)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.call().accept(a), c.name());
            assertEquals(IllegalArgumentException.class, e.getClass(), c.name() + ": " + e);
            for (String f : c.fragments()) {
                assertTrue(e.getMessage().contains(f), c.name() + ": '" + e.getMessage() + "' lacks '" + f + "'");
            }
            return e.getMessage();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cpuRejects(Bad c) {
        try (Backend cpu = new CpuBackend()) {
            reject(cpu, c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cudaRejectsIdenticallyToTheCpu(Bad c) {
        String why = cudaUnavailable();
        assumeTrue(why == null, () -> "CUDA backend unavailable: " + why);
        String cpuMessage;
        try (Backend cpu = new CpuBackend()) {
            cpuMessage = reject(cpu, c);
        }
        try (Backend cuda = Backends.create("cuda")) {
            assertEquals(cpuMessage, reject(cuda, c), c.name());
        }
    }

    private static String cudaUnavailable() {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("cuda")) return p.unavailableReason();
        }
        return "no CUDA provider in this build";
    }
}
