package dev.flan4j.profile;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Precision;
import dev.flan4j.backend.ProfilingHooks;
import dev.flan4j.backend.Timer;
import dev.flan4j.kernels.KernelDType;
import java.util.Optional;

/**
 * Times op specs on one backend: for each run, the workload's untimed {@code prepare}, the L2 flush, then the
 * timed body between {@link Timer#start()} and {@link Timer#stopMillis()}; warmup runs go through the same path.
 * The timer, the cache size to flush and the GPU's name come from the backend's {@link ProfilingHooks}.
 */
public final class Profiler implements AutoCloseable {
    private final Backend backend;

    private final ProfilingHooks hooks;
    private final int warmup, runs;
    private final Double peakGflops, peakGbps;
    private final L2Flush flush;
    private final Timer timer;

    /**
     * @param peakGflops override of the compute peak in GFLOP/s (null: the device table; unknown on CPU)
     * @param peakGbps   override of the memory bandwidth peak in GB/s (null: the device table)
     */
    public Profiler(Backend backend, int warmup, int runs, Double peakGflops, Double peakGbps) {
        this(backend, backend.profiling(), null, warmup, runs, peakGflops, peakGbps);
    }

    /** With explicit hooks and flush (null: the flush that {@link #flushFor} builds from the hooks). */
    Profiler(Backend backend, ProfilingHooks hooks, L2Flush flush, int warmup, int runs, Double peakGflops,
             Double peakGbps) {
        if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        if (peakGflops != null && !(peakGflops > 0)) throw new IllegalArgumentException("peak GFLOP/s must be > 0, got " + peakGflops);
        if (peakGbps != null && !(peakGbps > 0)) throw new IllegalArgumentException("peak GB/s must be > 0, got " + peakGbps);
        if (backend == null || hooks == null) throw new IllegalArgumentException("backend and hooks are required");
        this.backend = backend;
        this.hooks = hooks;
        this.warmup = warmup;
        this.runs = runs;
        this.peakGflops = peakGflops;
        this.peakGbps = peakGbps;
        this.flush = flush != null ? flush : flushFor(backend, hooks);
        this.timer = hooks.newTimer();
    }

    /** Writes twice the device's L2 before each run, or nothing (with the hooks' reason) when it has none. */
    static L2Flush flushFor(Backend backend, ProfilingHooks hooks) {
        long l2 = hooks.l2CacheBytes();
        return l2 > 0 ? L2Flush.byWriting(backend, l2) : L2Flush.none(hooks.noFlushReason());
    }

    /** The GPU's name (null off the GPU). */
    public String gpuName() { return hooks.gpuName(); }

    /**
     * Whether the backend runs {@code spec}'s dtype: the workloads call the {@link Backend} ops on tensors as the
     * models allocate them, so the dtype profiled is the backend's {@link Backend#precision() precision}. In bf16
     * mode only the ops that run in bf16 are profiled as bf16: GEMMs (on fp32 tensors, their casts included in the
     * times), attention at head dims 64 and 128 (qkv and out in bf16 storage), the GELU forward (bf16 in and out),
     * the fused head and the whole step. Layer norm, the GELU backward (fp32 gradients), cross-entropy and AdamW
     * move fp32 there, and a bf16 label would credit them with bf16 traffic they do not have.
     */
    public boolean supports(OpSpec spec) { return unsupported(spec) == null; }

    /** Why the backend cannot run {@code spec} as asked, or null when it can. */
    public String unsupported(OpSpec spec) {
        KernelDType mode = dtypeOf(backend);
        if (spec.dtype() != mode) {
            return "dtype " + spec.dtype() + " is not supported by the " + backend.name() + " backend for op "
                    + spec.op() + " (this backend computes in " + backend.precision().label()
                    + "; bf16 needs --backend cuda --precision bf16)";
        }
        if (mode == KernelDType.BF16) {
            boolean bf16 = switch (spec.op()) {
                case MATMUL, FLCE, STEP -> true;
                case ATTENTION -> spec.shape().HD() == 64 || spec.shape().HD() == 128;
                case GELU -> spec.direction() == Direction.FWD;
                default -> false;
            };
            if (!bf16) {
                return "op " + spec.op() + (spec.op() == Op.ATTENTION ? " at HD " + spec.shape().HD() : "")
                        + (spec.op() == Op.GELU ? " " + spec.direction().label() : "")
                        + " computes in fp32 in bf16 mode (profile it with --dtype fp32)";
            }
        }
        return null;
    }

