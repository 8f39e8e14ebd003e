package dev.flan4j.profile;

import dev.flan4j.backend.Backend;
import dev.flan4j.kernels.KernelDType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The table of ops {@code flan4j profile} knows. Each row carries everything about its op: the CLI name, a one-line
 * summary, whether FLOPs or bytes bound it, its passes, its FLOP and byte formulas ({@link Flops}, {@link Bytes}),
 * the sizes that describe it in reports, and the workload that runs it. Adding an op is one row here (plus its
 * formulas and workload body).
 */
public enum Op {
    MATMUL("matmul", "GEMM out[M,N] = a[M,K] @ b[K,N]; bwd: dA and dB", Bound.COMPUTE, Direction.FWD,
            EnumSet.of(Direction.FWD, Direction.BWD),
            (x, d, t) -> Flops.matmul(x.M(), x.N(), x.K(), d),
            (x, d, t) -> Bytes.matmul(x.M(), x.N(), x.K(), d, t),
            x -> "M=" + x.M() + ",N=" + x.N() + ",K=" + x.K(),
            Workloads::matmul),
    LAYERNORM("layernorm", "layer norm over B*T rows of C", Bound.MEMORY, Direction.FWD,
            EnumSet.of(Direction.FWD, Direction.BWD),
            null,
            (x, d, t) -> Bytes.layerNorm(x.tokens(), x.C(), d, t),
            x -> "B=" + x.B() + ",T=" + x.T() + ",C=" + x.C(),
            Workloads::layerNorm),
    ATTENTION("attention", "causal attention over B rows of T tokens, NH heads of HD", Bound.COMPUTE, Direction.FWD,
            EnumSet.of(Direction.FWD, Direction.BWD),
            (x, d, t) -> Flops.attention(x.B(), x.NH(), x.T(), x.HD(), true, d),
            (x, d, t) -> Bytes.attention(x.tokens(), x.NH(), x.HD(), d, t),
            x -> "B=" + x.B() + ",T=" + x.T() + ",NH=" + x.NH() + ",HD=" + x.HD(),
            Workloads::attention),
    /** Loss and gradient in one pass (the gradient overwrites the logits); fwd alone computes only the loss. */
    CROSS_ENTROPY("cross_entropy", "softmax cross-entropy over B*T rows of Vp logits (V real)", Bound.MEMORY,
            Direction.FWD_BWD, EnumSet.of(Direction.FWD, Direction.FWD_BWD),
            null,
            (x, d, t) -> Bytes.crossEntropy(x.tokens(), x.V(), x.Vp(), d, t),
            x -> "B=" + x.B() + ",T=" + x.T() + ",V=" + x.V() + ",Vp=" + x.Vp(),
            Workloads::crossEntropy),
    /**
     * The fused LM head + cross-entropy of a training step ({@code model.FusedHead}): logits, loss, dlogits, dx and
     * dW, M token rows at a time. M = B*T (the default) is one chunk: the unfused head's work and memory.
     */
    FLCE("flce", "fused LM head + cross-entropy fwd+bwd over B*T rows of C, Vp logits, M rows per chunk",
            Bound.COMPUTE, Direction.FWD_BWD, EnumSet.of(Direction.FWD_BWD),
            (x, d, t) -> 3 * Flops.matmul(x.tokens(), x.Vp(), x.C(), Direction.FWD),
            null,
            x -> "B=" + x.B() + ",T=" + x.T() + ",C=" + x.C() + ",V=" + x.V() + ",Vp=" + x.Vp() + ",M="
                    + Math.min(x.M(), x.tokens()),
            Workloads::flce),
    GELU("gelu", "GELU (tanh) over the MLP's B*T*4C activations", Bound.MEMORY, Direction.FWD,
            EnumSet.of(Direction.FWD, Direction.BWD),
            null,
            (x, d, t) -> Bytes.gelu(Bytes.geluElements(x), d, t),
            x -> "B=" + x.B() + ",T=" + x.T() + ",C=" + x.C(),
            Workloads::gelu),
    /** One optimizer update; it has a single direction, reported as fwd. */
    ADAMW("adamw", "one AdamW update of P parameters", Bound.MEMORY, Direction.FWD, EnumSet.of(Direction.FWD),
            null,
            (x, d, t) -> Bytes.adamW(x.P(), t),
            x -> "P=" + x.P(),
            Workloads::adamW),
    /** One Adafactor update of a 2-D weight (factored second moment); fwd, like AdamW. */
    ADAFACTOR("adafactor", "one Adafactor update of an [N, K] weight (default 4C x C, the MLP's first)", Bound.MEMORY,
            Direction.FWD, EnumSet.of(Direction.FWD),
            null,
            (x, d, t) -> Bytes.adafactor(x.N(), x.K(), t),
            x -> "N=" + x.N() + ",K=" + x.K(),
            Workloads::adafactor),
    /** Model forward + backward (fwd: forward only). */
    STEP("step", "model forward + backward (fwd: forward only)", Bound.COMPUTE, Direction.FWD_BWD,
            EnumSet.of(Direction.FWD, Direction.FWD_BWD),
            (x, d, t) -> Flops.step(x.config(), x.B(), x.T(), d),
            null,
            x -> "B=" + x.B() + ",T=" + x.T() + ",L=" + x.L() + ",NH=" + x.NH() + ",C=" + x.C() + ",V=" + x.V(),
            Workloads::step);

