package dev.flan4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.tensor.Tensor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op bumps the {@linkplain Tensor#version() write version} of exactly the tensors it writes (AbstractBackend's
 * {@code wrote}): CUDA's bf16 copy of the weights ({@link Backend#markWeights}) is refreshed by it, so an op that wrote
 * a tensor without bumping it would let products read stale weights. Each op runs once on tensors of random contents;
 * a tensor whose contents changed must have been bumped, a declared output must have been bumped, and nothing else
 * may be. {@link #everyOpIsListed} fails for an op added to {@link Backend} without a case here.
 */
class BackendVersionTest {
    private static final int N = 4, C = 8, NH = 2, HD = 4, T = 6, V = 5, VP = 8, I = 3;

    /** Makes the tensors of one call (random contents) and remembers them with what they held. */
    static final class Ctx {
        final Backend be = new CpuBackend();
        final SplittableRandom rng = new SplittableRandom(7);
        final List<Tensor> made = new ArrayList<>();
        final List<float[]> before = new ArrayList<>();
        final List<String> names = new ArrayList<>();

        Tensor t(String name, int... shape) {
            float[] data = new float[Math.toIntExact(dev.flan4j.tensor.Shapes.size(shape))];
            for (int i = 0; i < data.length; i++) data[i] = (float) (0.5 + rng.nextDouble());
            Tensor t = be.fromArray(data, shape);
            made.add(t);
            before.add(data);
            names.add(name);
            return t;
        }
    }

    /** A call of op {@code op}: runs it on tensors it makes through the Ctx and returns the ones it writes. */
    record Call(String op, String label, Function<Ctx, Tensor[]> run) {
        @Override public String toString() { return label; }
    }

    static Call call(String op, Function<Ctx, Tensor[]> run) { return new Call(op, op, run); }

    static Tensor[] outs(Tensor... t) { return t; }

    static Stream<Call> calls() {
        int[] cu = {0, N};
        int[] tokens = {1, 4, 0, 2}, positions = {0, 1, 2, 3}, targets = {0, 3, 4, 1};
        return Stream.of(
                call("copy", c -> { Tensor d = c.t("dst", 6); c.be.copy(d, c.t("src", 6)); return outs(d); }),
                call("fill", c -> { Tensor t = c.t("t", 5); c.be.fill(t, 3f); return outs(t); }),
                call("toArray", c -> { c.be.toArray(c.t("t", 5)); return outs(); }),
                call("markWeights", c -> { c.be.markWeights(c.t("weights", 5)); return outs(); }),
                call("matmul", c -> {
                    Tensor o = c.t("out", 2, 2);
                    c.be.matmul(o, c.t("a", 2, 3), c.t("b", 3, 2), 1, 2, 2, 3, false, false, 1f, 1f);
                    return outs(o);
                }),
                call("addBias", c -> { Tensor o = c.t("out", 2, 3); c.be.addBias(o, c.t("bias", 3), 2, 3); return outs(o); }),
                call("biasBackward", c -> {
                    Tensor d = c.t("dbias", 3);
                    c.be.biasBackward(d, c.t("dout", 2, 3), 2, 3);
                    return outs(d);
                }),
                call("layerNormForward", c -> {
                    Tensor o = c.t("out", N, C), mean = c.t("mean", N), rstd = c.t("rstd", N);
                    c.be.layerNormForward(o, mean, rstd, c.t("x", N, C), c.t("weight", C), c.t("bias", C), N, C, 1e-5f);
                    return outs(o, mean, rstd);
                }),
                call("layerNormBackward", c -> {
                    Tensor dx = c.t("dx", N, C), dw = c.t("dweight", C), db = c.t("dbias", C);
                    c.be.layerNormBackward(dx, dw, db, c.t("dout", N, C), c.t("x", N, C), c.t("weight", C), c.t("mean", N),
                            c.t("rstd", N), N, C);
                    return outs(dx, dw, db);
                }),
                call("attentionForward", c -> {
                    Tensor o = c.t("out", N, C), lse = c.t("lse", N, NH);
                    c.be.attentionForward(o, lse, c.t("qkv", N, 3 * C), cu, N, NH, HD, 0.5f);
                    return outs(o, lse);
                }),
                call("attentionBackward", c -> {
                    Tensor d = c.t("dqkv", N, 3 * C);
                    c.be.attentionBackward(d, c.t("dout", N, C), c.t("qkv", N, 3 * C), c.t("out", N, C), c.t("lse", N, NH),
                            cu, N, NH, HD, 0.5f);
                    return outs(d);
                }),
                call("attentionDecode", c -> {
                    Tensor o = c.t("out", 2, C), k = c.t("kCache", T, C), v = c.t("vCache", T, C);
                    c.be.attentionDecode(o, c.t("qkvNew", 2, 3 * C), k, v, 1, 2, NH, HD, 0.5f);
                    return outs(o, k, v);
                }),
                call("geluForward", c -> { Tensor o = c.t("out", 6); c.be.geluForward(o, c.t("x", 6), 6); return outs(o); }),
                call("geluBackward", c -> {
                    Tensor d = c.t("dx", 6);
                    c.be.geluBackward(d, c.t("x", 6), c.t("dout", 6), 6);
                    return outs(d);
                }),
                call("add", c -> { Tensor o = c.t("out", 5); c.be.add(o, c.t("a", 5), c.t("b", 5), 5); return outs(o); }),
                call("scale", c -> { Tensor t = c.t("t", 5); c.be.scale(t, 2f); return outs(t); }),
                call("embeddingForward", c -> {
                    Tensor o = c.t("out", N, C);
                    c.be.embeddingForward(o, tokens, positions, c.t("wte", V, C), c.t("wpe", T, C), N, C);
                    return outs(o);
                }),
                call("embeddingBackward", c -> {
                    Tensor dwte = c.t("dwte", V, C), dwpe = c.t("dwpe", T, C);
                    c.be.embeddingBackward(dwte, dwpe, c.t("dout", N, C), tokens, positions, N, C);
                    return outs(dwte, dwpe);
                }),
                call("crossEntropy", c -> {
                    Tensor losses = c.t("losses", N), logits = c.t("logits", N, VP);
                    c.be.crossEntropy(losses, logits, targets, N, V, VP, -100, Reduction.MEAN, 1f);
                    return outs(losses, logits);
                }),
                new Call("crossEntropy", "crossEntropy without gradient", c -> {
                    Tensor losses = c.t("losses", N);
                    c.be.crossEntropy(losses, c.t("logits", N, VP), targets, N, V, VP, -100, Reduction.MEAN, 0f);
                    return outs(losses);
                }),
                call("adamW", c -> {
                    Tensor p = c.t("param", 5), m = c.t("m", 5), v = c.t("v", 5);
                    c.be.adamW(p, c.t("grad", 5), m, v, 5, 1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f, 1);
                    return outs(p, m, v);
                }),
                call("adafactor", c -> {
                    Tensor p = c.t("param", 3, 4), row = c.t("row", 3), col = c.t("col", 4);
                    c.be.adafactor(p, c.t("grad", 3, 4), row, col, null, 3, 4, 1e-2f, 0.5, 0.1f, 1.0, 1e-30);
                    return outs(p, row, col);
                }),
                new Call("adafactor", "adafactor, full second moment", c -> {
                    Tensor p = c.t("param", 5), v = c.t("v", 5);
                    c.be.adafactor(p, c.t("grad", 5), null, null, v, 1, 5, 1e-2f, 0.5, 0f, 1.0, 1e-30);
                    return outs(p, v);
                }),
                call("sumOfSquares", c -> { c.be.sumOfSquares(c.t("t", 5)); return outs(); }),
                call("sumInto", c -> { Tensor a = c.t("acc", 1); c.be.sumInto(a, c.t("x", 5)); return outs(a); }),
                call("sumOfSquaresInto", c -> {
                    Tensor a = c.t("acc", 1);
                    c.be.sumOfSquaresInto(a, c.t("x", 5));
                    return outs(a);
                }),
                call("clipFactor", c -> {
                    Tensor f = c.t("factor", 1);
                    c.be.clipFactor(f, c.t("normSq", 1), 0.5);
                    return outs(f);
                }),
                call("scaleBy", c -> { Tensor t = c.t("t", 5); c.be.scaleBy(t, c.t("factor", 1)); return outs(t); }),
                call("rmsNormForward", c -> {
                    Tensor o = c.t("out", N, C), rstd = c.t("rstd", N);
                    c.be.rmsNormForward(o, rstd, c.t("x", N, C), c.t("weight", C), N, C, 1e-5f);
                    return outs(o, rstd);
                }),
                call("rmsNormBackward", c -> {
                    Tensor dx = c.t("dx", N, C), dw = c.t("dweight", C);
                    c.be.rmsNormBackward(dx, dw, c.t("dout", N, C), c.t("x", N, C), c.t("weight", C), c.t("rstd", N), N, C);
                    return outs(dx, dw);
                }),
                call("ropeForward", c -> {
                    Tensor x = c.t("x", N, NH * HD);
                    c.be.ropeForward(x, c.t("cos", T, HD / 2), c.t("sin", T, HD / 2), positions, N, NH * HD, NH, HD);
                    return outs(x);
                }),
                call("ropeBackward", c -> {
                    Tensor dx = c.t("dx", N, NH * HD);
                    c.be.ropeBackward(dx, c.t("cos", T, HD / 2), c.t("sin", T, HD / 2), positions, N, NH * HD, NH, HD);
                    return outs(dx);
                }),
                call("swigluForward", c -> { Tensor o = c.t("out", N, I); c.be.swigluForward(o, c.t("x", N, 2 * I), N, I); return outs(o); }),
                call("swigluBackward", c -> {
                    Tensor dx = c.t("dx", N, 2 * I);
                    c.be.swigluBackward(dx, c.t("dout", N, I), c.t("x", N, 2 * I), N, I);
                    return outs(dx);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void bumpsExactlyWhatItWrites(Call call) {
        Ctx c = new Ctx();
        Set<Tensor> written = Set.of(call.run().apply(c));
        for (int i = 0; i < c.made.size(); i++) {
            Tensor t = c.made.get(i);
            String name = call + ": " + c.names.get(i);
            boolean changed = !Arrays.equals(c.before.get(i), c.be.toArray(t));
            if (written.contains(t)) {
                assertEquals(1, t.version(), name + " is written once, so its version must go from 0 to 1");
            } else {
                assertEquals(0, t.version(), name + " is only read, so its version must stay 0");
                assertTrue(!changed, name + " changed, so the op writes it: declare it and bump it");
            }
        }
        c.made.forEach(Tensor::close);
    }

    /** Every Backend method that takes a tensor has a case above (the read-only ones too, to show they bump nothing). */
    @Test
    void everyOpIsListed() {
        Set<String> listed = calls().map(Call::op).collect(Collectors.toCollection(TreeSet::new));
        Set<String> ops = Arrays.stream(Backend.class.getMethods())
                .filter(m -> Arrays.asList(m.getParameterTypes()).contains(Tensor.class))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        ops.removeAll(listed);
        assertEquals(Set.of(), ops, "Backend ops without a case in BackendVersionTest.calls()");
    }

    @Test
    void viewsShareTheirAllocationsVersion() {
        Backend be = new CpuBackend();
        try (Tensor all = be.zeros(10)) {
            Tensor a = all.view(0, 4), b = all.view(4, 6).reshape(2, 3);
            be.fill(a, 1f);
            assertEquals(1, all.version());
            assertEquals(1, b.version());
            be.scale(b, 2f);
            assertEquals(2, a.version());
            try (Tensor other = be.zeros(4)) {
                be.copy(other, a);
                assertEquals(2, all.version(), "reading a view is not a write");
                assertEquals(1, other.version());
            }
        }
    }
}