    /** The kernel dtype of a backend's precision: F32 or BF16. */
    public static KernelDType dtypeOf(Backend be) {
        return be.precision() == Precision.BF16 ? KernelDType.BF16 : KernelDType.F32;
    }

    public String timerDescription() { return timer.description(); }

    public String flushDescription() { return flush.description(); }

    /** The table row of the device's peaks, if the GPU is known. */
    public Optional<DevicePeaks.Peak> devicePeak() { return DevicePeaks.lookup(hooks.gpuName()); }

    /** How % of peak is computed, for the header. */
    public String peakDescription() {
        StringBuilder sb = new StringBuilder();
        Optional<DevicePeaks.Peak> p = devicePeak();
        if (p.isPresent()) {
            DevicePeaks.Peak k = p.get();
            sb.append(String.format(java.util.Locale.ROOT, "%s: bf16 %.1f / fp32 %.1f TFLOP/s, HBM %.0f GB/s", k.name(), k.bf16Tflops(),
                    k.fp32Tflops(), k.hbmGBps()));
        } else if (hooks.gpuName() != null) {
            sb.append("peak unknown for GPU '").append(hooks.gpuName()).append("'");
        } else {
            sb.append("peak unknown on CPU");
        }
        if (peakGflops != null) sb.append("; compute peak given: ").append(fmt(peakGflops)).append(" GFLOP/s");
        if (peakGbps != null) sb.append("; bandwidth peak given: ").append(fmt(peakGbps)).append(" GB/s");
        if (p.isEmpty() && peakGflops == null && peakGbps == null) sb.append(" (pass --peak-gflops / --peak-gbps)");
        return sb.toString();
    }

    /** Checks that the backend can run the spec as asked; the message names op, dtype and backend. */
    public void check(OpSpec spec) {
        String why = unsupported(spec);
        if (why != null) throw new IllegalArgumentException(why);
    }

    public Result run(OpSpec spec) {
        check(spec);
        double[] ms = new double[runs];
        try (Workload w = Workloads.create(backend, spec)) {
            for (int i = 0; i < warmup; i++) {
                w.prepare();
                flush.flush();
                w.run();
            }
            backend.synchronize();
            for (int i = 0; i < runs; i++) {
                w.prepare();
                flush.flush();
                timer.start();
                w.run();
                ms[i] = timer.stopMillis();
            }
        }
        return result(spec, Stats.of(ms), hooks.implementation(spec.op().cliName()));
    }

    /** Derived throughputs and % of peak for measured times. */
    Result result(OpSpec spec, Stats st, String launch) {
        Double flops = spec.flops();
        Long bytes = spec.bytes();
        double sec = st.median() / 1e3;
        Double tflops = flops == null || sec <= 0 ? null : flops / sec / 1e12;
        Double gbps = bytes == null || sec <= 0 ? null : bytes / sec / 1e9;
        Double pct = null;
        String basis;
        Optional<DevicePeaks.Peak> dev = devicePeak();
        if (spec.op().bound() == Op.Bound.COMPUTE) {
            Double peak = peakGflops != null ? Double.valueOf(peakGflops * 1e9)
                    : dev.map(p -> p.flopsPerSecond(spec.dtype())).orElse(null);
            basis = peak == null ? "unknown" : fmt(peak / 1e12) + " TFLOP/s " + spec.dtype();
            if (peak != null && tflops != null) pct = 100 * tflops * 1e12 / peak;
        } else {
            Double peak = peakGbps != null ? Double.valueOf(peakGbps * 1e9)
                    : dev.map(DevicePeaks.Peak::bytesPerSecond).orElse(null);
            basis = peak == null ? "unknown" : fmt(peak / 1e9) + " GB/s";
            if (peak != null && gbps != null) pct = 100 * gbps * 1e9 / peak;
        }
        Double tokens = spec.op() == Op.STEP && sec > 0 ? spec.shape().tokens() / sec : null;
        return new Result(spec.label(), spec.op().cliName(), spec.direction().label(), spec.dtype().label(),
                spec.describe(), st.runs(), st.median(), st.min(), st.p90(), flops, bytes, tflops,
                gbps, pct, basis, tokens, launch);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    @Override
    public void close() {
        try (flush; timer) {
            // closes both
        }
    }
}