    /** Whether the roofline limit that matters is arithmetic or memory traffic. */
    public enum Bound { COMPUTE, MEMORY }

    /** An analytic count (FLOPs or bytes) of one pass over a shape in a dtype. */
    @FunctionalInterface
    interface Count<T> {
        T of(Shape x, Direction d, KernelDType t);
    }

    /** The sizes that matter for the op, as "k=v,k=v" (the join key with the torch results). */
    @FunctionalInterface
    interface Describe {
        String of(Shape x);
    }

    /** Allocates the op's inputs on a backend and returns its body (fp32 over the Backend ops). */
    @FunctionalInterface
    interface Body {
        Workload create(Backend be, Workloads.Tensors ts, Shape x, Direction d);
    }

    private final String cliName;
    private final String summary;
    private final Bound bound;
    private final Direction defaultDirection;
    private final Set<Direction> directions;
    private final Count<Double> flops;
    private final Count<Long> bytes;
    private final Describe describe;
    private final Body body;

    Op(String cliName, String summary, Bound bound, Direction defaultDirection, Set<Direction> directions,
       Count<Double> flops, Count<Long> bytes, Describe describe, Body body) {
        this.cliName = cliName;
        this.summary = summary;
        this.bound = bound;
        this.defaultDirection = defaultDirection;
        this.directions = directions;
        this.flops = flops;
        this.bytes = bytes;
        this.describe = describe;
        this.body = body;
    }

    public String cliName() { return cliName; }
    public String summary() { return summary; }
    public Bound bound() { return bound; }
    public Direction defaultDirection() { return defaultDirection; }
    public Set<Direction> directions() { return directions; }

    /** The FLOPs of one pass, or null where only bytes make sense (layer norm, cross-entropy, GELU, the optimizers). */
    public Double flops(Shape x, Direction d, KernelDType t) { return flops == null ? null : flops.of(x, d, t); }

    /** The bytes one pass moves, or null where none is defined (a whole training step). */
    public Long bytes(Shape x, Direction d, KernelDType t) { return bytes == null ? null : bytes.of(x, d, t); }

    /** The sizes that matter for this op, as "k=v,k=v" (the join key with the torch results). */
    public String describe(Shape x) { return describe.of(x); }

    /** The fp32 body of one pass over {@code x}, with its tensors allocated on {@code be} (freed by close). */
    Workload workload(Backend be, Shape x, Direction d) {
        Workloads.Tensors ts = new Workloads.Tensors(be);
        try {
            return body.create(be, ts, x, d);
        } catch (RuntimeException | Error e) {
            ts.close();
            throw e;
        }
    }

    /**
     * The direction to run for a requested one (null: the default). For the fused ops (cross_entropy, step)
     * "bwd" means the fused fwd+bwd pass, since the backward never runs alone.
     */
    public Direction resolve(Direction requested) {
        if (requested == null) return defaultDirection;
        if (requested == Direction.BWD && directions.contains(Direction.FWD_BWD)) return Direction.FWD_BWD;
        if (!directions.contains(requested)) {
            throw new IllegalArgumentException("op " + cliName + " has no direction '" + requested + "'; use one of "
                    + directions.stream().map(Direction::label).toList());
        }
        return requested;
    }

    /** All CLI names, for help and errors. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Op::cliName).toList());
    }

    /** One line per op: "name: summary", for help. */
    public static String help() {
        return String.join("\n", Arrays.stream(values()).map(o -> o.cliName + ": " + o.summary).toList());
    }

    /** Parses a CLI name (case-insensitive; '-' accepted for '_'); the error names the value and lists the ops. */
    public static Op parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Op o : values()) if (o.cliName.equals(v)) return o;
        throw new IllegalArgumentException("unknown op '" + s + "'; ops: " + names() + ", suite");
    }

    @Override public String toString() { return cliName; }
}
