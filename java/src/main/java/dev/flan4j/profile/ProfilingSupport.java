package dev.flan4j.profile;

import dev.flan4j.backend.Backend;
import java.util.EnumSet;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * What the profiler needs from a backend beyond the {@link Backend} ops: a timer, an L2 flush, the dtypes each op
 * runs in, the launch configuration, and the GPU's name (to look up its peaks). A backend provides it by
 * implementing this interface itself, or through a {@link Provider} registered with {@link ServiceLoader};
 * otherwise the profiler uses {@link #host(Backend)}: wall-clock timing, no flush, fp32 only.
 *
 * <p>The CUDA backend is expected to supply: CUDA-event timing on its stream; {@link L2Flush#byWriting} with
 * cudaDevAttrL2CacheSize; bf16 in {@link #dtypes} where the kernel takes FLAN4J_BF16, with the matching
 * {@link #workload} (the {@link Backend} interface itself is fp32); grid/block/shared-memory sizes from its launchers.
 */
public interface ProfilingSupport {

    Timer newTimer();

    /** A fresh L2 flush for one profiling session (closed by the caller). */
    L2Flush newL2Flush();

    /** The dtypes {@code op} can be profiled in on this backend. */
    Set<Dtype> dtypes(Op op);

    /** The launch configuration for a spec ("grid=(..) block=(..) smem=.." or "threads=2"), or null when unknown. */
    String launchConfig(OpSpec spec);

    /** The GPU's name as nvidia-smi prints it ("NVIDIA H100 80GB HBM3"), or null off the GPU. */
    String gpuName();

    /** A backend-specific body (e.g. a bf16 kernel), or empty to use the generic fp32 one over the Backend ops. */
    default Optional<Workload> workload(Backend backend, OpSpec spec) {
        return Optional.empty();
    }

    /** Registers profiling support for a backend name through META-INF/services. */
    interface Provider {
        String backendName();

        ProfilingSupport create(Backend backend);
    }

    /** The support for {@code backend}: its own, a registered provider's, or {@link #host}. */
    static ProfilingSupport of(Backend backend) {
        if (backend instanceof ProfilingSupport ps) return ps;
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.backendName().equals(backend.name())) return p.create(backend);
        }
        return host(backend);
    }

    /** Wall-clock timing, no L2 flush, fp32 only; the launch configuration is the CPU's thread count. */
    static ProfilingSupport host(Backend backend) {
        boolean cpu = backend.name().equals("cpu");
        return new ProfilingSupport() {
            @Override public Timer newTimer() { return Timer.wallClock(backend); }

            @Override
            public L2Flush newL2Flush() {
                return L2Flush.none(cpu ? "CPU backend" : "the " + backend.name() + " backend offers no flush hook");
            }

            @Override public Set<Dtype> dtypes(Op op) { return EnumSet.of(Dtype.FP32); }

            @Override
            public String launchConfig(OpSpec spec) {
                if (!cpu) return null;
                int threads = Runtime.getRuntime().availableProcessors();
                return spec.op() == Op.MATMUL ? "OpenBLAS sgemm, threads=" + threads : "threads<=" + threads;
            }

            @Override public String gpuName() { return null; }
        };
    }
}
